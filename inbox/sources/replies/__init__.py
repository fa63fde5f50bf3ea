"""The reply half of connectors: one module per source kind with a reply API."""
