"""Board configurations: flow order, WIP limits, swimlanes, hostile labels (goldens elsewhere)."""

from __future__ import annotations

import json
from typing import Any

from tests.test_render_raci import HOSTILE
from wmdsl import api
from wmdsl.render.board import board_config, flow_order, render_board

# Declared out of flow order, with a rework loop and an unmarked loop.
SPEC = """
person @ana "Ana Lima"
person @raj "Raj Patel"
lane eng "Engineering" { owner @ana; members @ana 50%, @raj; purpose "Build it" }
lane ops "Operations" { owner @raj; members @raj }
workflow w "W" {
  owner @ana
  intake late "Late intake" { owner @raj; accepts bug }
  intake early "Early intake" { owner @ana; channel "Form"; arrivals 3 per week }
  work bug "Bug"
  stage ship "Ship" in ops { wip 1; effort 30m; done "Live" }
  stage review "Review" in eng { wip 2 }
  stage build "Build" in eng { wip 3; effort 2d; done "Merged" }
  stage plan "Plan" { owner @ana }
  exit cancelled "Cancelled" { kind cancelled }
  exit shipped "Shipped"
  exit rejected "Rejected" { kind rejected }
  early -> plan
  late -> build
  plan -> build
  plan -> rejected
  build -> review
  review -> build "changes" { rework }
  review -> ship
  ship -> review "unmarked loop"
  ship -> shipped
  build -> cancelled
  board all "All" { owner eng; shows ship, build, review, plan, early; audience eng, @raj }
  board tail "Tail" { shows ship }
}
"""


def _boards() -> dict[str, dict[str, Any]]:
    config = board_config(api.loads(SPEC))
    [workflow] = config["workflows"]
    return {board["id"]: board for board in workflow["boards"]}


def test_flow_order_ignores_rework_and_back_edges() -> None:
    document = api.loads(SPEC)
    assert flow_order(document.workflows[0]) == [
        "late",
        "early",
        "plan",
        "build",
        "review",
        "ship",
        "cancelled",
        "shipped",
        "rejected",
    ]


def test_columns_are_the_shown_stages_in_flow_order_with_wip_limits() -> None:
    columns = _boards()["all"]["columns"]
    assert [(c["id"], c["wip_limit"]) for c in columns] == [
        ("plan", None),
        ("build", 3),
        ("review", 2),
        ("ship", 1),
    ]
    build = columns[1]
    assert build == {
        "id": "build",
        "title": "Build",
        "lane": "eng",
        "owner": {"id": "@ana", "kind": "person", "title": "Ana Lima"},
        "wip_limit": 3,
        "effort": "2d",
        "effort_hours": 16.0,
        "done": "Merged",
    }
    assert columns[0]["lane"] is None
    assert columns[0]["owner"] == {"id": "@ana", "kind": "person", "title": "Ana Lima"}


def test_swimlanes_intakes_and_done_columns() -> None:
    board = _boards()["all"]
    assert [lane["id"] for lane in board["swimlanes"]] == ["eng", "ops"]
    eng = board["swimlanes"][0]
    assert eng["members"] == [
        {"id": "@ana", "title": "Ana Lima", "allocation": 0.5},
        {"id": "@raj", "title": "Raj Patel", "allocation": None},
    ]
    assert eng["purpose"] == "Build it"
    intakes = board["intakes"]
    assert [(i["id"], i["shown"]) for i in intakes] == [("late", False), ("early", True)]
    assert intakes[0]["accepts"] == ["bug"]
    assert board["done_columns"] == [
        {"kind": "done", "exits": [{"id": "shipped", "title": "Shipped", "shown": False}]},
        {"kind": "rejected", "exits": [{"id": "rejected", "title": "Rejected", "shown": False}]},
        {"kind": "cancelled", "exits": [{"id": "cancelled", "title": "Cancelled", "shown": False}]},
    ]
    assert board["owner"] == {"id": "eng", "kind": "lane", "title": "Engineering"}
    assert board["audience"] == [
        {"id": "eng", "kind": "lane", "title": "Engineering"},
        {"id": "@raj", "kind": "person", "title": "Raj Patel"},
    ]


def test_a_board_lists_only_what_touches_its_columns() -> None:
    board = _boards()["tail"]
    assert [c["id"] for c in board["columns"]] == ["ship"]
    assert board["intakes"] == []
    assert board["done_columns"] == [
        {"kind": "done", "exits": [{"id": "shipped", "title": "Shipped", "shown": False}]}
    ]
    assert board["owner"] is None


def test_fixed_key_order_and_version() -> None:
    text = render_board(api.loads(SPEC))
    data = json.loads(text)
    assert list(data) == ["version", "source", "workflows"]
    assert data["version"] == 1
    board = data["workflows"][0]["boards"][0]
    assert list(board) == [
        "id",
        "title",
        "description",
        "owner",
        "audience",
        "intakes",
        "columns",
        "done_columns",
        "swimlanes",
    ]
    assert text.endswith("}\n")


def test_hostile_labels_survive_as_json() -> None:
    text = render_board(api.loads(HOSTILE))
    data = json.loads(text)
    board = data["workflows"][0]["boards"][0]
    assert board["title"] == "Board | <script>alert(1)</script>"
    assert [c["title"] for c in board["columns"]] == ["Triage | <b>bold</b>\nnext", "Fix 🚀, now"]
    assert board["columns"][0]["done"] == 'Done when "x" | y\n# heading?'
    assert "🚀" in text  # ensure_ascii=False


def test_no_workflows_no_boards_and_deterministic() -> None:
    assert json.loads(render_board(api.loads('person @a "A"\n')))["workflows"] == []
    assert render_board(api.loads(HOSTILE)) == render_board(api.loads(HOSTILE))


# The stage declared first follows the join, and one board shows the join.
JOINED = """
person @ana "Ana Lima"
lane eng "Engineering" { owner @ana; members @ana }
workflow w "W" {
  owner @ana
  intake inbox "Inbox" { owner @ana }
  stage after "After" in eng { wip 1 }
  stage left "Left" in eng { wip 2 }
  stage right "Right" in eng { wip 3 }
  join both "Both done"
  exit done "Done"
  inbox -> left, right
  left -> both
  right -> both
  both -> after { when "it needs more"; chance 40% }
  both -> done { chance 60% }
  after -> done
  board split "Split" { shows left, right }
  board all "All" { shows inbox, after, both, right, left }
}
"""


def test_flow_order_puts_what_follows_a_join_after_its_branches() -> None:
    workflow = api.loads(JOINED).workflows[0]
    assert flow_order(workflow) == ["inbox", "left", "right", "both", "after", "done"]


def test_joins_are_never_columns_and_work_passes_through_them() -> None:
    config = board_config(api.loads(JOINED))
    boards = {board["id"]: board for board in config["workflows"][0]["boards"]}
    assert [c["id"] for c in boards["all"]["columns"]] == ["left", "right", "after"]
    split = boards["split"]
    assert [c["id"] for c in split["columns"]] == ["left", "right"]
    assert [i["id"] for i in split["intakes"]] == ["inbox"]
    assert split["done_columns"] == [
        {"kind": "done", "exits": [{"id": "done", "title": "Done", "shown": False}]}
    ]
