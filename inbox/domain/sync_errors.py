"""Why a source's sync failed, as a field: the engine sets it, the store keeps it with the
run, and the window reads it (the offline banner, the sidebar) without parsing message
text, which is worded for people and may change."""

from enum import StrEnum


class SyncErrorKind(StrEnum):
    OFFLINE = "offline"            # the network or the host could not be reached
    AUTH = "auth"                  # the credentials were rejected
    CREDENTIALS = "credentials"    # the credentials could not be read (no keyring, a locked one)
    RATE_LIMITED = "rate_limited"  # the source kept answering "too many requests"
    NOT_FOUND = "not_found"        # the page, app or account the settings name does not exist
    SERVER = "server"              # the source's server failed
    REFUSED = "refused"            # any other refusal or failure the source reported
    BAD_DATA = "bad_data"          # the answer could not be read
    REMOVED = "removed"            # the source was removed while it synced
    CANCELLED = "cancelled"        # the user stopped the sync
    DISK = "disk"                  # the inbox's disk is full, or its file cannot be written
    INTERNAL = "internal"          # a bug in a connector
