"""Print docs/settings.md from the settings table (inbox/services/settings.py); a test keeps
the file in step.

Run: python scripts/settings_doc.py > docs/settings.md
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> int:
    from inbox.services.settings import markdown

    sys.stdout.write(markdown())
    return 0


if __name__ == "__main__":
    sys.exit(main())
