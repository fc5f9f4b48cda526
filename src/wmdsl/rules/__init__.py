"""The rule catalogue, one module per principle.

Importing this package registers every rule (and its code) in the order of
:data:`MODULES`; :func:`wmdsl.rules.registry.all_rules` lists them by code.
"""

from __future__ import annotations

from wmdsl.rules import clarity, flow, systems
from wmdsl.rules.registry import Finding, Rule, RuleContext, all_rules, rule

MODULES = (clarity, systems, flow)

__all__ = ["Finding", "Rule", "RuleContext", "all_rules", "rule"]
