"""Allow ``python -m wmdsl``."""

from __future__ import annotations

from wmdsl.cli import run

if __name__ == "__main__":
    run()
