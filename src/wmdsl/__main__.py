"""Allow ``python -m wmdsl``."""

from __future__ import annotations

from wmdsl.cli import main

if __name__ == "__main__":
    main()
