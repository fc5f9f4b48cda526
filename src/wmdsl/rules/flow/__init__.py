"""Flow over Friction: work can enter, move and leave; nothing gets stuck or waits needlessly.

One module per kind of check: :mod:`.soundness` (FLW001–FLW004) on where work
can go, :mod:`.capacity` (FLW005–FLW007) on how much of it the stages can take,
:mod:`.paths` (FLW008–FLW010) on the way it normally goes, :mod:`.parallel`
(FLW011–FLW014) on forks and the joins that close them, and :mod:`.pooled`
(FLW015, FLW016) on what all the stages of a lane, in every workflow, ask of it.
"""

from __future__ import annotations

# isort: off
# Imported in code order, so that the rules register as FLW001 to FLW016.
from wmdsl.rules.flow import soundness
from wmdsl.rules.flow import capacity
from wmdsl.rules.flow import paths
from wmdsl.rules.flow import parallel
from wmdsl.rules.flow import pooled

# isort: on

__all__ = ["capacity", "parallel", "paths", "pooled", "soundness"]
