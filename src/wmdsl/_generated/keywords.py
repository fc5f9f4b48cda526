"""The keyword reference of docs/language.md (section 3), for the language server's hovers.

Written by `python -m wmdsl.generate` from docs/language.md, lsp/docgen.py, generate.py. Do not edit."""

# fmt: off
#: The fingerprint of the inputs it was made from (see wmdsl.generate).
INPUTS_SHA256 = 'ef4ba6447962563400794d3d61cc5180b5471c57a769bc560f17198723214fc2'
from typing import Any

#: Each keyword of docs/language.md §3: `summary` (its first paragraph), `facts` (the rows
#: of its two-column table: Where, Header, Form…) and `attributes` (name -> value, meaning,
#: repeatable).
SECTIONS: dict[str, dict[str, Any]] = {'allow': {'attributes': {},
           'facts': (('Where', 'top level; in a workflow block; in any declaration or handoff block'),
                     ('Form', '`allow CODE "reason"`')),
           'summary': 'An **accepted finding**: a rule finding the team has decided to live with, with the '
                      'reason written down next to it.'},
 'board': {'attributes': {'audience': ('`LIST` of `OWNER`', 'who looks at it', 'yes'),
                          'description': ('`STRING`', 'free text', 'no'),
                          'owner': ('`OWNER`', 'who keeps the board true', 'no'),
                          'shows': ('`LIST` of intakes, stages, exits', 'the columns', 'yes')},
           'facts': (('Where', 'in a workflow'), ('Header', '`board NAME "Title"?`')),
           'summary': '**GPS**: a board that makes work visible — which nodes it shows, and for whom.'},
 'cadence': {'attributes': {'description': ('`STRING`', 'free text', 'no'),
                            'every': ('`DURATION`', "how often, on the workflow's hours (`1w`, `2w`)", 'no'),
                            'owner': ('`OWNER`', 'who runs it', 'no'),
                            'reviews': ('`LIST` of any declared element', 'what it looks at', 'yes')},
             'facts': (('Where', 'in a workflow'), ('Header', '`cadence NAME "Title"?`')),
             'summary': 'A **feedback loop**: a recurring review, retrospective or replenishment meeting, '
                        'and what it looks at.'},
 'calendar': {'attributes': {'description': ('`STRING`', 'free text', 'no'),
                             'hours': ('opening hours',
                                       'when it is open (without them, `9-17 mon-fri`)',
                                       'no')},
              'facts': (('Where', 'top level (shared) or in a workflow'),
                        ('Header', '`calendar NAME "Title"?`')),
              'summary': '**Working hours**: when a workflow runs and when a lane works. `hours` takes '
                         'opening hours or the name of a calendar:'},
 'decision': {'attributes': {'approves': ('`LIST` of `OWNER`', 'must approve', 'yes'),
                             'consults': ('`LIST` of `OWNER`', 'consulted before (C)', 'yes'),
                             'decides': ('`LIST` of `OWNER`', 'accountable: makes the decision (A)', 'yes'),
                             'delegate': ('`PERSON`', 'who decides when the decider is away', 'no'),
                             'description': ('`STRING`', 'free text', 'no'),
                             'escalates': ('`WHO` or `WHO after DURATION`',
                                           'where the decision goes when it is not made in time; `WHO` is a '
                                           'person, a lane or another decision',
                                           'yes'),
                             'informs': ('`LIST` of `OWNER`', 'informed after (I)', 'yes'),
                             'recommends': ('`LIST` of `OWNER`', 'prepares a recommendation (R)', 'yes')},
              'facts': (('Where', 'top level (shared) or in a workflow'),
                        ('Header', '`decision NAME "Title"?`')),
              'summary': 'A **traffic signal**: a decision right or approval, and who plays which role in it '
                         '(RACI). Exactly one person or lane should decide (`CLR004`).'},
 'exit': {'attributes': {'description': ('`STRING`', 'free text', 'no'),
                         'kind': ('`done`, `rejected` or `cancelled`',
                                  'how the item ends (default `done`)',
                                  'no')},
          'facts': (('Where', 'in a workflow'), ('Header', '`exit NAME "Title"?`')),
          'summary': 'An **off-ramp**: how work leaves the system. Every item must be able to reach one.'},
 'handoff': {'attributes': {'chance': ('`PERCENT`',
                                       'share of the items leaving the source that take this handoff',
                                       'no'),
                            'gate': ('a decision',
                                     'the **traffic signal**: the decision that must say yes before work '
                                     'passes',
                                     'no'),
                            'rework': ('(no value)',
                                       'marks a loop back to earlier work (not on a fork)',
                                       'no'),
                            'sla': ('`DURATION`',
                                    "how long the handoff may take, elapsed on the workflow's hours",
                                    'no'),
                            'when': ('`STRING`', 'the condition that routes work this way', 'no')},
             'facts': (('Where', 'directly in a workflow block'),
                       ('Form', '`SOURCE -> TARGET "Label"? { attribute* }?`'),
                       ('Fork', '`SOURCE -> A, B, … "Label"? { attribute* }?`'),
                       ('Source', 'an intake, a stage or a join'),
                       ('Target', 'a stage, a join or an exit')),
             'summary': 'A **handoff** moves work from one node to the next: an interchange between '
                        'stretches of road, often between lanes. Branching is exclusive: an item leaves a '
                        'node by exactly one of its handoffs (or by one fork, which sends it down all of its '
                        'branches at once).'},
 'import': {'attributes': {},
            'facts': (('Where', 'top level'),
                      ('Form', '`import "PATH"` — one double-quoted string; no text block, no block')),
            'summary': 'Brings in the shared declarations of another file: its top-level `person`, `lane`, '
                       '`work` and `decision` statements (and, transitively, those of the files it imports). '
                       'Use it to keep the people and lanes of an organisation in one place.'},
 'intake': {'attributes': {'accepts': ('`LIST` of work types', 'which kinds of work enter here', 'yes'),
                           'arrivals': ('`RATE`', 'mean arrival rate (`6 per week`)', 'no'),
                           'channel': ('`STRING`', 'how requests arrive (a form, an inbox, a meeting)', 'no'),
                           'criteria': ('`STRING`', 'entry criteria: what a request must contain', 'no'),
                           'description': ('`STRING`', 'free text', 'no'),
                           'owner': ('`OWNER`', 'who decides what gets in', 'no'),
                           'variability': ('`VARIABILITY`',
                                           'how the times between arrivals spread around their mean (default '
                                           '`exponential`: Poisson arrivals); needs `arrivals`, see §3.7',
                                           'no')},
            'facts': (('Where', 'in a workflow'), ('Header', '`intake NAME "Title"?`')),
            'summary': 'An **on-ramp**: where and how work enters the workflow. Every flow starts at an '
                       'intake.'},
 'join': {'attributes': {'description': ('`STRING`', 'free text', 'no')},
          'facts': (('Where', 'in a workflow'), ('Header', '`join NAME "Title"?`')),
          'summary': 'A **synchronisation point**: where the parallel branches of a fork come back together. '
                     'Work goes on from a join only once *every* handoff into it has delivered the item. A '
                     'join does no work and belongs to no lane, so it has no owner, `wip`, `effort` or '
                     'definition of done, and no rule asks it for one.'},
 'lane': {'attributes': {'delegate': ('`PERSON`', 'who stands in for the owner', 'no'),
                         'description': ('`STRING`', 'free text', 'no'),
                         'hours': ("opening hours or a calendar's name",
                                   "when the lane works, if not the workflow's hours, see §3.16",
                                   'no'),
                         'members': ('`LIST` of `PERSON PERCENT?`',
                                     'the people working in the lane; an optional percentage after a handle '
                                     "is the share of that person's capacity given to the lane",
                                     'yes'),
                         'owner': ('`OWNER`',
                                   'the one accountable for the lane (a person, or a lane that owns it)',
                                   'no'),
                         'purpose': ('`STRING`', 'what the lane is for', 'no')},
          'facts': (('Where', 'top level (shared) or in a workflow'), ('Header', '`lane NAME "Title"?`')),
          'summary': 'A **lane**: a role or team — who does the work and who is accountable for it.'},
 'metric': {'attributes': {'description': ('`STRING`', 'free text', 'no'),
                           'from': ('`NODE` or `NODE to NODE`', 'where measurement starts (and ends)', 'no'),
                           'level': ('`activity`, `progress` or `outcome`',
                                     'the level of the Work Value Pyramid it measures: effort spent '
                                     '(`activity`), movement towards a result (`progress`: lead times, '
                                     'throughput against a target) or the result itself (`outcome`)',
                                     'no'),
                           'owner': ('`OWNER`', 'who watches it', 'no'),
                           'target': ('`TARGET` or `RATE`',
                                      'a lead-time target (`10d at 85%`) or a throughput target (`5 per '
                                      'week`); each form may be given once',
                                      'no'),
                           'to': ('`NODE`', 'where measurement ends', 'no')},
            'facts': (('Where', 'in a workflow'), ('Header', '`metric NAME "Title"?`')),
            'summary': '**GPS**: a flow metric, measured between two nodes, with an optional target.'},
 'person': {'attributes': {'capacity': ('number > 0',
                                        'full-time equivalents available (default `1.0`)',
                                        'no'),
                           'description': ('`STRING`', 'free text', 'no'),
                           'kind': ('`human`, `bot`, `tool` or `channel`',
                                    'what stands behind the handle (default `human`); owners that are not '
                                    'humans are flagged by HUM004',
                                    'no')},
            'facts': (('Where', 'top level (shared) or in a workflow'),
                      ('Header', '`person @HANDLE "Full name"?`')),
            'summary': 'A **human** who owns, decides or does the work. People are named by `@handle`.'},
 'stage': {'attributes': {'description': ('`STRING`', 'free text', 'no'),
                          'done': ('`STRING`', 'definition of done: when an item may leave the stage', 'no'),
                          'effort': ('`DURATION`', 'mean touch time per item, in working time', 'no'),
                          'owner': ('`OWNER`',
                                    'who is accountable for the stage (defaults, for the checks, to the '
                                    "lane's owner)",
                                    'no'),
                          'variability': ('`VARIABILITY`',
                                          'how touch times spread around the `effort` (default '
                                          '`exponential`); needs `effort`',
                                          'no'),
                          'wip': ('whole number ≥ 1', 'work-in-progress limit', 'no')},
           'facts': (('Where', 'in a workflow'), ('Header', '`stage NAME "Title"? (in LANE)?`')),
           'summary': 'A **step of work** done inside a lane — a stretch of road. Its `wip` limit is the '
                      '**speed limit**: how many items may be in the stage at once.'},
 'work': {'attributes': {'description': ('`STRING`', 'free text', 'no'),
                         'kind': ('`project`, `workstream`, `task`, `request`, `recurring`, `operations` or '
                                  '`coordination`',
                                  'what sort of work it is',
                                  'no'),
                         'outcome': ('`STRING`',
                                     'what a finished item delivers: the result it is done for (the *what*)',
                                     'no'),
                         'purpose': ('`STRING`',
                                     'why this work matters: the reason it is taken on (the *why* of the '
                                     'Coordination Stack)',
                                     'no'),
                         'sle': ('`TARGET`',
                                 'service-level expectation: `10d at 85%` = 85% of items finish within 10 '
                                 'open days of the workflow',
                                 'no')},
          'facts': (('Where', 'top level (shared) or in a workflow'), ('Header', '`work NAME "Title"?`')),
          'summary': 'A **work type**: the kind of vehicle on the road, with its service-level expectation.'},
 'workflow': {'attributes': {'description': ('`STRING`', 'free text', 'no'),
                             'hours': ("opening hours or a calendar's name",
                                       'when the work system runs (default `9-17 mon-fri`), see §3.16',
                                       'no'),
                             'owner': ('`OWNER`', 'accountable for the whole work system', 'no'),
                             'purpose': ('`STRING`', 'why the work system exists', 'no')},
              'facts': (('Where', 'top level'),
                        ('Header', '`workflow NAME "Title"? { … }`'),
                        ('Contains',
                         '`person`, `lane`, `work`, `intake`, `stage`, `exit`, `decision`, `board`, '
                         '`metric`, `cadence`, handoffs, the attributes below, `allow`')),
              'summary': 'One **work system** — the highway. Everything that moves work (intakes, stages, '
                         'exits, handoffs) and makes it visible (boards, metrics, cadences) is declared in a '
                         'workflow. A file may hold several workflows; each is checked as a separate '
                         'system.'}}
