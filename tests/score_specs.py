"""A spec that meets every criterion of every framework, and for each criterion the change that misses it.

``GOOD`` checks clean under every rule and scores 100 everywhere. Each entry
of ``MISSING`` is a list of ``(old, new)`` replacements, each made once, that
turn its criterion from present to missing; read backwards, each is the fix
that turns it from missing to present.
"""

from __future__ import annotations

GOOD = """\
workflow orders "Orders" {
  owner @ana
  purpose "Customers get what they order within a week"

  person @ana "Ana Lima"
  person @bo "Bo Berg"
  person @cy "Cy Diaz"
  person @di "Di Eze"
  person @ed "Ed Fox"
  person @flo "Flo Gray"

  lane sales "Sales" { owner @ana; delegate @bo; members @ana, @bo, @cy }
  lane ops "Operations" { owner @di; delegate @ed; members @di, @ed, @flo }

  work order "Order" {
    kind request
    sle 5d at 85%
    purpose "Orders are how customers buy from us"
    outcome "The customer has the goods they ordered"
  }

  intake web "Web orders" {
    owner @ana
    channel "Web shop"
    accepts order
    criteria "A paid order with a delivery address"
    arrivals 10 per week
  }

  stage check "Check the order" in sales { wip 3; effort 1h; done "Stock and address confirmed" }
  stage ship "Pack and ship" in ops { wip 4; effort 2h; done "Parcel handed to the carrier" }

  exit shipped "Shipped"
  exit refused "Refused" { kind rejected }

  decision accept "Accept an order" {
    decides @ana
    consults ops
    informs ops
    escalates @di after 1d
    delegate @bo
  }

  web -> check
  check -> ship { gate accept; sla 1d; chance 90% }
  check -> refused { chance 10% }
  ship -> check "address wrong" { rework; chance 5% }
  ship -> shipped

  board work "Order board" { owner @ana; shows web, check, ship; audience sales, ops }
  metric lead_time "Order lead time" { owner @ana; from web to shipped; target 5d at 85%; level progress }
  metric shipped_count "Orders shipped" { owner @di; to shipped; target 9 per week; level activity }
  metric happy "Customers who order again" { owner @ana; level outcome; description "Share ordering again" }
  cadence review "Weekly review" { owner @ana; every 1w; reviews work, lead_time, happy }
}
"""

_WORKFLOW_GOAL = '  owner @ana\n  purpose "Customers get what they order within a week"\n'
_WORK_WHY = '    purpose "Orders are how customers buy from us"\n'
_WORK_WHAT = '    outcome "The customer has the goods they ordered"\n'
_SALES = 'lane sales "Sales" { owner @ana; delegate @bo; members @ana, @bo, @cy }'
_OPS = 'lane ops "Operations" { owner @di; delegate @ed; members @di, @ed, @flo }'
_BOARD = 'board work "Order board" { owner @ana; shows web, check, ship; audience sales, ops }'
_COUNT = "to shipped; target 9 per week; level activity"
_LEAD_TIME = "from web to shipped; target 5d at 85%; level progress"

MISSING: dict[str, list[tuple[str, str]]] = {
    "clarity.goal": [(_WORKFLOW_GOAL, "")],
    "clarity.ownership": [
        (_SALES, 'lane sales "Sales" { delegate @bo; members @ana, @bo, @cy }'),
        (_OPS, 'lane ops "Operations" { delegate @ed; members @di, @ed, @flo }'),
        ('    owner @ana\n    channel "Web shop"\n', '    channel "Web shop"\n'),
    ],
    "clarity.expectations": [("    sle 5d at 85%\n", "")],
    "clarity.done": [
        ('; done "Stock and address confirmed"', ""),
        ('; done "Parcel handed to the carrier"', ""),
    ],
    "clarity.explained": [(_WORK_WHY, ""), (_WORK_WHAT, "")],
    "coordination.decisions": [("    decides @ana\n", "    decides @ana, @di\n")],
    "coordination.escalation": [("    escalates @di after 1d\n", "")],
    "coordination.handoffs": [
        ('stage ship "Pack and ship" in ops', 'stage ship "Pack and ship" in sales'),
        (
            "  exit shipped",
            '  stage audit "Audit" in ops { wip 1; effort 1h; done "Audited" }\n  exit shipped',
        ),
    ],
    "coordination.informed": [("    consults ops\n    informs ops\n", "")],
    "completion.exits": [
        ('exit shipped "Shipped"', 'exit shipped "Shipped" { kind cancelled }'),
        ('exit refused "Refused" { kind rejected }', 'exit refused "Refused" { kind cancelled }'),
    ],
    "completion.wip": [("{ wip 3; ", "{ "), ("{ wip 4; ", "{ ")],
    "completion.capacity": [("    arrivals 10 per week\n", ""), ("effort 1h; ", ""), ("effort 2h; ", "")],
    "completion.predictability": [
        ("sle 5d at 85%", "sle 1h at 85%"),
        ("{ rework; chance 5% }", "{ rework }"),
    ],
    "collaboration.teams": [
        ("members @ana, @bo, @cy", "members @ana"),
        ("members @di, @ed, @flo", "members @di"),
    ],
    "collaboration.cover": [
        (_SALES, 'lane sales "Sales" { owner @ana; members @ana }'),
        (_OPS, 'lane ops "Operations" { owner @di; members @di }'),
        ("    delegate @bo\n", ""),
    ],
    "collaboration.feedback": [
        ('  cadence review "Weekly review" { owner @ana; every 1w; reviews work, lead_time, happy }\n', "")
    ],
    "architecture.intake": [
        ('    channel "Web shop"\n', ""),
        ("    accepts order\n", ""),
        ('    criteria "A paid order with a delivery address"\n', ""),
    ],
    "architecture.structure": [
        ('stage check "Check the order" in sales', 'stage check "Check the order"'),
        ('stage ship "Pack and ship" in ops', 'stage ship "Pack and ship"'),
    ],
    "architecture.tools": [(_BOARD, 'board work "Order board" { shows web, check, ship }')],
    "stack.who": [
        ('    owner @ana\n    channel "Web shop"\n', '    channel "Web shop"\n'),
        (_SALES, 'lane sales "Sales" { delegate @bo; members @ana, @bo, @cy }'),
    ],
    "stack.what": [
        ("    accepts order\n", ""),
        ('    criteria "A paid order with a delivery address"\n', ""),
    ],
    "stack.when": [("    sle 5d at 85%\n", ""), (_LEAD_TIME, "from web to shipped; level progress")],
    "stack.how": [('exit shipped "Shipped"', 'exit shipped "Shipped" { kind cancelled }')],
    "stack.why": [(_WORK_WHY, ""), ('  purpose "Customers get what they order within a week"\n', "")],
    "pyramid.outcome": [("level outcome", "level activity")],
    "pyramid.progress": [("level progress", "level activity")],
    "pyramid.levels": [("; level progress", ""), ("; level activity", ""), ("level outcome; ", "")],
    "visibility.boards": [("shows web, check, ship", "shows web")],
    "visibility.slas": [("shows web, check, ship", "shows web"), ("from web to shipped", "to shipped")],
    "visibility.sles": [(_LEAD_TIME, "from check to shipped; target 5d at 85%; level progress")],
    "visibility.decisions": [("audience sales, ops", "audience sales")],
    "visibility.flow": [
        ('  metric lead_time "Order lead time" { owner @ana; ' + _LEAD_TIME + " }\n", ""),
        ('  metric shipped_count "Orders shipped" { owner @di; ' + _COUNT + " }\n", ""),
        ("reviews work, lead_time, happy", "reviews work, happy"),
    ],
}


def missing(criterion: str) -> str:
    """``GOOD`` with the replacements that miss ``criterion``, each of which must apply once."""
    text = GOOD
    for old, new in MISSING[criterion]:
        assert text.count(old) == 1, f"{criterion}: {old!r} must occur once"
        text = text.replace(old, new)
    return text
