"""Diagnostic codes: the table of every code wmdsl reports, as plain data.

Every code has a stable identifier (``CLR001``), a kebab-case name
(``orphaned-lane``) usable anywhere a code is, a family (the ``SYN`` language
family or one of the 7 Principles of Work Management), a default severity and
a one-line summary. ``SYN`` codes are raised by the compiler front end itself;
each code of a principle family is checked by one rule (``wmdsl.rules``),
which names its constant here and adds the check and its documentation.

The table is complete once this module is imported: listing codes, looking
one up or validating an ``allow`` never needs the rules loaded.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from wmdsl.diagnostics import Severity


class Family(enum.Enum):
    """A code prefix and what it stands for."""

    SYN = "Language"
    CLR = "Clarity over Chaos"
    SYS = "Systems over Silos"
    FLW = "Flow over Friction"
    VIS = "Visibility over Assumption"
    ADP = "Adaptability over Rigidity"
    PRG = "Progress over Perfection"
    HUM = "Humanity over Tools"

    @property
    def title(self) -> str:
        """The principle (or ``Language``) this family stands for."""
        return self.value


@dataclass(frozen=True, slots=True)
class Code:
    """A diagnostic code: one row of the table."""

    code: str
    name: str
    severity: Severity
    summary: str

    @property
    def family(self) -> Family:
        """The family named by the code's three-letter prefix."""
        return Family[self.code[:3]]


_BY_CODE: dict[str, Code] = {}
_BY_NAME: dict[str, Code] = {}


def define(code: str, name: str, severity: Severity, summary: str) -> Code:
    """Add a code to the table; each code and each name may be defined once."""
    if code in _BY_CODE or name in _BY_NAME:
        raise ValueError(f"diagnostic code {code} ({name}) defined twice")
    entry = Code(code, name, severity, summary)
    _BY_CODE[code] = entry
    _BY_NAME[name] = entry
    return entry


def lookup(code_or_name: str) -> Code | None:
    """The code ``code_or_name`` names (a code like ``CLR001`` or a kebab-case name)."""
    return _BY_CODE.get(code_or_name.upper()) or _BY_NAME.get(code_or_name.lower())


def all_codes() -> list[Code]:
    """Every code in the table, sorted by code."""
    return sorted(_BY_CODE.values(), key=lambda c: c.code)


# Short names for the severities, so that the table reads as one.
_E, _W, _I = Severity.ERROR, Severity.WARNING, Severity.INFO

# SYN: Language

SYNTAX = define("SYN001", "syntax-error", _E, "The text is not valid wmdsl syntax.")
UNKNOWN_NAME = define("SYN002", "unknown-name", _E, "A name is used but never declared.")
DUPLICATE = define("SYN003", "duplicate-definition", _E, "A name is declared twice.")
WRONG_KIND = define("SYN004", "wrong-kind", _E, "A name refers to an element of the wrong kind.")
BAD_VALUE = define("SYN005", "invalid-value", _E, "A value is malformed or out of range.")
CHANCES = define(
    "SYN006", "chances-over-100", _E, "The chances of handoffs out of one node add up past 100%."
)
UNKNOWN_KEYWORD = define(
    "SYN007", "unknown-keyword", _E, "A keyword is unknown or not allowed where it is written."
)
BAD_ARGUMENTS = define(
    "SYN008", "invalid-arguments", _E, "A statement has missing, extra or misplaced arguments."
)
IMPORT_NOT_FOUND = define("SYN009", "import-not-found", _E, "An imported file does not exist.")
IMPORT_CYCLE = define("SYN010", "import-cycle", _E, "Files import each other in a cycle.")
IMPORT_OUTSIDE = define(
    "SYN011", "import-outside-root", _E, "A file or an import leads outside the project root, or into `.git`."
)
UNREADABLE = define("SYN012", "unreadable-file", _E, "A file cannot be read or is not valid UTF-8 text.")
LIMIT = define(
    "SYN014", "limit-exceeded", _E, "An input is larger or deeper than the configured limits allow."
)
UNUSED_ALLOW = define("SYN013", "unused-allow", _W, "An `allow` suppresses nothing.")
BIDI_CONTROL = define(
    "SYN015",
    "bidi-control",
    _E,
    "A bidirectional control character can make the text display in another order than it is read.",
)
NOTHING_DECLARED = define(
    "SYN016", "nothing-declared", _I, "A file declares nothing: no workflow and no shared declaration."
)

# CLR: Clarity over Chaos

ORPHANED_LANE = define("CLR001", "orphaned-lane", _E, "A lane has no owner.")
ORPHANED_STAGE = define("CLR002", "orphaned-stage", _E, "A stage has no owner, and neither does its lane.")
ORPHANED_INTAKE = define("CLR003", "orphaned-intake", _E, "An intake (on-ramp) has no owner.")
DECISION_WITHOUT_SINGLE_DECIDER = define(
    "CLR004", "decision-without-single-decider", _E, "A decision does not have exactly one decider."
)
UNDEFINED_DONE = define("CLR005", "undefined-done", _W, "A stage has no definition of done.")
WORKFLOW_WITHOUT_PURPOSE = define(
    "CLR006", "workflow-without-purpose", _W, "A workflow has no owner or no purpose."
)
OWNER_NOT_MEMBER = define(
    "CLR007", "owner-not-member", _I, "A lane's owner is a person who is not one of its members."
)
UNUSED_DECLARATION = define(
    "CLR008",
    "unused-declaration",
    _W,
    "A person, lane, work type, calendar, decision or board is declared and never used.",
)
UNEXPLAINED_WORK = define(
    "CLR009",
    "unexplained-work",
    _W,
    "A work type an intake accepts does not say why it matters (`purpose`) or what it delivers (`outcome`).",
)

# SYS: Systems over Silos

DISCONNECTED_WORKFLOW = define(
    "SYS001", "disconnected-workflow", _E, "A workflow is made of several flows that never meet."
)
SILO_LANE = define(
    "SYS002", "silo-lane", _W, "A lane neither receives work from nor hands work to another lane."
)
UNINFORMED_HANDOFF = define(
    "SYS003", "uninformed-handoff", _W, "A gated handoff into another lane is decided without that lane."
)
SINGLE_LANE_DECISION = define(
    "SYS004",
    "single-lane-decision",
    _I,
    "A decision that gates work across several lanes is held entirely inside one lane.",
)

# FLW: Flow over Friction

UNREACHABLE_NODE = define(
    "FLW001", "unreachable-node", _E, "An intake cannot lead to this node: no work ever gets there."
)
MISSING_OFF_RAMP = define(
    "FLW002", "missing-off-ramp", _E, "Work that reaches this node can never leave the workflow."
)
TRAP_LOOP = define("FLW003", "trap-loop", _E, "Work can enter a loop that has no way out.")
INTAKE_WITHOUT_DECLINE = define(
    "FLW004", "intake-without-decline", _W, "Work entering through this intake can never be declined."
)
MISSING_WIP_LIMIT = define("FLW005", "missing-wip-limit", _W, "A stage has no WIP limit.")
OVERLOADED_STAGE = define(
    "FLW006", "overloaded-stage", _E, "A stage receives more work than its people can do (utilisation ρ ≥ 1)."
)
NEAR_CAPACITY_STAGE = define("FLW007", "near-capacity-stage", _W, "A stage runs close to its capacity.")
SERIAL_APPROVALS = define(
    "FLW008", "serial-approvals", _W, "Work waits for several approvals one after another."
)
HANDOFF_PING_PONG = define(
    "FLW009", "handoff-ping-pong", _W, "Work bounces back and forth between two lanes on one path."
)
UNBOUNDED_REWORK = define(
    "FLW010", "unbounded-rework", _W, "A rework loop does not say how often work goes round it."
)
JOIN_DEADLOCK = define(
    "FLW011",
    "join-deadlock",
    _E,
    "A join can wait forever: a branch of its fork can end or get stuck before reaching it.",
)
UNSYNCHRONISED_FORK = define(
    "FLW012",
    "unsynchronised-fork",
    _W,
    "A fork's parallel branches never meet at a join, so one item finishes more than once.",
)
EXCLUSIVE_JOIN = define(
    "FLW013",
    "exclusive-join",
    _E,
    "A join is fed only by alternatives, never by parallel branches, so it waits forever.",
)
SINGLE_INPUT_JOIN = define(
    "FLW014", "single-input-join", _W, "A join has one handoff into it, so it waits for nothing."
)
OVERLOADED_LANE = define(
    "FLW015",
    "overloaded-lane",
    _E,
    "The stages of a lane, in every workflow that uses it, need more people than the lane has.",
)
NEAR_CAPACITY_LANE = define(
    "FLW016", "near-capacity-lane", _W, "The stages of a lane, in every workflow, keep it nearly full."
)

# VIS: Visibility over Assumption

INVISIBLE_STAGE = define("VIS001", "invisible-stage", _W, "A stage is shown on no board.")
NO_FLOW_METRIC = define("VIS002", "no-flow-metric", _W, "A workflow has no lead-time or throughput metric.")
INTAKE_WITHOUT_RATE = define(
    "VIS003",
    "intake-without-rate",
    _I,
    "An intake has no arrival rate, so flow checks cannot run for the work it feeds.",
)
UNTRACKED_SLA = define("VIS004", "untracked-sla", _I, "A handoff has an SLA that no metric or board tracks.")

# ADP: Adaptability over Rigidity

DECISION_WITHOUT_ESCALATION = define(
    "ADP001", "decision-without-escalation", _W, "A decision has no escalation path."
)
ESCALATION_CYCLE = define(
    "ADP002",
    "escalation-cycle",
    _E,
    "An escalation chain loops back on itself or ends at a decision nobody makes.",
)
NO_FEEDBACK_LOOP = define("ADP003", "no-feedback-loop", _W, "A workflow has no cadence that reviews it.")
OVERSIZED_VIEW = define(
    "ADP004", "oversized-view", _I, "A workflow has more intakes, stages and exits than one picture can show."
)
SELF_ESCALATION = define(
    "ADP005", "self-escalation", _W, "A decision escalates to the person who already decides it."
)

# PRG: Progress over Perfection

SLE_UNREACHABLE = define(
    "PRG001",
    "sle-unreachable",
    _W,
    "The hands-on work on the main path alone takes longer than the work type's SLE.",
)
GATE_HEAVY_PATH = define(
    "PRG002",
    "gate-heavy-path",
    _W,
    "A path from an intake to an exit passes more approvals than stages of work.",
)
NO_OUTCOME_METRIC = define(
    "PRG003",
    "no-outcome-metric",
    _W,
    "A workflow has metrics, and none of them measures an outcome (`level outcome`).",
)

# HUM: Humanity over Tools

OVERALLOCATED_PERSON = define(
    "HUM001", "overallocated-person", _E, "A person's explicit shares of their time add up to more than 100%."
)
SPREAD_THIN = define("HUM002", "spread-thin", _W, "A person is a member of too many lanes.")
DECISION_BOTTLENECK_PERSON = define(
    "HUM003", "decision-bottleneck-person", _W, "One person is the decider of too many decisions."
)
TOOL_AS_OWNER = define(
    "HUM004",
    "tool-as-owner",
    _W,
    "An owner, decider or delegate is a tool, bot or channel rather than a person or lane.",
)
SINGLE_POINT_OF_FAILURE = define(
    "HUM005", "single-point-of-failure", _W, "A lane or a decision depends on one person and has no delegate."
)
TEAM_SIZE = define(
    "HUM006", "team-size", _I, "A lane has fewer members than a team needs, or more than one team can hold."
)
OVERLOADED_PERSON = define(
    "HUM007",
    "overloaded-person",
    _E,
    "The work of a person's lanes and workflows together needs more of them than they have.",
)
NEAR_CAPACITY_PERSON = define(
    "HUM008", "near-capacity-person", _W, "The work of a person's lanes and workflows keeps them nearly full."
)
