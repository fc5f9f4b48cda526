"""Writes ``_constructors.py``: each model class's ``make``, as source compiled with the package.

:meth:`wmdsl.model.Element.make` builds an object by setting its slots
directly, without the generic ``__init__``'s loop over the fields. Those
functions used to be generated with ``exec`` in every process, after a
class's 64th object; written out here once, they are compiled to bytecode
like the rest of the package, and a small check neither runs ``exec`` nor
builds its first objects the slow way.

``python -m wmdsl.constructors`` rewrites the file after a change to the
model; a test fails while it is stale, and so does every import of the model
(:func:`wmdsl._constructors.install` compares each class's fields with the
ones the file was written for, and leaves a class that differs to
``cls(**values)``).
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

TARGET = Path(__file__).with_name("_constructors.py")


def constructed() -> list[type]:
    """The model classes given a constructor: slotted dataclasses of their own, without default factories."""
    from wmdsl import model

    found = []
    for name in sorted(vars(model)):
        cls = getattr(model, name)
        ours = isinstance(cls, type) and cls.__module__ == model.__name__
        if not ours or not issubclass(cls, model.Element):
            continue
        own = "__slots__" in cls.__dict__ and "__dataclass_fields__" in cls.__dict__
        if own and all(f.default_factory is dataclasses.MISSING for f in dataclasses.fields(cls)):
            found.append(cls)
    return found


def source() -> str:
    """The text of ``_constructors.py``."""
    lines = [
        '"""Each model class\'s ``make``, written by `python -m wmdsl.constructors`. Do not edit."""',
        "",
        "from __future__ import annotations",
        "",
        "# fmt: off",
        "from collections.abc import Callable, Mapping",
        "from typing import Any",
        "",
        "#: The fields each constructor was written for, by class.",
        "FIELDS: dict[str, tuple[str, ...]] = {",
    ]
    classes = constructed()
    for cls in classes:
        names = tuple(f.name for f in dataclasses.fields(cls))
        lines.append(f"    {cls.__name__!r}: {names!r},")
    lines += ["}", ""]
    for cls in classes:
        lines += ["", *_maker(cls)]
    lines += [
        "",
        "",
        "MAKERS: dict[str, Callable[[type, Mapping[str, Any]], Callable[..., Any]]] = {",
        *(f"    {cls.__name__!r}: _{cls.__name__}," for cls in classes),
        "}",
        "",
    ]
    return "\n".join(lines)


def _maker(cls: type) -> list[str]:
    """``_Name(cls, defaults)``: returns the ``make`` of ``cls``, its slot setters and defaults bound."""
    fields = dataclasses.fields(cls)
    parameters = [
        f"{f.name}: Any" if f.default is dataclasses.MISSING else f"{f.name}: Any = defaults[{f.name!r}]"
        for f in fields
    ]
    lines = [
        f"def _{cls.__name__}(cls: type, defaults: Mapping[str, Any]) -> Callable[..., Any]:",
        "    new = object.__new__",
    ]
    lines += [f"    set_{f.name} = cls.{f.name}.__set__  # type: ignore[attr-defined]" for f in fields]
    lines += [
        "",
        f"    def make(*, {', '.join(parameters)}) -> Any:",
        "        self: Any = new(cls)",
        *(f"        set_{f.name}(self, {f.name})" for f in fields),
        "        return self",
        "",
        "    return make",
        "",
    ]
    return lines


def main() -> None:
    TARGET.write_text(source(), encoding="utf-8")
    print(f"wrote {TARGET.name}")


if __name__ == "__main__":
    main()
