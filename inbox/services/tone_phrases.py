"""The tone check's phrase list: shipped in resources/, the user's copy in the config folder
(made on first edit, so an app update never overwrites what they changed)."""

from __future__ import annotations

import shutil
from pathlib import Path

import platformdirs

from inbox import APP_ID
from inbox.domain.tone import Phrase, parse_phrases
from inbox.paths import resources_dir

FILE_NAME = "tone_phrases.txt"


def shipped_path() -> Path:
    return resources_dir() / FILE_NAME


def user_path() -> Path:
    return Path(platformdirs.user_config_dir(APP_ID, appauthor=False)) / FILE_NAME


def active_path() -> Path:
    return user_path() if user_path().is_file() else shipped_path()


def load_phrases() -> list[Phrase]:
    try:
        return parse_phrases(active_path().read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError):
        return []


def editable_path() -> Path:
    """The user's copy, created from the shipped list the first time it is edited."""
    path = user_path()
    if not path.is_file():
        path.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(shipped_path(), path)
    return path


def save_phrases(text: str) -> list[Phrase]:
    path = editable_path()
    tmp = path.with_suffix(".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)
    return parse_phrases(text)
