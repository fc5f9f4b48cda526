"""Small value classes written without ``@dataclass``, for a quick start-up.

``@dataclass`` writes, compiles and runs the source of every method it adds
when the class is defined: 0.2-0.5 ms a class, which for the four dozen
classes that ``wmdsl check`` imports was a quarter of its start-up. A
:class:`Record` instead names its fields in ``__slots__`` and writes its own
``__init__``; ``repr``, equality, hashing, immutability and pickling are
written once here and behave as the dataclass ones did. (The model's classes
are written as dataclasses, and become them when first asked, because pydantic
reads them as such: see :mod:`wmdsl.model`.)
"""

from __future__ import annotations

import inspect
import operator
from collections.abc import Callable
from dataclasses import FrozenInstanceError
from typing import Any, ClassVar, Self

__all__ = ["Frozen", "Record", "set_field"]

#: Sets a field of a :class:`Frozen` record in its ``__init__`` (as a frozen dataclass does).
set_field = object.__setattr__


def _no_fields(record: object) -> tuple[()]:
    return ()


class Record:
    """Base of a value class: its fields are annotated and listed in ``__slots__``.

    As with a dataclass: the fields are those of the base classes, then the
    class's own in the order of their annotations; ``repr`` shows them, two
    records are equal when they are of the same class and their compared
    fields are equal, and a mutable record is unhashable. Names in
    ``_uncompared`` take no part in equality and hashing, names in
    ``_unshown`` no part in ``repr``. A ``__dict__`` slot is no field: it
    makes room for ``functools.cached_property``.
    """

    __slots__ = ()

    _fields: ClassVar[tuple[str, ...]] = ()
    _uncompared: ClassVar[tuple[str, ...]] = ()
    _unshown: ClassVar[tuple[str, ...]] = ()
    _compared: ClassVar[Callable[[Any], object]] = _no_fields

    def __init_subclass__(cls, **options: Any) -> None:
        super().__init_subclass__(**options)
        slots = set(cls.__dict__.get("__slots__", ())) - {"__dict__", "__weakref__"}
        own = [name for name in inspect.get_annotations(cls) if name in slots]
        if set(own) != slots:
            raise TypeError(f"{cls.__qualname__}: every name in __slots__ needs an annotation")
        cls._fields = (*cls._fields, *own)
        compared = [name for name in cls._fields if name not in cls._uncompared]
        # One attrgetter per class reads the compared fields in one call; of a
        # single name it gives the bare value, which compares and hashes as well.
        cls._compared = operator.attrgetter(*compared) if compared else _no_fields

    def __repr__(self) -> str:
        shown = ", ".join(
            f"{name}={getattr(self, name)!r}" for name in self._fields if name not in self._unshown
        )
        return f"{type(self).__qualname__}({shown})"

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        compared = type(self)._compared
        return compared(self) == compared(other)

    def replace(self, **changes: Any) -> Self:
        """A copy with the fields named in ``changes`` changed (as ``dataclasses.replace``).

        The fields are passed to ``__init__`` by name, so it must take each one.
        """
        values = {name: getattr(self, name) for name in self._fields}
        return type(self)(**{**values, **changes})

    # No __hash__: Python makes a class that defines __eq__ alone unhashable,
    # as a dataclass with ``eq`` and no ``frozen`` is (a mutable record that
    # changes in a set would be lost in it). Frozen records hash their fields.

    # Pickling (results cross process boundaries) and copying go through the
    # fields, set as ``__init__`` sets them, so a frozen record unpickles too.
    def __getstate__(self) -> tuple[object, ...]:
        return tuple(getattr(self, name) for name in self._fields)

    def __setstate__(self, state: tuple[object, ...]) -> None:
        for name, value in zip(self._fields, state, strict=True):
            set_field(self, name, value)


class Frozen(Record):
    """A :class:`Record` whose fields cannot be assigned after ``__init__``, and which hashes.

    ``__init__`` sets the fields with :func:`set_field`; any other assignment
    raises :class:`dataclasses.FrozenInstanceError`, as on a frozen dataclass.
    """

    __slots__ = ()

    def __setattr__(self, name: str, value: object) -> None:
        raise FrozenInstanceError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        raise FrozenInstanceError(f"cannot delete field {name!r}")

    def __hash__(self) -> int:
        return hash(type(self)._compared(self))
