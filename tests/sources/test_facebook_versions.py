"""The Facebook source warns ahead of the end of the Graph API version it pins."""

from __future__ import annotations

from datetime import date

from inbox.sources.facebook_versions import version_of, version_warning


def test_the_pinned_version_and_its_end() -> None:
    assert version_of("https://graph.facebook.com/v21.0") == "v21.0"
    assert version_of("http://127.0.0.1:9/v22.0/") == "v22.0"
    assert version_of("http://127.0.0.1:9") is None


def test_warned_within_ninety_days_and_after_the_end() -> None:
    url = "https://graph.facebook.com/v21.0"
    assert version_warning(url, date(2026, 10, 1)) is None  # more than 90 days ahead
    assert version_warning(url, date(2026, 12, 2)) == (
        "Facebook stops answering Graph API v21.0 on 21 January 2027, in 50 days. In File ▸ Sources…, "
        "change the version in its API address to v25.0 (https://graph.facebook.com/v25.0).")
    assert version_warning(url, date(2027, 2, 1)).startswith("Facebook stopped answering Graph API v21.0 on 21 January 2027.")
    assert version_warning("https://graph.facebook.com/v25.0", date(2026, 12, 2)) is None
