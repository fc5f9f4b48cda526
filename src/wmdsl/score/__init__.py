"""Scorecards: a workflow judged against the frameworks of work management.

The C4 Flywheel (Clarity, Coordination, Completion, Collaboration, and the
Workflow Architecture that holds them), the Coordination Stack, the Work
Value Pyramid and the Work Visibility Framework, each as a table of criteria
(:mod:`wmdsl.score.criteria`) answered by facts of the compiled model
(:mod:`wmdsl.score.facts`) and lowered by findings of the rules
(:mod:`wmdsl.score.evaluate`). ``docs/frameworks.md`` gives the method.
"""

from __future__ import annotations

from wmdsl.score.evaluate import Checked, check, scores
from wmdsl.score.records import Scores

__all__ = ["Checked", "Scores", "check", "scores"]
