"""Entry point of the frozen app: the same click group as `inbox` (no command opens the window)."""

import multiprocessing
import sys

from inbox.sources import file_child
from inbox.sync import file_reader, worker

if __name__ == "__main__":
    multiprocessing.freeze_support()  # should any library spawn a helper process in the bundle
    if sys.argv[1:2] == [worker.FLAG]:  # the window's sync, in a process of its own (inbox/sync/child.py)
        sys.exit(worker.main())
    if sys.argv[1:2] == [file_child.FLAG]:  # a big file's rows, parsed beside the sync (inbox/sources/file_child.py)
        sys.exit(file_reader.main())
    from inbox.cli import main

    main()
