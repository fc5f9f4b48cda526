"""Limits on what one run will read, so hostile or accidental input stays cheap.

Real specs are far below every default; each can be raised in the
configuration (``[limits]`` in ``wmdsl.toml``). Going past a limit is a
``SYN014`` diagnostic, never a hang or a memory blow-up.
"""

from __future__ import annotations

from dataclasses import dataclass, fields


@dataclass(frozen=True, slots=True, kw_only=True)
class Limits:
    """The limits in force for one compilation."""

    max_file_size: int = 16 * 1024 * 1024  # bytes per file
    max_depth: int = 64  # nesting of `{ … }` blocks
    max_string_length: int = 65_536  # characters in one string or text block
    max_imports: int = 256  # files one compilation may read through imports
    max_import_depth: int = 32  # length of an import chain

    @classmethod
    def keys(cls) -> dict[str, str]:
        """Configuration key (``max-file-size``) → field name (``max_file_size``)."""
        return {f.name.replace("_", "-"): f.name for f in fields(cls)}


DEFAULT = Limits()


def size(count: int) -> str:
    """``16 MiB`` for a byte count."""
    for unit, scale in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if count >= scale:
            return f"{count / scale:g} {unit}"
    return f"{count} bytes"
