"""The rule catalogue, one module per principle (Flow over Friction a package of three).

Importing this package registers every rule with its code; the order of
:data:`MODULES` does not matter, :func:`all_rules` lists rules by code.
"""

from __future__ import annotations

from wmdsl.rules import adaptability, clarity, flow, humanity, progress, systems, visibility
from wmdsl.rules.registry import Finding, Option, Rule, RuleContext, all_rules, rule

MODULES = (clarity, systems, flow, visibility, adaptability, progress, humanity)

__all__ = ["Finding", "Option", "Rule", "RuleContext", "all_rules", "rule"]
