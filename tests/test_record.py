"""wmdsl.record: plain value classes behave as the dataclasses they replace."""

from __future__ import annotations

import copy
import dataclasses
import functools
import pickle

import pytest

from wmdsl.record import Frozen, Record, set_field


class Point(Frozen):
    __slots__ = ("tag", "x", "y")
    x: int
    y: int
    tag: str
    _uncompared = ("tag",)

    def __init__(self, x: int, y: int = 0, tag: str = "") -> None:
        set_field(self, "x", x)
        set_field(self, "y", y)
        set_field(self, "tag", tag)


class Box(Record):
    __slots__ = ("__dict__", "items", "secret")
    items: list[int]
    secret: str
    _unshown = ("secret",)

    def __init__(self, items: list[int], secret: str = "") -> None:
        self.items = items
        self.secret = secret

    @functools.cached_property
    def total(self) -> int:
        return sum(self.items)


@dataclasses.dataclass(frozen=True)
class PointDataclass:
    x: int
    y: int = 0
    tag: str = dataclasses.field(default="", compare=False)


def test_fields_follow_the_annotations_and_repr_matches_a_dataclass() -> None:
    assert Point._fields == ("x", "y", "tag")
    assert repr(Point(1, 2, "a")) == repr(PointDataclass(1, 2, "a")).replace("PointDataclass", "Point")
    assert repr(Box([1], "hidden")) == "Box(items=[1])"


def test_equality_and_hashing() -> None:
    assert Point(1, 2, "a") == Point(1, 2, "b")  # tag is not compared
    assert hash(Point(1, 2, "a")) == hash(Point(1, 2, "b"))
    assert Point(1, 2) != Point(2, 1)
    assert Point(1) != PointDataclass(1)
    assert Box([1]) == Box([1])
    assert Box([1]) != Box([1], "other")  # unshown is still compared
    assert Box([1]) != Box([2])
    with pytest.raises(TypeError, match="unhashable"):
        hash(Box([1]))


def test_a_frozen_record_refuses_assignment() -> None:
    point = Point(1)
    with pytest.raises(dataclasses.FrozenInstanceError):
        point.x = 2  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        del point.x


def test_records_pickle_copy_and_replace() -> None:
    point = Point(1, 2, "a")
    for copied in (pickle.loads(pickle.dumps(point)), copy.copy(point), copy.deepcopy(point)):
        assert copied == point
        assert copied.tag == "a"
    box = Box([1, 2], "s")
    assert box.total == 3  # cached in the instance's __dict__
    again = pickle.loads(pickle.dumps(box))
    assert (again.items, again.secret, again.total) == ([1, 2], "s", 3)
    assert point.replace(y=5) == Point(1, 5)
    assert point.replace(y=5).tag == "a"


def test_every_slot_needs_an_annotation() -> None:
    with pytest.raises(TypeError, match="annotation"):

        class Broken(Record):
            __slots__ = ("a", "b")
            a: int
