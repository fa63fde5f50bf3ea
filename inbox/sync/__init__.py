"""Syncing sources into the store: the HTTP client every connector uses (`http`) and the
engine that runs connectors concurrently and records each run (`engine`). No Qt here."""
