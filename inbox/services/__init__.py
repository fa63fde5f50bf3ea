"""Services: the operations the UI and the command line share (no Qt)."""
