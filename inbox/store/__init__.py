"""The store: one SQLite file (WAL, FTS5, migrations). `Store` (in `inbox.store.store`) is
built from every mixin; `inbox.store.reader` answers quick read-only commands.

The names below are imported on first use (PEP 562), not with the package: importing any
`inbox.store.X` runs this file first, and `inbox search` must not import every mixin to
read one page (docs/benchmarks.md, issue 19). A new mixin goes on `Store`'s line in
`inbox/store/store.py`."""

from __future__ import annotations

from inbox.lazy_names import lazy_names
from inbox.store.errors import (
    BadQuery,
    Busy,
    CannotOpen,
    DamagedDatabase,
    DatabaseError,
    DiskFull,
    ForeignDatabase,
    NewerSchema,
    NotADatabase,
    NotFound,
    ReadOnlyDatabase,
    StoreError,
)

TYPE_CHECKING = False  # not typing's: importing typing costs a sixth of a quick command
if TYPE_CHECKING:
    from inbox.store.connection import write_transaction
    from inbox.store.erasures import ErasureRecords, Reapplied
    from inbox.store.faults import classify
    from inbox.store.ingest import IngestPipeline, IngestResult
    from inbox.store.locks import SyncRunning
    from inbox.store.maintenance import engine_version
    from inbox.store.migrations import SCHEMA_VERSION
    from inbox.store.store import Store
    from inbox.store.sync_runs import RunCounts

__all__ = [
    "SCHEMA_VERSION",
    "BadQuery",
    "Busy",
    "CannotOpen",
    "DamagedDatabase",
    "DatabaseError",
    "DiskFull",
    "ErasureRecords",
    "ForeignDatabase",
    "IngestPipeline",
    "IngestResult",
    "NewerSchema",
    "NotADatabase",
    "NotFound",
    "ReadOnlyDatabase",
    "Reapplied",
    "RunCounts",
    "Store",
    "StoreError",
    "SyncRunning",
    "classify",
    "engine_version",
    "write_transaction",
]

_HOME = {
    "SCHEMA_VERSION": "migrations", "ErasureRecords": "erasures", "Reapplied": "erasures",
    "IngestPipeline": "ingest", "IngestResult": "ingest", "RunCounts": "sync_runs", "Store": "store",
    "SyncRunning": "locks", "classify": "faults", "engine_version": "maintenance",
    "write_transaction": "connection",
}


__getattr__, __dir__ = lazy_names(__name__, _HOME, __all__)
