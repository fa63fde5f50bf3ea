"""Entry point of the frozen app: the same click group as `inbox` (no command opens the window)."""

import multiprocessing

from inbox.cli import main

if __name__ == "__main__":
    multiprocessing.freeze_support()  # should any library spawn a helper process in the bundle
    main()
