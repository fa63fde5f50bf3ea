"""`python -m inbox` does what `inbox` does (the `inbox` script runs `run` too)."""

import sys


def run() -> None:
    """`inbox --version` and the plain forms of `inbox search` answer before click and the
    commands are imported (most of their time: docs/benchmarks.md, issue 19); everything
    else, and whatever they hand back, goes to the click group."""
    args = sys.argv[1:]
    if args == ["--version"]:
        from inbox import APP_NAME, __version__

        print(f"{APP_NAME}, version {__version__}")  # click's version_option says the same
        return
    if "search" in args[:3]:
        from inbox.quick.search import answer

        code = answer(args)
        if code is not None:
            sys.exit(code)
    from inbox.cli import main

    main()


if __name__ == "__main__":
    run()
