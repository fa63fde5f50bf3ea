"""Connectors: one module per source kind behind the small interface in `base`.

No Qt here. `registry.connector_class(kind)` finds the class for a kind.
"""
