"""Erasures survive a restore: the hook that carries them into the restored copy.

A backup made before an erasure still holds the customer. Restoring it must not bring
them back, so the restore takes the erasure records (digests only) of the database it
replaces and, once the copy is in place, erases again what of theirs the copy holds
(`Store.reapply_erasures`). This runs after the restore itself, as a separate step, so
the restore's own checks stay the backup store's business.
"""

from __future__ import annotations

import logging
from pathlib import Path

from inbox.domain.times import from_db
from inbox.store import ErasureRecords, NotADatabase, Reapplied, Store, StoreError

log = logging.getLogger(__name__)


def records_of(store: Store) -> ErasureRecords:
    """What to carry over: every erasure of `store` (none when it has none; `unread` when the
    open inbox is damaged where they are, as for `records_in_file`)."""
    try:
        return store.erasure_records()
    except Exception as exc:  # sqlite3's own error: the store does not wrap this read
        log.warning("could not read the erasures of the open inbox before the restore: %s", exc)
        return ErasureRecords(unread=True)


def records_in_file(db_path: Path) -> ErasureRecords:
    """The erasures of the database file at `db_path`, read before it is replaced; empty
    when the file is missing, and `unread` when it is damaged (its kept copy still has them)."""
    if not Path(db_path).exists():
        return ErasureRecords()
    try:
        store = Store.open_reader(db_path)
    except StoreError as exc:
        log.warning("could not read the erasures of %s before the restore: %s", db_path, exc)
        return ErasureRecords(unread=not isinstance(exc, NotADatabase))  # not an inbox: none to read
    try:
        return store.erasure_records()
    except Exception as exc:  # an old file (before erasure records) or a damaged one
        log.warning("could not read the erasures of %s before the restore: %s", db_path, exc)
        return ErasureRecords(unread="no such table" not in str(exc))
    finally:
        store.close()


def reapply_after_restore(store: Store, records: ErasureRecords) -> list[Reapplied]:
    """Erase again, in the restored `store`, what `records` erased; returns the erasures
    the restored copy had not seen, with what each removed."""
    done = store.reapply_erasures(records)
    for r in done:
        log.info("restore: re-applied the erasure of %s (%s)", r.erased_at, r.report.counts())
    return done


def _local(text: str) -> str:
    when = from_db(text)
    return when.astimezone().strftime("%-d %b %Y, %H:%M") if when else text


UNREAD = ("The inbox it replaced was too damaged to tell whether anyone was erased after this "
          "backup was made: if you erased a customer since, erase them again (Item ▸ Erase Author…).")


def describe_reapplied(done: list[Reapplied]) -> str:
    """One sentence for the owner ('' when there was nothing to re-apply)."""
    if not done:
        return ""
    parts = [f"the erasure of {_local(r.erased_at)} (removed {r.report.items} "
             f"item{'s' * (r.report.items != 1)} and {r.report.owner_replies} "
             f"repl{'ies' if r.report.owner_replies != 1 else 'y'})" for r in done]
    return ("The backup was older than " + ("an erasure" if len(done) == 1 else f"{len(done)} erasures")
            + " made since; re-applied " + "; ".join(parts) + ".")
