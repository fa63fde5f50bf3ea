"""`python -m inbox` does what `inbox` does (the `inbox` script runs `run` too)."""

import sys


def run() -> None:
    """`inbox --version` answers before click and the commands are imported (a third of
    the time); everything else goes to the click group."""
    if sys.argv[1:] == ["--version"]:
        from inbox import APP_NAME, __version__

        print(f"{APP_NAME}, version {__version__}")  # click's version_option says the same
        return
    from inbox.cli import main

    main()


if __name__ == "__main__":
    run()
