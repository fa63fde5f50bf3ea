"""`inbox settings list / get / set / reset`: the settings table (inbox/services/settings.py)
from the command line, with the same names, checks and defaults as the Settings window."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import click

from inbox.cli.common import db_option, echo_json, fail, open_store
from inbox.services import settings as table
from inbox.services.settings import Setting, SettingError, Where


def local_settings() -> Any:
    """This computer's settings; Qt is imported only when such a setting is asked for."""
    from inbox.app import local_settings as make

    return make()


@contextmanager
def _backends(ctx: click.Context, db_path: str | None, setting: Setting) -> Iterator[dict[str, Any]]:
    """Where `setting` lives, as keyword arguments for the table's get/set/reset; the store is
    closed and this computer's settings are written out afterwards, whatever happened."""
    if setting.where is Where.WORKSPACE:
        with open_store(ctx, db_path) as store:
            yield {"store": store}
        return
    local = local_settings()
    try:
        yield {"local": local}
    finally:
        local.sync()


def _spec(name: str) -> Setting:
    try:
        return table.spec(name)
    except SettingError as exc:
        fail(str(exc))


def register(group: click.Group) -> None:
    @group.group("settings")
    def settings_group() -> None:
        """Show and change settings (the same as Edit ▸ Settings… in the app)."""

    @settings_group.command("list")
    @db_option
    @click.option("--all", "show_all", is_flag=True, help="Also the app's own bookkeeping.")
    @click.option("--json", "as_json", is_flag=True, help="Print a JSON list.")
    @click.pass_context
    def list_settings(ctx: click.Context, db_path: str | None, show_all: bool, as_json: bool) -> None:
        """Every setting with its value, where it is kept, and what it does."""
        chosen = [s for s in table.TABLE if show_all or not s.internal]
        store = open_store(ctx, db_path) if any(s.where is Where.WORKSPACE for s in chosen) else None
        local = local_settings() if any(s.where is Where.COMPUTER for s in chosen) else None
        try:
            rows = []
            for s in chosen:
                value = table.get(s.name, store, local)
                rows.append({"name": s.name, "value": None if s.type is bytes else value,
                             "default": s.default, "kept_in": str(s.where), "description": s.description})
        finally:
            if store is not None:
                store.close()
        if as_json:
            echo_json(rows)
            return
        for s, row in zip(chosen, rows, strict=True):
            shown = table.describe_value(s, row["value"] if s.type is not bytes else None)
            click.echo(f"{s.name:<28} {shown:<24} ({'workspace' if s.where is Where.WORKSPACE else 'this computer'})")
            click.echo(f"    {s.description}")

    @settings_group.command("get")
    @click.argument("name")
    @db_option
    @click.pass_context
    def get_setting(ctx: click.Context, name: str, db_path: str | None) -> None:
        """Print one setting's value (its default when never set)."""
        setting = _spec(name)
        with _backends(ctx, db_path, setting) as backends:
            value = table.get(name, **backends)
        click.echo(_plain(setting, value))

    @settings_group.command("set")
    @click.argument("name")
    @click.argument("value")
    @db_option
    @click.pass_context
    def set_setting(ctx: click.Context, name: str, value: str, db_path: str | None) -> None:
        """Change one setting: true/false, a number, or text (checked as the app checks it)."""
        setting = _spec(name)
        if setting.internal:
            fail(f"{name} is kept by the app itself and is not changed by hand")
        with _backends(ctx, db_path, setting) as backends:
            try:
                stored = table.set(name, value, **backends)
            except SettingError as exc:
                fail(str(exc))
        click.echo(f"{name} = {_plain(setting, stored)}")

    @settings_group.command("reset")
    @click.argument("name")
    @db_option
    @click.pass_context
    def reset_setting(ctx: click.Context, name: str, db_path: str | None) -> None:
        """Bring back a setting's default."""
        setting = _spec(name)
        with _backends(ctx, db_path, setting) as backends:
            default = table.reset(name, **backends)
        click.echo(f"{name} is back to its default: {table.describe_value(setting, default)}")


def _plain(setting: Setting, value: Any) -> str:
    """A value as `set` takes it back: true/false, a number, or the text."""
    if setting.type is bool:
        return "true" if value else "false"
    if setting.type is bytes:
        return "(kept)" if value else ""
    return "" if value is None else str(value)
