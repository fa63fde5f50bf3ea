"""`inbox sources add|list|remove|test|login`: what to sync, and its credentials.

`inbox sources add KIND --help` is generated from each connector's `settings` and
`secrets` declarations, so a setting is documented in exactly one place.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Coroutine
from typing import Any

import click

from inbox.cli.common import db_option, echo_json, fail, open_secrets, open_store
from inbox.domain import Source
from inbox.domain.models import SOURCE_LABELS
from inbox.domain.times import from_db
from inbox.secrets import NoKeyring, Secrets, SecretsError, key_of, read_source
from inbox.services.sources import SourceDraft, SourceExists, SourcesService
from inbox.sources.base import Connector, SourceError
from inbox.sources.registry import KINDS, connector_class
from inbox.store import NotFound, Store, StoreError
from inbox.sync.errors import explain_exception


def _change(change: Coroutine[Any, Any, Source], outcome: str) -> Source:
    """Run one change of the sources service; each way it can fail is one clear line that
    ends with `outcome` where the change was refused."""
    try:
        return asyncio.run(change)
    except SourceExists as exc:
        fail(f"a source named {exc.name!r} already exists")
    except NoKeyring as exc:  # what to install or switch on, then the technical detail
        fail(f"{explain_exception(exc, '').text} Nothing was changed ({outcome}).\n    details: {exc}")
    except SecretsError as exc:
        fail(f"credentials not saved: {explain_exception(exc, '').text} ({outcome}).\n    details: {exc}")
    except (StoreError, ValueError) as exc:
        fail(str(exc))


def _source_or_fail(store: Store, name: str) -> Source:
    """The named source, or exit 2 with the store's message."""
    try:
        return store.get_source(name)
    except NotFound as exc:
        fail(str(exc))


def _connector_or_none(kind: str) -> type[Connector] | None:
    try:
        return connector_class(kind)
    except SourceError:
        return None


def kind_help(kind: str) -> str:
    """The help of `inbox sources add KIND`, from the connector's declarations."""
    cls = _connector_or_none(kind)
    label = SOURCE_LABELS.get(kind, kind)
    if cls is None:
        return f"Add a {label} source (this connector is not available in this version)."
    lines = [f"Add a {cls.title or label} source.", "", "\b", "Settings (--set KEY=VALUE):"]
    for s in cls.settings:
        flags = " (required)" if s.required and not s.default else ""
        default = f" [default: {s.default}]" if s.default else ""
        lines.append(f"  {s.name}{flags}: {s.help}{default}")
    if not cls.settings:
        lines.append("  none")
    lines += ["", "\b", "Secrets (--secret KEY; typed at a hidden prompt, kept in the system keyring):"]
    lines += [f"  {name}" for name in cls.secrets] or ["  none"]
    lines += ["", f"Replies from the app: {'yes' if cls.can_reply else 'no (copy and open the page)'}."]
    return "\n".join(lines)


def parse_settings(cls: type[Connector], pairs: tuple[str, ...], *, complete: bool = True) -> dict[str, str]:
    """The --set pairs; with `complete`, every required setting must be among them."""
    known = {s.name: s for s in cls.settings}
    values: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        key = key.strip()
        if not sep or not key:
            fail(f"--set needs KEY=VALUE, got {pair!r}")
        if key not in known:
            fail(f"unknown setting {key!r} for {cls.kind}; known: {', '.join(known) or 'none'}")
        values[key] = value.strip()
    missing = [s.name for s in cls.settings if s.required and not s.default and not values.get(s.name)]
    if missing and complete:
        fail(f"{cls.kind} needs --set {missing[0]}=... ({known[missing[0]].help})")
    return values


def read_secrets(cls: type[Connector], names: tuple[str, ...]) -> dict[str, str]:
    """Each secret from a hidden prompt, or one stdin line each when stdin is not a terminal."""
    unknown = [n for n in names if n not in cls.secrets]
    if unknown:
        fail(f"unknown secret {unknown[0]!r} for {cls.kind}; known: {', '.join(cls.secrets) or 'none'}")
    values: dict[str, str] = {}
    tty = sys.stdin.isatty()
    for name in names:
        if tty:
            value = click.prompt(f"{name}", hide_input=True, default="", show_default=False)
        else:
            line = sys.stdin.readline()
            if not line:
                fail(f"no value for secret {name!r} on standard input (one line per --secret)")
            value = line.rstrip("\r\n")
        if not value:
            fail(f"secret {name!r} is empty")
        values[name] = value
    return values


class _KindCommand(click.Command):
    """Builds its help from the connector only when asked, so `inbox` starts without
    importing every connector."""

    def format_help_text(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        self.help = kind_help(self.name or "")
        super().format_help_text(ctx, formatter)


def _make_add_command(kind: str) -> click.Command:
    @click.command(kind, cls=_KindCommand, short_help=f"{SOURCE_LABELS.get(kind, kind)} source.")
    @click.option("--name", required=True, help="A name for this source (unique).")
    @click.option("--competitor", is_flag=True, help="This source is about a competitor.")
    @click.option("--set", "pairs", multiple=True, metavar="KEY=VALUE", help="A setting (repeatable).")
    @click.option("--secret", "secret_names", multiple=True, metavar="KEY",
                  help="A secret to read from a hidden prompt or stdin (repeatable).")
    @db_option
    @click.pass_context
    def add(ctx: click.Context, name: str, competitor: bool, pairs: tuple[str, ...],
            secret_names: tuple[str, ...], db_path: str | None) -> None:
        cls = _connector_or_none(kind)
        if cls is None:
            fail(f"the {kind} connector is not available in this version")
        assert cls is not None
        settings = parse_settings(cls, pairs)
        secret_values = read_secrets(cls, secret_names)
        draft = SourceDraft(kind, name, whose="competitor" if competitor else "own", settings=settings,
                            secrets=secret_values)
        with open_store(ctx, db_path) as store:
            source = _change(SourcesService(store, open_secrets(ctx)).add(draft), "the source was not added")
        missing = [s for s in cls.secrets if s not in secret_values]
        click.echo(f"Added {source.name} ({kind}, {source.whose}).")
        if missing and kind != "google":
            click.echo(f"Note: no {', '.join(missing)} given; add with --secret when you re-add it.")
        if kind == "google" and "refresh_token" not in secret_values:
            click.echo(f"Next: `inbox sources login {source.name}` to sign in with Google.")
    return add


def _source_row(store: Store, s: Source) -> dict[str, Any]:
    count = store.count_source_items(s.id)
    return {"id": s.id, "name": s.name, "kind": s.kind, "whose": s.whose, "enabled": s.enabled,
            "settings": s.settings, "items": count, "last_synced_at": s.last_synced_at,
            "last_error": s.last_error}


def register(group: click.Group) -> None:
    @group.group("sources")
    def sources() -> None:
        """Add, list, edit, test and remove the places to sync from."""

    @sources.group("add")
    def add_group() -> None:
        """Add a source: `inbox sources add KIND --name NAME [--set K=V] [--secret K]`.

        `inbox sources add KIND --help` lists a kind's settings and secrets.
        """

    for kind in KINDS:
        add_group.add_command(_make_add_command(kind))

    @sources.command("list")
    @db_option
    @click.option("--json", "as_json", is_flag=True, help="Print a JSON list.")
    @click.pass_context
    def list_(ctx: click.Context, db_path: str | None, as_json: bool) -> None:
        """The sources, with their item counts, last sync and last error."""
        with open_store(ctx, db_path) as store:
            rows = [_source_row(store, s) for s in store.list_sources()]
        if as_json:
            echo_json(rows)
            return
        if not rows:
            click.echo("No sources yet. Add one: inbox sources add KIND --name NAME ...")
            return
        click.echo(f"{'NAME':<24} {'KIND':<11} {'WHOSE':<10} {'ITEMS':>7}  LAST SYNC             STATUS")
        for r in rows:
            status = "error: " + r["last_error"] if r["last_error"] else ("ok" if r["last_synced_at"] else "never synced")
            if not r["enabled"]:
                status = "disabled; " + status
            synced = from_db(r["last_synced_at"])  # this computer's time (--json keeps UTC)
            when = f"{synced.astimezone():%Y-%m-%d %H:%M}" if synced else "-"
            click.echo(f"{r['name']:<24} {r['kind']:<11} {r['whose']:<10} {r['items']:>7}  "
                       f"{when:<21} {status}")

    @sources.command("remove")
    @click.argument("name")
    @db_option
    @click.pass_context
    def remove(ctx: click.Context, name: str, db_path: str | None) -> None:
        """Remove a source, everything synced from it, and its saved credentials."""
        with open_store(ctx, db_path) as store:
            source = _source_or_fail(store, name)
            removed = asyncio.run(SourcesService(store, open_secrets(ctx)).remove(source.id))
        if removed.secrets_error:
            click.echo(f"Warning: saved credentials not deleted: {removed.secrets_error}", err=True)
        click.echo(f"Removed {source.name}.")

    @sources.command("edit")
    @click.argument("name")
    @click.option("--name", "new_name", metavar="NEW", help="A new name (saved credentials move with it).")
    @click.option("--competitor/--own", "competitor", default=None, help="Whose source this is.")
    @click.option("--enable/--disable", "enabled", default=None, help="Include it in `inbox sync`.")
    @click.option("--set", "pairs", multiple=True, metavar="KEY=VALUE",
                  help="Change a setting (repeatable; the others stay).")
    @click.option("--secret", "secret_names", multiple=True, metavar="KEY",
                  help="Replace a secret, read like `add` does (repeatable; the others stay).")
    @db_option
    @click.pass_context
    def edit(ctx: click.Context, name: str, new_name: str | None, competitor: bool | None,
             enabled: bool | None, pairs: tuple[str, ...], secret_names: tuple[str, ...],
             db_path: str | None) -> None:
        """Rename a source, or change its settings, secrets, whose or whether it syncs."""
        with open_store(ctx, db_path) as store:
            source = _source_or_fail(store, name)
            cls = _connector_or_none(source.kind)
            if cls is None and (pairs or secret_names):
                fail(f"the {source.kind} connector is not available in this version")
            draft = SourceDraft.of(source)
            if cls is not None:
                draft.settings.update(parse_settings(cls, pairs, complete=False))
                draft.secrets = read_secrets(cls, secret_names)
            draft.name = new_name if new_name is not None else draft.name
            if competitor is not None:
                draft.whose = "competitor" if competitor else "own"
            if enabled is not None:
                draft.enabled = enabled
            saved = _change(SourcesService(store, open_secrets(ctx)).edit(source.id, draft),
                            "the source was not changed")
        click.echo(f"Saved {saved.name} ({saved.kind}, {saved.whose}"
                   f"{'' if saved.enabled else ', disabled'}).")

    @sources.command("test")
    @click.argument("name")
    @db_option
    @click.pass_context
    def test(ctx: click.Context, name: str, db_path: str | None) -> None:
        """Make one request to the source and say whether it works (exit 1 if not)."""
        with open_store(ctx, db_path) as store:
            source = _source_or_fail(store, name)
            try:
                verdict = asyncio.run(_test(SourcesService(store, open_secrets(ctx)), source))
            except (SourceError, SecretsError) as exc:
                plain = explain_exception(exc, source.kind)
                click.echo(f"{source.name}: FAILED: {plain.text}\n    details: {plain.detail}")
                sys.exit(1)
        click.echo(f"{source.name}: {verdict}")

    @sources.command("login")
    @click.argument("name")
    @db_option
    @click.pass_context
    def login(ctx: click.Context, name: str, db_path: str | None) -> None:
        """Sign in through the browser (Google, Google Play with an OAuth client, Mastodon, a
        Reddit installed app) and keep the new token in the keyring."""
        from inbox.services.setup import BROWSER_SIGN_IN

        with open_store(ctx, db_path) as store:
            source = _source_or_fail(store, name)
        if source.kind not in BROWSER_SIGN_IN:
            fail(f"{source.name} is a {source.kind} source; it signs in with a key: "
                 f"inbox sources edit {source.name!r} --secret …")
        try:
            if source.kind == "google":
                asyncio.run(_google_login(source, open_secrets(ctx)))
            else:
                asyncio.run(_browser_login(source, open_secrets(ctx)))
        except (SourceError, SecretsError) as exc:
            fail(str(exc), code=1)
        click.echo(f"Signed in; {source.name} is ready to sync.")


async def _test(service: SourcesService, source: Source) -> str:
    from inbox.sync.http import HttpClient

    async with HttpClient(retries=1, max_wait=10) as http:
        return await service.test(SourceDraft.of(source), http=http, saved=source)


async def _browser_login(source: Source, secrets: Secrets) -> None:
    from inbox.services.setup import sign_in_again
    from inbox.sync.http import HttpClient

    async with HttpClient() as http:
        click.echo("Opening the browser to sign in...")
        await sign_in_again(source, secrets, http)


async def _google_login(source: Source, secrets: Secrets) -> None:
    from inbox.sources.google import TOKEN_URL
    from inbox.sources.google_oauth import AUTH_URL, authorize
    from inbox.sync.http import HttpClient

    values = await asyncio.to_thread(read_source, secrets, source)
    if not values.get("client_id") or not values.get("client_secret"):
        raise SourceError("add the OAuth client first: inbox sources add google ... "
                          "--secret client_id --secret client_secret")
    async with HttpClient() as http:
        http.add_secrets(values)
        click.echo("Opening the browser to sign in with Google...")
        token = await authorize(values["client_id"], values["client_secret"], http,
                                auth_url=source.settings.get("auth_url") or AUTH_URL,
                                token_url=source.settings.get("token_url") or TOKEN_URL)
    await asyncio.to_thread(secrets.set, key_of(source), {"refresh_token": token})
