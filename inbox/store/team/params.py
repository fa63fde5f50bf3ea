"""Array parameters sent as one JSON text instead of as arrays.

Why: psycopg dumps a list parameter element by element in Python (its C extension has no
list dumper): a page of team ingest sent ~6 arrays of 500, 0.4-0.8 ms each, about 6 µs of
the app's ~43 µs per item (docs/benchmarks.md). `json.dumps` builds them in C, and the
server reads them back with `json_array_elements_text`, in order, NULLs kept."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

# An array parameter in SQL: `%s` takes `json_list(values)`; cast the result for non-text.
TEXTS = "ARRAY(SELECT json_array_elements_text(%s::json))"
BIGINTS = TEXTS + "::bigint[]"


def json_list(values: Iterable[Any]) -> str:
    """The parameter for TEXTS or BIGINTS (str, int or None values)."""
    return json.dumps(values if isinstance(values, list) else list(values), ensure_ascii=False)
