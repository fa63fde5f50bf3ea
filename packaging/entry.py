"""Entry point of the frozen app: the same click group as `inbox` (no command opens the window)."""

from inbox.cli import main

if __name__ == "__main__":
    main()
