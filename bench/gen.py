"""Generate a realistic, valid wmdsl spec of N stages, for benchmarks.

    python bench/gen.py N [--files K] [--out DIR] [--seed S] [--bpmn]

The spec models an organisation of *streams* (about 20 stages each): every
stream has an intake, a product lane that triages, then lanes of 5–9 people
(engineering, quality, operations, …) that each own a block of stages.
Stages have an owner, a WIP limit, an effort and a definition of done; there
are about 1.5 handoffs per stage (forward, skips, exits and rework loops with
``rework; chance 10%``); the handoff out of each lane block is gated by a
decision of that lane's owner that consults the receiving lane. Each
workflow has one exit of each kind (done, rejected, cancelled), a board and
a replenishment cadence per stream, a lead-time metric and a monthly review.
Arrival rates are derived from the traffic equations so that no stage and
no lane is loaded past half its capacity, and the SLE is twice the longest
raw process time, so the spec is clean for the design rules too.

Output, for the same N, K and seed, is byte-for-byte the same:

- ``--files 1`` (default): ``DIR/spec.wm`` — the shared declarations (heads
  of department, a leadership lane, work types, a budget decision) at the
  top level and one workflow holding every stream.
- ``--files K`` (K ≥ 2): ``DIR/org.wm`` with the shared declarations,
  ``K - 1`` workflows ``DIR/flows/wf_NNNN.wm`` that each ``import
  "../org.wm"`` and hold a share of the streams with their own people, lanes
  and decisions, and a ``DIR/wmdsl.toml`` project-root marker.
- ``--bpmn`` also writes the BPMN export of each workflow file next to it
  (``spec.bpmn``, ``wf_NNNN.bpmn``) with wmdsl's renderer.
"""

from __future__ import annotations

import argparse
import math
import random
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

STREAM_SIZE = 20  # stages per stream (one intake each)
FIRST = "ana bo chen dana eli femi gus hana ivan jo kai lena mo nia omar pia quinn raj sara tom uma vik wen"
LAST = "lima berg hao ruiz cohen adeyemi nilsen sato petrov moss kim hart diaz okafor novak silva"
DOMAINS = ["billing", "search", "mobile", "payments", "onboarding", "reporting", "scheduling", "identity"]
# lane kind -> (title, stage verbs); the first block of a stream is always product.
KINDS = {
    "product": ("product", ["triage", "shape", "prioritise", "refine"]),
    "design": ("design", ["sketch", "prototype", "design_review", "usability_test"]),
    "eng": ("engineering", ["build", "code_review", "integrate", "harden", "fix", "refactor"]),
    "qa": ("quality", ["verify", "regression", "exploratory_test", "sign_off"]),
    "data": ("data", ["model_data", "validate_data", "backfill", "analyse"]),
    "legal": ("legal", ["legal_review", "compliance_check", "privacy_review"]),
    "ops": ("operations", ["stage_deploy", "release", "monitor", "rollout"]),
}
MIDDLE = ["design", "eng", "qa", "data", "legal", "eng", "qa"]
EFFORTS = [(0.5, 2), (1, 3), (2, 3), (4, 3), (8, 2), (16, 1)]  # hours, weight
EXITS = ("delivered", "declined", "withdrawn")
HOURS_PER_WEEK = 40.0
DEFAULT_MAX_FILE_SIZE = 16 * 1024 * 1024  # wmdsl's default `max-file-size` limit
STAGE_LOAD = 0.5  # max utilisation of a stage: λ·effort / min(wip, lane FTE)
LANE_LOAD = 0.6  # max Σ λ·effort of a lane's stages, as a fraction of its FTE


@dataclass
class Person:
    handle: str
    title: str
    capacity: float = 1.0
    lanes: list[str] = field(default_factory=list)


@dataclass
class Lane:
    name: str
    title: str
    owner: Person
    delegate: Person
    members: list[Person]

    def fte(self) -> float:
        return sum(p.capacity / len(p.lanes) for p in self.members)


@dataclass
class Stage:
    name: str
    title: str
    lane: Lane
    owner: Person
    wip: int
    effort: float  # hours
    done: str


@dataclass
class Handoff:
    source: str
    target: str
    label: str = ""
    chance: int | None = None
    rework: bool = False
    gate: str | None = None
    sla: str | None = None


@dataclass
class Decision:
    name: str
    title: str
    decides: Person
    consults: Lane
    informs: Lane
    escalates: Person
    delegate: Person
    budget: bool


@dataclass
class Stream:
    index: int
    name: str
    title: str
    lanes: list[Lane]
    stages: list[Stage]
    handoffs: list[Handoff] = field(default_factory=list)
    decisions: list[Decision] = field(default_factory=list)
    arrivals: str = ""

    @property
    def intake(self) -> str:
        return f"requests_{self.index}"


@dataclass
class Flow:
    name: str
    title: str
    owner: Person
    people: list[Person]
    streams: list[Stream]


class Generator:
    """Builds the model of the spec first (to size arrival rates), then writes it."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.serial = 0
        self.heads = [self.person() for _ in range(7)]

    # -- model --------------------------------------------------------------
    def person(self) -> Person:
        self.serial += 1
        first, last = self.rng.choice(FIRST.split()), self.rng.choice(LAST.split())
        capacity = 0.8 if self.rng.random() < 0.1 else 1.0
        return Person(f"@{first}.{last}{self.serial}", f"{first.title()} {last.title()}", capacity)

    def lane(self, name: str, title: str, people: list[Person], borrow: list[Person]) -> Lane:
        home = [self.person() for _ in range(self.rng.randint(4, 7))]
        people.extend(home)
        lent = [p for p in borrow if len(p.lanes) == 1]
        guests = self.rng.sample(lent, min(len(lent), self.rng.randint(1, 2)))
        members = home + guests
        for member in members:
            member.lanes.append(name)
        return Lane(name, title, home[0], home[1], members)

    def blocks(self, size: int) -> list[int]:
        if size < 2:
            return [size]
        first = min(self.rng.randint(2, 4), size - 1)
        sizes, left = [first], size - first
        while left > 0:
            take = min(self.rng.randint(3, 8), left)
            if left - take in (1, 2):
                take = left
            sizes.append(take)
            left -= take
        return sizes

    def stream(self, k: int, size: int, people: list[Person], borrow: list[Person]) -> Stream:
        domain = DOMAINS[k % len(DOMAINS)]
        title = f"{domain.title()} {k}"
        stream = Stream(k, f"{domain}_{k}", title, [], [])
        kinds = ["product"] + [self.rng.choice(MIDDLE) for _ in range(size)]
        sizes = self.blocks(size)
        if len(sizes) > 1:
            kinds[len(sizes) - 1] = "ops"
        for b, count in enumerate(sizes):
            kind = kinds[b]
            lane_title, verbs = KINDS[kind]
            lane = self.lane(f"{domain}_{k}_{kind}_{b}", f"{title} {lane_title}", people, borrow)
            borrow = lane.members
            stream.lanes.append(lane)
            for _ in range(count):
                i = len(stream.stages)
                verb = "triage" if i == 0 else self.rng.choice(verbs)
                stream.stages.append(self.stage(f"{verb}_{k}_{i}", verb, title, lane))
        return stream

    def stage(self, name: str, verb: str, stream_title: str, lane: Lane) -> Stage:
        effort = self.rng.choices([h for h, _ in EFFORTS], [w for _, w in EFFORTS])[0]
        words = verb.replace("_", " ")
        return Stage(
            name,
            f"{words.capitalize()} ({stream_title})",
            lane,
            self.rng.choice(lane.members),
            self.rng.randint(2, 6),
            effort,
            f"{words.capitalize()} finished, checked against the stream's checklist and recorded",
        )

    def wire(self, stream: Stream, following: Stream | None) -> None:
        """Handoffs inside a stream, gates between its lane blocks, and a link to the next one."""
        stages, add = stream.stages, stream.handoffs.append
        add(Handoff(stream.intake, stages[0].name))
        add(Handoff(stages[0].name, "declined", "declined with a reason", chance=15))
        for i, stage in enumerate(stages):
            last = i == len(stages) - 1
            after = "delivered" if last else stages[i + 1].name
            gated = not last and stages[i + 1].lane is not stage.lane
            if gated:
                self.gate(stream, stage, stages[i + 1], add)
            else:
                add(Handoff(stage.name, after))
            if i > 0 and not last and self.rng.random() < 0.2:
                add(Handoff(stage.name, "withdrawn", "no longer needed", chance=5))
            if 0 < i < len(stages) - 2 and self.rng.random() < 0.15:
                add(Handoff(stage.name, stages[i + 2].name, "fast track", chance=10))
            back = [j for j in range(max(0, i - 3), i) if stages[j].lane is stage.lane]
            if back and self.rng.random() < 0.25:
                target = stages[self.rng.choice(back)].name
                add(Handoff(stage.name, target, "changes needed", chance=10, rework=True))
        if not any(h.target == "withdrawn" for h in stream.handoffs):
            source = stages[min(1, len(stages) - 1)].name
            add(Handoff(source, "withdrawn", "no longer needed", chance=5))
        if following is not None and len(stages) > 3:
            source = stages[self.rng.randrange(1, len(stages) - 1)]
            taken = {h.target for h in stream.handoffs if h.source == source.name}
            if following.stages[0].name not in taken:
                add(Handoff(source.name, following.stages[0].name, f"needs {following.title}", chance=5))

    def gate(self, stream: Stream, stage: Stage, nxt: Stage, add: Callable[[Handoff], None]) -> None:
        name = f"ready_{stream.index}_{len(stream.decisions)}"
        budget = stream.index % 10 == 0 and not stream.decisions
        head = self.heads[stream.index % len(self.heads)]
        stream.decisions.append(
            Decision(
                name,
                f"Ready for {nxt.lane.title}",
                stage.lane.owner,
                nxt.lane,
                stage.lane,
                head,
                stage.lane.delegate,
                budget,
            )
        )
        sla = self.rng.choice(["1d", "2d", "3d"])
        add(Handoff(stage.name, nxt.name, f"ready for {nxt.lane.title.lower()}", gate=name, sla=sla))

    def build(self, n: int, files: int) -> list[Flow]:
        sizes = split(n, max(round(n / STREAM_SIZE), files - 1), self.rng)
        groups = split(len(sizes), max(1, files - 1), self.rng) if files > 1 else [len(sizes)]
        flows, start = [], 0
        for f, count in enumerate(groups):
            people: list[Person] = []
            streams: list[Stream] = []
            borrow: list[Person] = []
            for k in range(start, start + count):
                streams.append(self.stream(k, sizes[k], people, borrow))
                borrow = streams[-1].lanes[-1].members
            for i, stream in enumerate(streams):
                following = streams[i + 1] if i % 2 == 0 and i + 1 < len(streams) else None
                self.wire(stream, following)
            name = f"delivery_{f + 1}" if files > 1 else "delivery"
            owner = self.heads[f % len(self.heads)]
            flows.append(Flow(name, f"Product delivery, part {f + 1}", owner, people, streams))
            start += count
        for flow in flows:
            size_arrivals(flow.streams, self.rng)
        return flows


def split(total: int, parts: int, rng: random.Random) -> list[int]:
    """``total`` split into ``parts`` positive sizes that vary by about ±25%."""
    parts = max(1, min(parts, total))
    weights = [rng.uniform(0.75, 1.25) for _ in range(parts)]
    scale = (total - parts) / sum(weights)
    sizes = [1 + int(w * scale) for w in weights]
    for i in range(total - sum(sizes)):
        sizes[i % parts] += 1
    return sizes


def visits(stream: Stream, entry: dict[str, float]) -> dict[str, float]:
    """Mean arrivals per hour at each stage, from the traffic equations (fixed point)."""
    names = {s.name for s in stream.stages}
    out: dict[str, list[tuple[str, float]]] = {}
    for h in stream.handoffs:
        if h.source in names and h.target in names:
            out.setdefault(h.source, []).append((h.target, (h.chance or 0) / 100))
    explicit = {s: sum((h.chance or 0) for h in stream.handoffs if h.source == s) / 100 for s in names}
    rate = dict.fromkeys(names, 0.0)
    for _ in range(500):
        new = {s: entry.get(s, 0.0) for s in names}
        for source, edges in out.items():
            for target, chance in edges:
                p = chance if chance else 1.0 - explicit[source]
                new[target] += rate[source] * p
        if max(abs(new[s] - rate[s]) for s in names) < 1e-12:
            return new
        rate = new
    return rate


def size_arrivals(streams: list[Stream], rng: random.Random) -> None:
    """Pick each intake's arrival rate so that stages and lanes stay under half load."""
    inflow: dict[str, float] = {}
    for stream in streams:
        first = stream.stages[0].name
        unit = visits(stream, {first: 1.0})
        room = min(STAGE_LOAD * min(s.wip, s.lane.fte()) / s.effort / unit[s.name] for s in stream.stages)
        for lane in stream.lanes:
            work = sum(unit[s.name] * s.effort for s in stream.stages if s.lane is lane)
            room = min(room, LANE_LOAD * lane.fte() / work)
        room -= inflow.get(first, 0.0)  # per hour, leaving space for work from the stream before
        per_week = min(room * HOURS_PER_WEEK, rng.randint(2, 8))
        if per_week >= 1:
            rate, stream.arrivals = int(per_week) / HOURS_PER_WEEK, f"{int(per_week)} per week"
        else:
            count = max(1, math.floor(per_week * 4))
            rate, stream.arrivals = count / (4 * HOURS_PER_WEEK), f"{count} per month"
        loads = visits(stream, {first: rate + inflow.get(first, 0.0)})
        for h in stream.handoffs:
            if h.chance and h.source in loads and h.target not in loads and h.target not in EXITS:
                inflow[h.target] = inflow.get(h.target, 0.0) + loads[h.source] * h.chance / 100


def duration(hours: float) -> str:
    if hours >= 8 and hours % 8 == 0:
        return f"{int(hours // 8)}d"
    if hours >= 1 and hours == int(hours):
        return f"{int(hours)}h"
    return f"{round(hours * 60)}m"


def sle_days(flows: list[Flow]) -> int:
    """Twice the longest raw process time of a stream plus the next one, in days."""
    longest = 0.0
    for flow in flows:
        totals = [sum(s.effort for s in stream.stages) for stream in flow.streams]
        for i, total in enumerate(totals):
            longest = max(longest, total + (totals[i + 1] if i + 1 < len(totals) else 0))
    return max(5, math.ceil(2 * longest / 8))


def wrap(items: list[str], indent: str) -> str:
    """A comma-separated list, continued on new lines after a comma."""
    lines = [", ".join(items[i : i + 8]) for i in range(0, len(items), 8)]
    return f",\n{indent}".join(lines)


class Writer:
    """Turns the model into wmdsl text."""

    def __init__(self, gen: Generator, sle: int) -> None:
        self.gen, self.sle = gen, sle

    def shared(self) -> list[str]:
        heads, ceo = self.gen.heads, self.gen.heads[0]
        out = ["# -- Organisation: leadership, work types, budget decisions --"]
        out += [f'person {p.handle} "{p.title}"' for p in heads]
        out += [
            'lane leadership "Leadership team" {',
            f"  owner {ceo.handle}",
            f"  delegate {heads[1].handle}",
            f"  members {', '.join(p.handle for p in heads)}",
            "}",
            f'work feature "Feature" {{ kind request; sle {self.sle}d at 85% }}',
            f'work defect "Defect" {{ kind task; sle {self.sle}d at 85% }}',
            'decision budget "Approve extra budget" {',
            f"  decides {ceo.handle}",
            "  consults leadership",
            f"  escalates {heads[2].handle} after 5d",
            f"  delegate {heads[1].handle}",
            "}",
            "",
        ]
        return out

    def flow(self, flow: Flow) -> list[str]:
        out = [
            f'workflow {flow.name} "{flow.title}" {{',
            f"  owner {flow.owner.handle}",
            '  purpose "Turn customer needs into shipped, supported changes with a predictable lead time"',
            "",
        ]
        for p in flow.people:
            cap = f" {{ capacity {p.capacity} }}" if p.capacity != 1.0 else ""
            out.append(f'  person {p.handle} "{p.title}"{cap}')
        for stream in flow.streams:
            out += self.stream(stream)
        first = flow.streams[0].intake
        out += [
            "",
            '  exit delivered "Delivered" { kind done }',
            '  exit declined "Declined" { kind rejected }',
            '  exit withdrawn "Withdrawn" { kind cancelled }',
            f'  metric lead_time "Lead time" {{ owner {flow.owner.handle}; from {first} to delivered; '
            f"target {self.sle}d at 85% }}",
            f'  cadence ops_review "Monthly operations review" {{ every 4w; owner {flow.owner.handle}; '
            "reviews lead_time }",
            "}",
        ]
        return out

    def stream(self, s: Stream) -> list[str]:
        lead = s.lanes[0].owner.handle
        out = ["", f"  # -- Stream {s.title} " + "-" * 40]
        for lane in s.lanes:
            members = [p.handle + (" 50%" if len(p.lanes) == 2 else "") for p in lane.members]
            out.append(
                f'  lane {lane.name} "{lane.title}" {{ owner {lane.owner.handle}; '
                f"delegate {lane.delegate.handle}; members {', '.join(members)} }}"
            )
        out += [
            f'  intake {s.intake} "{s.title} requests" {{',
            f"    owner {lead}",
            '    channel "Request form"',
            "    accepts feature, defect",
            '    criteria "Problem statement, affected customers and a success measure"',
            f"    arrivals {s.arrivals}",
            "  }",
        ]
        for st in s.stages:
            out += [
                f'  stage {st.name} "{st.title}" in {st.lane.name} {{',
                f"    owner {st.owner.handle}; wip {st.wip}; effort {duration(st.effort)}",
                f'    done "{st.done}"',
                "  }",
            ]
        out += [self.handoff(h) for h in s.handoffs]
        for d in s.decisions:
            extra = "; escalates budget" if d.budget else ""
            out.append(
                f'  decision {d.name} "{d.title}" {{ decides {d.decides.handle}; consults {d.consults.name}; '
                f"informs {d.informs.name}; escalates {d.escalates.handle} after 2d{extra}; "
                f"delegate {d.delegate.handle} }}"
            )
        shows = [s.intake] + [st.name for st in s.stages]
        audience = [lane.name for lane in s.lanes] + ["leadership"]
        out += [
            f'  board board_{s.index} "{s.title} board" {{',
            f"    owner {lead}",
            f"    shows {wrap(shows, '          ')}",
            f"    audience {wrap(audience, '             ')}",
            "  }",
            f'  cadence replenish_{s.index} "{s.title} replenishment" {{ every 1w; owner {lead}; '
            f"reviews board_{s.index} }}",
        ]
        return out

    def handoff(self, h: Handoff) -> str:
        attrs = [f"gate {h.gate}"] if h.gate else []
        attrs += [f"sla {h.sla}"] if h.sla else []
        attrs += ["rework"] if h.rework else []
        attrs += [f"chance {h.chance}%"] if h.chance else []
        label = f' "{h.label}"' if h.label else ""
        block = f" {{ {'; '.join(attrs)} }}" if attrs else ""
        return f"  {h.source} -> {h.target}{label}{block}"


def generate(n: int, files: int = 1, seed: int = 1) -> dict[str, str]:
    """The spec as ``{relative path: text}``."""
    if n < 1 or files < 1:
        raise ValueError("N and --files must be at least 1")
    gen = Generator(seed)
    flows = gen.build(n, files)
    writer = Writer(gen, sle_days(flows))
    header = f"# Generated by bench/gen.py: {n} stages, {files} file(s), seed {seed}. Do not edit.\n"
    if files == 1:
        lines = writer.shared() + writer.flow(flows[0])
        out = {"spec.wm": header + "\n".join(lines) + "\n"}
    else:
        out = {"org.wm": header + "\n".join(writer.shared())}
        for i, flow in enumerate(flows, start=1):
            text = header + 'import "../org.wm"\n\n' + "\n".join(writer.flow(flow)) + "\n"
            out[f"flows/wf_{i:04d}.wm"] = text
    config = config_for(max(len(text.encode()) for text in out.values()))
    if files > 1 or config:
        out["wmdsl.toml"] = "# Project root of the generated benchmark spec.\n" + config
    return out


def config_for(largest: int) -> str:
    """The ``[limits]`` a spec file of ``largest`` bytes needs (none below wmdsl's defaults)."""
    if largest <= DEFAULT_MAX_FILE_SIZE:
        return ""
    mib = 1 << 20
    limit = 2 * -(-largest // mib) * mib
    return f"[limits]\nmax-file-size = {limit}  # {limit // mib} MiB: twice the largest file\n"


def load(spec: Path) -> Any:
    """The checked model of ``spec`` under the limits of its configuration.

    (``api.load`` applies the default limits whatever ``wmdsl.toml`` says, so it
    refuses a spec larger than 16 MiB even where the configuration allows it.)
    """
    from wmdsl import api
    from wmdsl.project.settings import settings_for

    limits = getattr(settings_for(spec), "limits", None)
    compilation = api.compile_path(spec, limits=limits) if limits is not None else api.compile_path(spec)
    if compilation.document is None:
        raise api.SpecError(compilation.diagnostics)
    return compilation.document


def write(files: dict[str, str], out: Path, bpmn: bool = False) -> list[Path]:
    """Write ``files`` below ``out``; with ``bpmn``, each workflow's BPMN export too."""
    written = []
    for relative, text in files.items():
        path = out / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    if bpmn:
        written += write_bpmn([p for p in written if p.suffix == ".wm" and p.name != "org.wm"])
    return written


def write_bpmn(specs: list[Path]) -> list[Path]:
    """The BPMN export of each spec, next to it (raises ImportError if there is no BPMN renderer)."""
    import wmdsl.render.bpmn  # noqa: F401  (fail early and clearly when the renderer is missing)
    from wmdsl.render import render

    written = []
    for spec in specs:
        target = spec.with_suffix(".bpmn")
        target.write_bytes(render(load(spec), "bpmn"))
        written.append(target)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("n", type=int, help="number of stages")
    parser.add_argument("--files", type=int, default=1, help="split into K files (1 shared + K-1 workflows)")
    parser.add_argument("--out", type=Path, default=Path("out"), help="output folder (default: out)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default: 1)")
    parser.add_argument("--bpmn", action="store_true", help="also write the BPMN export of each workflow")
    args = parser.parse_args(argv)
    try:
        written = write(generate(args.n, args.files, args.seed), args.out, args.bpmn)
    except ValueError as error:
        parser.error(str(error))
    except ImportError as error:
        print(f"gen.py: cannot write BPMN: {error}", file=sys.stderr)
        return 1
    size = sum(p.stat().st_size for p in written if p.suffix == ".wm")
    print(f"wrote {len(written)} files ({size:,} bytes of spec) to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
