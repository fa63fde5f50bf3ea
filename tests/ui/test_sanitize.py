"""The reading pane's second sanitising pass (nh3, strict allow-list)."""

from __future__ import annotations

import pytest

from inbox.ui.sanitize import body_html, clean_html, is_openable


def test_scripts_images_styles_and_bad_links_are_removed():
    dirty = ('<p style="position:fixed">Hi <script>steal()</script><style>p{}</style>'
             '<img src="http://t.example/p.png"><img src="/home/me/x.png" onerror="x()">'
             '<iframe src="https://x"></iframe><a href="javascript:alert(1)">j</a>'
             '<a href="file:///etc/passwd">f</a><a href="../../etc">rel</a>'
             '<a href="https://ok.example/a" onclick="x()" target="_blank">ok</a>'
             '<a href="mailto:me@example.org">mail</a></p>')
    out = clean_html(dirty)
    for bad in ("script", "steal", "style", "img", "iframe", "javascript", "file:", "../",
                "onclick", "onerror", "target", "position"):
        assert bad not in out, bad
    assert 'href="https://ok.example/a"' in out
    assert 'href="mailto:me@example.org"' in out
    assert ">j</a>" in out and ">f</a>" in out  # the words stay, the links go


def test_plain_text_is_escaped_and_paragraphs_kept():
    out = body_html("<b>hi</b> & bye\nline two\n\nsecond para", None)
    assert out == "<p>&lt;b&gt;hi&lt;/b&gt; &amp; bye<br>line two</p><p>second para</p>"


def test_html_that_cleans_to_nothing_falls_back_to_text():
    assert body_html("the text", "<script>x()</script>") == "<p>the text</p>"


@pytest.mark.parametrize(("url", "ok"), [
    ("https://example.org", True), ("http://example.org/a?b", True), ("mailto:a@b.c", True),
    ("file:///etc/passwd", False), ("javascript:alert(1)", False), ("/etc/passwd", False),
    ("data:text/html,x", False), ("https:///nohost", False), ("ftp://x.org", False), ("", False),
])
def test_only_web_and_mail_links_are_openable(url, ok):
    assert is_openable(url) is ok
