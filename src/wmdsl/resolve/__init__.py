"""The resolver: files and imports in, a typed, checked model out."""

from __future__ import annotations

from wmdsl.resolve.compile import Compilation, compile_file, compile_text

__all__ = ["Compilation", "compile_file", "compile_text"]
