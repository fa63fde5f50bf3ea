"""Quick commands answered before click and the command modules are imported (`inbox
search`): a whole process in a fraction of the time (docs/benchmarks.md, issue 19).

Each parses only the plain forms of its command; anything else (`--help`, an unknown or
repeated option, a team inbox, a file that needs migrating) goes to the click command, so
help, errors and exit codes have one implementation."""
