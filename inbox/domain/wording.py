"""Words on screen: counts with the right plural and sentiment in plain words (no Qt).

An owner reads "1 item" and "Sentiment: negative"; the score stays one hover away, and the
label is explained when it comes from the stars rather than the words.
"""

from __future__ import annotations

IRREGULAR = {"reply": "replies", "person": "people", "business": "businesses", "company": "companies"}


def plural(n: int, word: str, many: str | None = None) -> str:
    """ "1 item", "2 items", "0 replies", "1,204 items"."""
    if n == 1:
        return f"1 {word}"
    return f"{n:,} {many or IRREGULAR.get(word) or word + 's'}"


def sentiment_text(label: str, override: str | None = None, score: float | None = None,
                   rating: int | None = None) -> tuple[str, str]:
    """(what the label says, the tooltip with the score and where the label came from)."""
    shown = label if label in ("positive", "neutral", "negative") else "not known"
    if override:
        return shown, "You set this yourself; the automatic reading no longer applies."
    if score is None:
        if rating:
            return shown, f"From the {rating} ★ rating."
        return shown, "There were no words to read the mood from."
    words = "positive" if score >= 0.05 else "negative" if score <= -0.05 else "neutral"
    tip = f"Score {score:+.2f} on a scale from −1 (very negative) to +1 (very positive)."
    if words != shown and rating:  # the stars decided: say so instead of contradicting
        tip = f"From the {rating} ★ rating; the words alone read {words} (score {score:+.2f})."
    return shown, tip


def initials(name: str) -> str:
    """What an avatar shows: "Amara Okafor" -> "AO", "@jon@mastodon.social" -> "J", "" -> "?"."""
    words = [w for w in name.replace("@", " ").replace(".", " ").replace("_", " ").split()
             if any(c.isalnum() for c in w)]
    if "@" in name or "." in name.split(" ")[0]:  # a handle: its first letter only
        words = words[:1]
    letters = [next(c for c in w if c.isalnum()) for w in words[:2]]
    if len(words) > 2:
        letters = [letters[0], next(c for c in words[-1] if c.isalnum())]
    return "".join(letters).upper() or "?"
