"""wmdsl: a compiler and linter for workflow architecture.

The three version numbers a release states (docs/versioning.md says what
each may change): the package's, the language's (what a spec may say) and
the JSON Schema's (what ``render --to json`` emits and ``wmdsl schema``
describes). The build reads ``__version__`` from here, so each is written
once.
"""

from __future__ import annotations

__version__ = "0.1.0"
LANGUAGE_VERSION = "1.0"
SCHEMA_VERSION = "1.0"

__all__ = ["LANGUAGE_VERSION", "SCHEMA_VERSION", "__version__"]
