"""`python -m inbox` does what `inbox` does."""

from inbox.cli import main

if __name__ == "__main__":
    main()
