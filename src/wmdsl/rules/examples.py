"""Example specs several rules start from, written once.

A rule's ``bad`` example is a complete spec it flags; where several rules
flag the same plain spec, each names it from here and only its ``fix``
differs, so the specs the documentation shows stay the same for every rule.
"""

from __future__ import annotations

# One person answering questions: no purpose, definition of done, way to
# decline, metric or arrival rate yet.
TICKETS = """
workflow tickets "Tickets" {
  person @ana "Ana Lima"
  intake inbox "Inbox" { owner @ana }
  stage answer "Answer" { owner @ana }
  exit done "Done"
  inbox -> answer
  answer -> done
}
"""
