"""Limits on what one run will read, so hostile or accidental input stays cheap.

Real specs are far below every default; each can be raised in the
configuration (``[limits]`` in ``wmdsl.toml``). Going past a limit is a
``SYN014`` diagnostic, never a hang or a memory blow-up.
"""

from __future__ import annotations

from wmdsl.record import Frozen, set_field


class Limits(Frozen):
    """The limits in force for one compilation."""

    __slots__ = ("max_depth", "max_file_size", "max_import_depth", "max_imports", "max_string_length")
    max_file_size: int
    max_depth: int
    max_string_length: int
    max_imports: int
    max_import_depth: int

    def __init__(
        self,
        max_file_size: int = 16 * 1024 * 1024,  # bytes per file
        max_depth: int = 64,  # nesting of `{ … }` blocks
        max_string_length: int = 65_536,  # characters in one string or text block
        max_imports: int = 256,  # files one compilation may read through imports
        max_import_depth: int = 32,  # length of an import chain
    ) -> None:
        set_field(self, "max_file_size", max_file_size)
        set_field(self, "max_depth", max_depth)
        set_field(self, "max_string_length", max_string_length)
        set_field(self, "max_imports", max_imports)
        set_field(self, "max_import_depth", max_import_depth)

    @classmethod
    def keys(cls) -> dict[str, str]:
        """Configuration key (``max-file-size``) → field name (``max_file_size``)."""
        return {name.replace("_", "-"): name for name in cls._fields}


DEFAULT = Limits()


def size(count: int) -> str:
    """``16 MiB`` for a byte count."""
    for unit, scale in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if count >= scale:
            return f"{count / scale:g} {unit}"
    return f"{count} bytes"
