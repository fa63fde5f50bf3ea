"""Every setting the app keeps, declared once (as qutebrowser's `configdata`).

Each `Setting` says its name, type, default, a line an owner understands, and where the value
lives: in the workspace database (it travels with the workspace and its backups) or on this
computer (window sizes, the last export folder). The Settings window, `inbox settings`,
docs/settings.md and the code all read this table, so a setting has one default and one
meaning. Internal settings are bookkeeping the app keeps for itself and are never shown.

No Qt here: "this computer" settings are read through `LocalSettings`, which a `QSettings`
satisfies as it is.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Protocol

from inbox.domain.times import zone_named

if TYPE_CHECKING:
    from inbox.store import Store


class Where(StrEnum):
    WORKSPACE = "workspace"   # the database's `settings` table
    COMPUTER = "computer"     # QSettings (organisation and application `feedback-inbox`)


class SettingError(ValueError):
    """An unknown setting, a value it cannot take, or no place to keep it."""


class LocalSettings(Protocol):
    """The part of `QSettings` the table uses for settings kept on this computer."""

    def value(self, key: str, /, defaultValue: Any = None) -> Any: ...
    def setValue(self, key: str, value: Any, /) -> None: ...
    def remove(self, key: str, /) -> None: ...


@dataclass(frozen=True, slots=True)
class Setting:
    name: str
    type: type            # bool, int, str (bytes: internal blobs such as window geometry)
    default: Any
    title: str            # the label in the Settings window
    description: str      # one line, in the owner's words
    where: Where
    key: str = ""         # the storage key when it differs from `name` (kept for old workspaces)
    minimum: int | None = None
    maximum: int | None = None
    choices: tuple[tuple[str, str], ...] = ()   # (value, what the owner reads)
    unit: str = ""        # shown after a number ("minutes")
    zero_text: str = ""   # what 0 means, if it means something ("never")
    internal: bool = False

    @property
    def storage_key(self) -> str:
        return self.key or (self.name.replace(".", "/") if self.where is Where.COMPUTER else self.name)


# QSettings' organisation and application for the settings of this computer.
LOCAL_SCOPE = ("feedback-inbox", "feedback-inbox")

W, C = Where.WORKSPACE, Where.COMPUTER

TABLE: tuple[Setting, ...] = (
    # -- shown in the Settings window and `inbox settings list` --------------------------------
    Setting("business_name", str, "", "Business name",
            "Your business's name, filled in where a saved reply says {business_name}.", W),
    Setting("owner_name", str, "", "Your name",
            "Your first name as you sign replies, filled in for {owner_name}.", W),
    Setting("sync.interval_minutes", int, 30, "Sync every",
            "How often the app fetches new reviews and mentions while it is open.", W,
            minimum=0, maximum=24 * 60, unit="minutes", zero_text="never"),
    Setting("replies.undo_seconds", int, 5, "Time to take back a reply",
            "After you press Send, how long you have to undo it before it is posted.", W,
            key="reply_undo_seconds", minimum=0, maximum=60, unit="seconds", zero_text="no delay"),
    Setting("reading.mark_read_on_open", bool, True, "Mark items read when opened",
            "Opening a review or mention marks it read, as opening an email does.", C),
    Setting("display.time_zone", str, "", "Time zone",
            "Show times in this zone (a name such as Europe/London); empty uses this computer's.", C),
    Setting("display.theme", str, "system", "Appearance",
            "Light or dark colours, or follow the computer's setting.", C,
            choices=(("system", "Same as the computer"), ("light", "Light"), ("dark", "Dark"))),
    Setting("export.format", str, "csv", "Export format",
            "The file type the Export window starts with (it remembers your last choice).", C,
            choices=(("csv", "CSV, for any spreadsheet"), ("xlsx", "Excel workbook"))),
    Setting("export.bom", bool, False, "Make CSV exports Excel-friendly",
            "Adds a byte-order mark, so Excel on Windows shows accented letters right.", C),
    # -- bookkeeping the app keeps for itself ------------------------------------------------------
    Setting("demo_anchor", str, "", "Demo anchor",
            "The moment the demo workspace's dates are counted back from.", W, internal=True),
    Setting("saved_replies_seeded", str, "", "Starter saved replies added",
            "When the starter saved replies were added (they are added once).", W, internal=True),
    Setting("sync.offline_since", str, "", "Offline since",
            "When a sync last found every source unreachable.", W, internal=True),
    Setting("team.display_names", str, "", "Team members' names",
            "A team inbox's copy: the names its members chose, as last heard from the server.", W, internal=True),
    Setting("team.last_opened", str, "", "Team inbox last opened",
            "A team inbox's copy: when a window last opened it (Open Recent Team Inbox).", W, internal=True),
    Setting("export.folder", str, "", "Last export folder",
            "The folder of the last export.", C, internal=True),
    Setting("first_run.seen", bool, False, "Welcome shown",
            "The welcome window was shown once.", C, internal=True),
    Setting("window.geometry", bytes, None, "Window position",
            "Where the main window was and how big.", C, internal=True),
    Setting("window.splitter", bytes, None, "Pane widths",
            "The widths of the sidebar, list and reading pane.", C, internal=True),
    Setting("window.reading_splitter", bytes, None, "Reading pane split",
            "How the reading pane is split between the conversation and the reply.", C, internal=True),
)

SETTINGS: dict[str, Setting] = {s.name: s for s in TABLE}

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def spec(name: str) -> Setting:
    """The declaration of `name`; an unknown name is an error that lists the known ones."""
    try:
        return SETTINGS[name]
    except KeyError:
        known = ", ".join(s.name for s in TABLE if not s.internal)
        raise SettingError(f"there is no setting called {name!r} (settings: {known})") from None


def choice_values(setting: Setting) -> list[str]:
    return [value for value, _label in setting.choices]


def visible() -> list[Setting]:
    """The settings an owner sees and changes, in the table's order."""
    return [s for s in TABLE if not s.internal]


def validate(setting: Setting, value: Any) -> Any:
    """`value` (typed, or text from the command line) as the setting's type; raises
    `SettingError` with a sentence an owner can act on."""
    if setting.type is bytes:
        return value
    if setting.type is bool:
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in _TRUE | _FALSE:
            return text in _TRUE
        raise SettingError(f"{setting.name} is on or off: use true or false")
    if setting.type is int:
        try:
            number = value if isinstance(value, int) and not isinstance(value, bool) else int(str(value).strip())
        except ValueError:
            raise SettingError(f"{setting.name} takes a whole number{_range(setting)}") from None
        if (setting.minimum is not None and number < setting.minimum) or (
                setting.maximum is not None and number > setting.maximum):
            raise SettingError(f"{setting.name} takes a whole number{_range(setting)}")
        return number
    text = str(value if value is not None else "").strip()
    if setting.choices and text not in choice_values(setting):
        raise SettingError(f"{setting.name} is one of: {', '.join(choice_values(setting))}")
    if setting.name == "display.time_zone" and text:
        try:
            zone_named(text)
        except ValueError as exc:
            raise SettingError(str(exc)) from None
    return text


def parse(setting: Setting, raw: Any) -> Any:
    """A stored value as the setting's type. Reading is forgiving: a value edited by hand or
    written by an older version falls back to the default, a number out of range is clamped."""
    if raw is None or (raw == "" and setting.type is not str):
        return setting.default
    if setting.type is int:
        try:
            number = int(float(str(raw).strip()))
        except ValueError:
            return setting.default
        if setting.minimum is not None:
            number = max(setting.minimum, number)
        if setting.maximum is not None:
            number = min(setting.maximum, number)
        return number
    try:
        return validate(setting, raw)
    except SettingError:
        return setting.default


def get(name: str, store: Store | None = None, local: LocalSettings | None = None) -> Any:
    """The value of setting `name` (its default when never set). Workspace settings need the
    `store`, settings of this computer the `local` QSettings."""
    setting = spec(name)
    if setting.where is Where.WORKSPACE:
        return parse(setting, _need(setting, store).get_setting(setting.storage_key))
    return parse(setting, _need(setting, local).value(setting.storage_key))


def set(name: str, value: Any, store: Store | None = None, local: LocalSettings | None = None) -> Any:
    """Validate and keep `value`; returns it as stored. Raises `SettingError` for a value
    the setting cannot take, and writes nothing then."""
    setting = spec(name)
    typed = validate(setting, value)
    if setting.where is Where.WORKSPACE:
        text = None if typed in ("", None) else (("true" if typed else "false") if setting.type is bool else str(typed))
        _need(setting, store).set_setting(setting.storage_key, text)
    else:
        _need(setting, local).setValue(setting.storage_key, typed)
    return typed


def reset(name: str, store: Store | None = None, local: LocalSettings | None = None) -> Any:
    """Back to the default; returns it."""
    setting = spec(name)
    if setting.where is Where.WORKSPACE:
        _need(setting, store).set_setting(setting.storage_key, None)
    else:
        _need(setting, local).remove(setting.storage_key)
    return setting.default


def describe_value(setting: Setting, value: Any) -> str:
    """A value as the owner reads it: on/off, "30 minutes", "never", "(not set)"."""
    if setting.type is bool:
        return "on" if value else "off"
    if setting.type is int:
        if value == 0 and setting.zero_text:
            return setting.zero_text
        return f"{value} {setting.unit}".strip()
    if setting.type is bytes:
        return "(kept)" if value else "(not set)"
    return str(value) if value else "(not set)"


def markdown() -> str:
    """docs/settings.md, generated from the table (a test keeps the file in step)."""
    lines = [
        "# Settings",
        "",
        "Every setting, as the Settings window (Edit ▸ Settings…, `Ctrl+,`) and",
        "`inbox settings list` show it. Workspace settings live in the workspace's database (they",
        "move with it and with its backups); settings of this computer live in the desktop's",
        "settings store (organisation and application `feedback-inbox`).",
        "",
        "Change one from the command line with `inbox settings set NAME VALUE`;",
        "`inbox settings reset NAME` brings back the default.",
        "",
        "This page is generated from `inbox/services/settings.py`: run",
        "`python scripts/settings_doc.py > docs/settings.md` after changing the table.",
        "",
        "| name | kept in | default | what it does |",
        "| --- | --- | --- | --- |",
    ]
    for s in visible():
        where = "workspace" if s.where is Where.WORKSPACE else "this computer"
        allowed = ""
        if s.type is int:
            allowed = f" {_range(s).strip().capitalize()}" + (f"; 0 means {s.zero_text}." if s.zero_text else ".")
        elif s.choices:
            allowed = f" One of: {', '.join(choice_values(s))}."
        lines.append(f"| `{s.name}` | {where} | {describe_value(s, s.default)} | "
                     f"{s.description.replace('|', '/')}{allowed} |")
    return "\n".join(lines) + "\n"


def _range(setting: Setting) -> str:
    if setting.minimum is not None and setting.maximum is not None:
        return f" from {setting.minimum} to {setting.maximum}" + (f" {setting.unit}" if setting.unit else "")
    return ""


def _need(setting: Setting, backend: Any) -> Any:
    if backend is None:
        place = "the workspace" if setting.where is Where.WORKSPACE else "this computer's settings"
        raise SettingError(f"{setting.name} is kept in {place}, which was not given")
    return backend
