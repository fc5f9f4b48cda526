"""Benchmark the live preview: from a spec written on disk to the new picture in the page's hands.

    python bench/serve.py [--stages 30,1000] [--edits 10] [--json]

For each size, generates a spec (bench/gen.py), starts `python -m wmdsl serve
SPEC --port 0 --no-open` and follows its event stream as the page does. Each
edit changes one stage's WIP limit and writes the file; the clock runs from
the write until (1) the `change` event of the new reading arrives and (2) the
page's next requests are answered: `/state.json`, then the `flow` view of the
new picture (drawn on that request). Reports the median and the worst of
``--edits`` edits. Target: a 1 000-stage spec shows within 3 s of a change.
Run by hand; docs/performance.md has the figures.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import gen  # bench/gen.py, beside this file

SOURCE = Path(__file__).resolve().parent.parent / "src"


def serve(spec: Path) -> tuple[subprocess.Popen[str], int]:
    """``wmdsl serve`` of ``spec``, once it has printed its address; the process and its port."""
    path = os.environ.get("PYTHONPATH")
    env = {**os.environ, "PYTHONPATH": str(SOURCE) + (os.pathsep + path if path else "")}
    process = subprocess.Popen(
        [sys.executable, "-m", "wmdsl", "serve", spec.name, "--port", "0", "--no-open"],
        cwd=spec.parent,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    found = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
    assert found is not None, f"no address printed: {line!r}"
    return process, int(found.group(1))


class Events:
    """The preview's event stream, read as the page reads it."""

    def __init__(self, port: int) -> None:
        self.socket = socket.create_connection(("127.0.0.1", port), timeout=120)
        self.socket.sendall(b"GET /events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        self.lines = self.socket.makefile("r", encoding="utf-8")

    def next_generation(self) -> int:
        for line in self.lines:
            if line.startswith("data: "):
                return int(json.loads(line[len("data: ") :])["generation"])
        raise RuntimeError("the event stream ended")


def get(port: int, target: str) -> bytes:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        connection.request("GET", target)
        response = connection.getresponse()
        body = response.read()
        assert response.status == 200, (target, response.status, body[:200])
        return body
    finally:
        connection.close()


def measure(stages: int, edits: int, folder: Path) -> dict[str, Any]:
    out = folder / f"s{stages}"
    (spec,) = gen.write(gen.generate(stages), out)
    text = spec.read_text(encoding="utf-8")
    match = re.search(r"\b(wip )(\d+)", text)
    assert match is not None
    process, port = serve(spec)
    try:
        events = Events(port)
        generation = events.next_generation()
        to_event: list[float] = []
        to_picture: list[float] = []
        for edit in range(edits):
            wip = int(match.group(2)) + 1 + edit % 2
            started = time.perf_counter()
            spec.write_text(text[: match.start(2)] + str(wip) + text[match.end(2) :], encoding="utf-8")
            generation = events.next_generation()
            to_event.append(time.perf_counter() - started)
            state = json.loads(get(port, "/state.json"))
            assert state["generation"] == generation
            assert state["compiled"], state.get("problem")
            svg = get(port, f"/view/flow.svg?picture={state['picture']}")
            to_picture.append(time.perf_counter() - started)
            assert f"WIP {wip}".encode() in svg
    finally:
        process.terminate()
        process.wait(30)
    return {
        "stages": stages,
        "lines": text.count("\n"),
        "edits": edits,
        "to_event_p50_s": round(statistics.median(to_event), 3),
        "to_event_max_s": round(max(to_event), 3),
        "to_picture_p50_s": round(statistics.median(to_picture), 3),
        "to_picture_max_s": round(max(to_picture), 3),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stages", default="30,1000", help="sizes, comma-separated")
    parser.add_argument("--edits", type=int, default=10)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    sizes = [int(size) for size in args.stages.split(",")]
    with tempfile.TemporaryDirectory() as folder:
        rows = [measure(size, args.edits, Path(folder)) for size in sizes]
    if args.json:
        print(json.dumps(rows, indent=2))
        return 0
    print(f"{'stages':>7} {'lines':>7}  {'event p50':>9} {'max':>6}  {'picture p50':>11} {'max':>6}")
    for row in rows:
        event = f"{row['to_event_p50_s']:>8.3f}s {row['to_event_max_s']:>5.2f}s"
        picture = f"{row['to_picture_p50_s']:>10.3f}s {row['to_picture_max_s']:>5.2f}s"
        print(f"{row['stages']:>7} {row['lines']:>7}  {event}  {picture}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
