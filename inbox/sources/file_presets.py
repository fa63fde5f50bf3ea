"""Ready import presets for the review exports an owner can download without a developer
account: which column holds each field, the encoding and the time zone, and where to get
the file. The file source applies a preset named in its `preset` setting, or the one whose
columns it recognises, unless the owner gave a mapping.

Column names were checked against public code that reads these exports (provenance in each
preset's comment); several names are listed where exports of different years differ."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Preset:
    name: str
    title: str
    columns: dict[str, tuple[str, ...]]  # our field → the export's column names, first found wins
    signature: tuple[str, ...]           # columns that all appear only in this export
    encoding: str = "UTF-8"
    time_zone: str = "UTC"               # naive times in the file are in this zone
    guide: tuple[str, ...] = field(default_factory=tuple)  # the owner's steps to download it


PRESETS: dict[str, Preset] = {p.name: p for p in (
    # Trustpilot Business ▸ Reviews ▸ Export. Columns as public code reading or writing that
    # export names them (found with the code search, December 2026): a ServiceReviewIO.js
    # writing Review Id, Review Created (UTC), Review Username, Review Title, Review Content,
    # Review Stars, Company Response, Company Reply Date (UTC); analysis code reading
    # "Review Created (UTC)", "Review Stars", "Business Reply Date (UTC)", "Location Name".
    Preset(
        name="trustpilot-export", title="Trustpilot Business review export",
        columns={
            "id": ("Review Id", "Review ID"),
            "created_at": ("Review Created (UTC)",),
            "author": ("Review Username", "Consumer Name"),
            "title": ("Review Title",),
            "text": ("Review Content", "Review Text"),
            "rating": ("Review Stars",),
            "reply": ("Company Response", "Business Reply Content", "Company Reply", "Business Response"),
            "replied_at": ("Company Reply Date (UTC)", "Business Reply Date (UTC)"),
        },
        signature=("Review Created (UTC)", "Review Stars"),
        guide=("Sign in to Trustpilot Business (businessapp.b2b.trustpilot.com).",
               "Open Reviews ▸ Service reviews, choose the dates, and press Export ▸ CSV.",
               "Choose the downloaded file here. Times in it are UTC; they are shown in your time."),
    ),
    # Google Play Console ▸ Download reports ▸ Reviews: one UTF-16 CSV per app and month,
    # reviews_<package>_<yyyymm>.csv in the Cloud Storage bucket. Columns as in public readers
    # of these reports (Package Name … Review Submit Date and Time, Star Rating, Review Title,
    # Review Text, Developer Reply Date and Time, Developer Reply Text, Review Link).
    Preset(
        name="googleplay-report", title="Google Play Console monthly review report",
        columns={
            "id": ("Review Link",),  # no id column: the link names the review
            "url": ("Review Link",),
            "created_at": ("Review Submit Date and Time", "Review Submit Millis Since Epoch"),
            "title": ("Review Title",),
            "text": ("Review Text",),
            "rating": ("Star Rating",),
            "reply": ("Developer Reply Text",),
            "replied_at": ("Developer Reply Date and Time",),
        },
        signature=("Star Rating", "Review Submit Date and Time"),
        encoding="UTF-16",
        guide=("In Google Play Console open Download reports ▸ Reviews.",
               "Choose the app and the month, and download the CSV (it is UTF-16; no need to convert it).",
               "Choose the downloaded file here; add each new month's file as it comes."),
    ),
)}


def detect(columns: list[str]) -> Preset | None:
    """The preset whose signature columns the file has, if any."""
    have = {c.strip().lower() for c in columns}
    for preset in PRESETS.values():
        if all(s.lower() in have for s in preset.signature):
            return preset
    return None


def mapping_for(preset: Preset, columns: list[str]) -> str:
    """The file source's mapping text for the columns this file has ("field=Column,…")."""
    by_lower = {c.strip().lower(): c for c in columns}
    parts = []
    for our, names in preset.columns.items():
        found = next((by_lower[n.lower()] for n in names if n.lower() in by_lower), None)
        if found is not None and "," not in found and "=" not in found:
            parts.append(f"{our}={found}")
    return ",".join(parts)


def preset_named(name: str | None) -> Preset | None:
    return PRESETS.get((name or "").strip()) if name else None
