"""``wmdsl simulate``: a discrete-event simulation of the compiled specs.

The analysis (:mod:`wmdsl.flow.analysis`) solves the traffic equations and
gives means under M/M/c assumptions; the simulation runs the workflows item
by item (on SimPy), with WIP limits that block, people shared across stages
and workflows, forks and joins, gates that wait for decisions and the
hours people keep, and gives distributions: lead-time percentiles with
confidence intervals over replications, the share of items within each
SLE, where work piles up. docs/simulation.md says what it models and why.

The steps, each in a module of its own:

- :mod:`.scenario`: ``--set`` and scenario files, applied to the model;
- :mod:`.plan`: the model (and the analysis's routing, calendars and
  capacities) as a plan of plain records;
- :mod:`.engine`: one replication on SimPy (:mod:`.clock` for working
  weeks, :mod:`.distributions` for random times);
- :mod:`.runner`: replications in parallel with derived seeds;
- :mod:`.summary` and :mod:`.stats`: estimates with confidence intervals;
- :mod:`.report`: text and JSON; :mod:`.plots`: SVG and PNG charts.

SimPy and matplotlib come with the ``simulate`` extra
(``pip install '.[simulate]'`` in a clone of the repository); nothing else
in wmdsl imports them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from wmdsl.model import Document

if TYPE_CHECKING:
    from wmdsl.simulate.plan import Built
    from wmdsl.simulate.runner import Settings
    from wmdsl.simulate.scenario import Change
    from wmdsl.simulate.summary import Simulation

__all__ = ["MissingExtra", "prepare", "require", "simulate"]


class MissingExtra(RuntimeError):
    """SimPy (or matplotlib, for plots) is not installed."""


def require(module: str) -> None:
    """Raise :class:`MissingExtra`, saying how to install it, when ``module`` cannot be imported."""
    import importlib.util

    if importlib.util.find_spec(module) is None:
        raise MissingExtra(
            f"`wmdsl simulate` needs {module}, which is not installed: "
            "install the `simulate` extra: `pip install '.[simulate]'` in a clone of wmdsl's repository"
        )


def prepare(documents: Sequence[Document], changes: Sequence[Change] = ()) -> tuple[Built, dict[str, str]]:
    """The plan of ``documents`` with a scenario's ``changes`` made, and the changes as labels."""
    from wmdsl.flow.analysis import analyze
    from wmdsl.flow.load import pool, sheet
    from wmdsl.simulate.plan import build_plan
    from wmdsl.simulate.scenario import apply

    changed, tuning, labels = apply(documents, changes)
    sheets = []
    for document in changed:
        by_workflow = dict(zip(map(id, document.workflows), analyze(document).workflows, strict=True))
        sheets.append(sheet(document, lambda workflow, found=by_workflow: found[id(workflow)]))  # type: ignore[misc]
    pooled = {lane.lane.span: lane.fte for lane in pool(sheets).lanes}
    return build_plan(changed, pooled, tuning), labels


def simulate(
    documents: Sequence[Document],
    settings: Settings | None = None,
    changes: Sequence[Change] = (),
    progress: Callable[[int], None] | None = None,
) -> Simulation:
    """Simulate every workflow of ``documents`` (a scenario's ``changes`` made) and sum the runs up."""
    require("simpy")
    from wmdsl.simulate.runner import Settings, simulate_built

    built, labels = prepare(documents, changes)
    return simulate_built(built, settings or Settings(), progress, labels)
