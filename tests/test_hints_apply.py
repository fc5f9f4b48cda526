"""Every hint that proposes code fixes what it is about when applied as written.

For each rule, its bad example is checked, the code the hint of the first
finding proposes is applied literally (an attribute into the element's
block, a handoff or a declaration into the workflow, or `X` in place of `Y`),
and the result must compile with no language error and no longer carry that
finding. Rules whose hints cannot be code are listed with the reason.
"""

from __future__ import annotations

import re

import pytest

from wmdsl import api
from wmdsl.diagnostics import Diagnostic
from wmdsl.project.settings import Overrides
from wmdsl.rules.registry import Rule, all_rules

#: Rules whose hint is advice, not code, and why.
ADVICE = {
    "ADP002": "an escalation cycle is broken by choosing who sits above whom: the people involved decide",
    "ADP004": "a view too large for one picture is split by choosing where: no single edit",
    "CLR004": "which of several deciders stays accountable is the organisation's choice",
    "CLR008": "whether an unused person has left or should have a role is the team's knowledge",
    "FLW006": "an overload needs people or less work: who and how much is the organisation's choice",
    "FLW007": "as FLW006",
    "FLW015": "as FLW006, for a lane",
    "FLW016": "as FLW006, for a lane",
    "FLW012": "closing a fork adds a join and rewires every branch: the hint names each step",
    "FLW014": "dropping a join rewires the handoffs around it: the hint names the one to keep",
    "FLW013": "whether the inputs are alternatives or parallel work is a design choice: the hint gives both",
    "HUM001": "shares that add up past 100% are fixed by deciding whose time goes where",
    "HUM002": "as HUM001",
    "HUM003": "who else decides is the organisation's choice",
    "HUM004": "a tool as owner is replaced by the person accountable for the tool, whom the spec cannot know",
    "HUM006": "team size is changed by hiring or merging teams",
    "HUM007": "as FLW006, for a person",
    "HUM008": "as FLW006, for a person",
    "PRG001": "an unreachable SLE is met by changing the flow or the promise: a choice",
    "SYS001": "a disconnected workflow is joined by a handoff whose place is a design choice",
    "SYS002": "a silo lane is connected by work it should exchange: a design choice",
    "VIS003": "an arrival rate must come from the team's own figures, never from a guess in a hint",
    "VIS001": "the stage joins a list on a board as written there; the hint names the board",
}
DECLARATIONS = (
    "exit",
    "cadence",
    "metric",
    "board",
    "intake",
    "join",
    "stage",
    "person",
    "lane",
    "decision",
    "work",
)


def findings(text: str, code: str) -> list[Diagnostic]:
    report = api.check_text(text, path="example.wm", overrides=Overrides(select=(code,), isolated=True))
    return list(report.diagnostics)


def applied(text: str, finding: Diagnostic) -> str:
    """``text`` with the code ``finding``'s hint proposes (its first alternative) applied as written."""
    hint = (finding.hint or "").split("; or", 1)[0].split(", or ", 1)[0]
    swap = re.search(r"`([^`]+)` in place of `([^`]+)`", hint) or re.search(
        r"replace `([^`]+)` by `([^`]+)`", hint
    )
    if swap:
        new, old = swap.groups() if "in place of" in swap.group(0) else swap.groups()[::-1]
        assert old in text, old
        text = text.replace(old, new, 1)
        hint = hint.replace(swap.group(0), "")
    whole = re.search(r"drop `([^`]+ -> [^`]+)` and", hint)  # a handoff dropped whole
    if whole is not None:
        text = "".join(line for line in text.splitlines(keepends=True) if line.strip() != whole.group(1))
        hint = hint.replace(whole.group(0), "")
    dropped = re.search(r"(?:drop|remove) `([^`]+)` from `([^`]+)`", hint)
    if dropped:
        part, where = dropped.groups()
        line = next(line for line in text.splitlines() if where in line)
        kept = re.sub(r";?\s*" + re.escape(part) + r"\s*;?", " ", line)
        return text.replace(line, re.sub(r"\{\s*\}", "", kept).rstrip(), 1) + (
            "" if text.endswith("\n") else "\n"
        )
    target = re.search(r"to (decision|lane|stage|intake|workflow|board) `([^`]+)`", hint)
    on = re.search(r" on `([^`]+ -> [^`]+)`", hint)  # an attribute for the handoff named
    if on is not None:
        hint = hint.replace(on.group(0), "")
    codes = [
        snippet
        for snippet in re.findall(r"`([^`]+)`", hint)
        if (" " in snippet or "->" in snippet) and "…" not in snippet and "@someone" not in snippet
    ]
    assert codes or swap, hint
    at = finding.span.line - 1
    if on is not None:
        at = next(i for i, line in enumerate(text.splitlines()) if line.strip().startswith(on.group(1)))
    for code in codes:
        text = _add(text, code, at, target.groups() if target else None)
    return text


def _add(text: str, code: str, at: int, target: tuple[str, str] | None) -> str:
    lines = text.splitlines()
    if "->" in code or code.split()[0] in DECLARATIONS:
        closing = next((i for i in range(at, len(lines)) if lines[i].strip() == "}"), len(lines))
        lines.insert(closing, "  " + code)
        return "\n".join(lines) + "\n"
    if target is not None:
        kind, name = target
        at = next(i for i, line in enumerate(lines) if re.match(rf"\s*{kind} {re.escape(name)}\b", line))
    line = lines[at]
    if line.rstrip().endswith("}") and "{" in line:
        cut = line.rstrip().rfind("}")
        lines[at] = line[:cut].rstrip() + "; " + code + " }"
    elif line.rstrip().endswith("{"):
        lines.insert(at + 1, "    " + code)
    else:
        lines[at] = line.rstrip() + " { " + code + " }"
    return "\n".join(lines) + "\n"


def proposing() -> list[Rule]:
    return [rule for rule in all_rules() if rule.code.code not in ADVICE]


@pytest.mark.parametrize("rule", proposing(), ids=lambda rule: rule.code.code)
def test_the_hint_applied_as_written_removes_the_finding(rule: Rule) -> None:
    code = rule.code.code
    before = findings(rule.bad + "\n", code)
    mine = [d for d in before if d.code == code]
    assert mine, f"{code}: its bad example is not flagged"
    fixed = applied(rule.bad + "\n", mine[0])
    after = findings(fixed, code)
    assert not [d for d in after if d.code.startswith("SYN")], (fixed, after)
    still = [(d.span.line, d.message) for d in after if d.code == code]
    assert (mine[0].span.line, mine[0].message) not in still, fixed
    assert len(still) < len(mine), fixed


def test_every_advice_only_rule_exists() -> None:
    assert set(ADVICE) <= {rule.code.code for rule in all_rules()}
