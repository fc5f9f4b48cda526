"""Benchmark the language server: a warm `wmdsl lsp` driven as an editor drives it.

    python bench/lsp.py [--edits 50] [--stages 5000] [--soak 1000] [--json]

Starts `python -m wmdsl lsp` once, opens a spec of about 300 lines and one
of 5,000 stages (both from bench/gen.py), and measures, on the warm server:

- the time from each `didChange` to the `publishDiagnostics` of that version
  (p50 and p95 over ``--edits`` edits, each changing a stage's WIP limit);
- the latency of a hover on a stage and of a completion of an `owner`;
- the server's resident memory after 10 edits and after ``--soak`` edits of
  the 300-line spec, and their ratio.

Targets: p95 ≤ 50 ms for 300 lines and ≤ 1.5 s for 5,000 stages; memory
growth within 10%. Run by hand; docs/performance.md has the figures.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from lsprotocol import types as lsp
from pygls.lsp.client import LanguageClient

sys.path.insert(0, str(Path(__file__).resolve().parent))
import gen  # bench/gen.py, beside this file

LINES_300 = 30  # stages of a generated spec of about 300 lines


class Client:
    """A pygls client that remembers when each version's diagnostics arrived."""

    def __init__(self) -> None:
        self.client = LanguageClient("wmdsl-bench", "1")
        self.arrived: dict[tuple[str, int | None], float] = {}
        self.event = asyncio.Event()

        @self.client.feature(lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        def published(params: lsp.PublishDiagnosticsParams) -> None:
            self.arrived[(params.uri, params.version)] = time.perf_counter()
            self.event.set()

    async def diagnostics(self, uri: str, version: int, timeout: float = 120) -> float:
        """When the diagnostics of ``version`` of ``uri`` arrived."""
        deadline = time.perf_counter() + timeout
        while (uri, version) not in self.arrived:
            self.event.clear()
            await asyncio.wait_for(self.event.wait(), max(deadline - time.perf_counter(), 0.001))
        return self.arrived[(uri, version)]

    def rss(self) -> int:
        """The server's resident memory in bytes (Linux)."""
        server: Any = self.client._server  # the subprocess pygls started
        status = Path(f"/proc/{server.pid}/status").read_text()
        found = re.search(r"VmRSS:\s+(\d+) kB", status)
        return int(found.group(1)) * 1024 if found else 0


class Document:
    """An open spec, edited by toggling the WIP limit of one stage."""

    def __init__(self, client: Client, path: Path) -> None:
        self.client = client
        self.uri = path.as_uri()
        self.text = path.read_text(encoding="utf-8")
        self.version = 1
        match = re.search(r"\b(wip )(\d+)", self.text)
        assert match is not None, "the generated spec has a stage with a WIP limit"
        self.at = match.start(2)
        self.width = len(match.group(2))
        self.wip = int(match.group(2))

    async def open(self) -> float:
        start = time.perf_counter()
        self.client.client.text_document_did_open(
            lsp.DidOpenTextDocumentParams(lsp.TextDocumentItem(self.uri, "wmdsl", 1, self.text))
        )
        return await self.client.diagnostics(self.uri, 1) - start

    async def edit(self) -> float:
        """One edit (the WIP limit up or down by one), and the time until its diagnostics arrive."""
        self.version += 1
        wip = self.wip + (self.version % 2)
        before = self.text[: self.at].count("\n")
        column = self.at - (self.text.rfind("\n", 0, self.at) + 1)
        start = lsp.Position(before, column)
        end = lsp.Position(before, column + self.width)
        self.width = len(str(wip))
        start_time = time.perf_counter()
        self.client.client.text_document_did_change(
            lsp.DidChangeTextDocumentParams(
                text_document=lsp.VersionedTextDocumentIdentifier(uri=self.uri, version=self.version),
                content_changes=[
                    lsp.TextDocumentContentChangePartial(range=lsp.Range(start, end), text=str(wip))
                ],
            )
        )
        return await self.client.diagnostics(self.uri, self.version) - start_time


def _position(text: str, needle: str, offset: int, start: int = 0) -> lsp.Position:
    at = text.index(needle, start) + offset
    return lsp.Position(text.count("\n", 0, at), at - (text.rfind("\n", 0, at) + 1))


async def _requests(client: Client, document: Document, count: int) -> dict[str, float]:
    """Median hover and completion latency, in seconds, over ``count`` requests each."""
    # The last stage and owner of the file: what is found by reading the text up to the
    # cursor costs the most there.
    stage = list(re.finditer(r"\n\s+stage \w+ ", document.text))[-1]
    owner = list(re.finditer(r"\bowner @", document.text))[-1]
    hover_at = _position(document.text, stage.group(0), len(stage.group(0)) - 2, stage.start())
    complete_at = _position(document.text, owner.group(0), len(owner.group(0)) - 1, owner.start())
    identifier = lsp.TextDocumentIdentifier(document.uri)
    hovers, completions = [], []
    for _ in range(count):
        start = time.perf_counter()
        await client.client.text_document_hover_async(lsp.HoverParams(identifier, hover_at))
        hovers.append(time.perf_counter() - start)
        start = time.perf_counter()
        await client.client.text_document_completion_async(
            lsp.CompletionParams(text_document=identifier, position=complete_at)
        )
        completions.append(time.perf_counter() - start)
    return {"hover": statistics.median(hovers), "completion": statistics.median(completions)}


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


async def run(edits: int, stages: int, soak: int) -> dict[str, Any]:
    folder = Path(tempfile.mkdtemp(prefix="wmdsl-lsp-bench-"))
    (folder / "wmdsl.toml").write_text("", encoding="utf-8")
    specs = {}
    for name, n in (("small", LINES_300), ("large", stages)):
        path = folder / f"{name}.wm"
        path.write_text(gen.generate(n)["spec.wm"], encoding="utf-8")
        specs[name] = path
    client = Client()
    await client.client.start_io(sys.executable, "-m", "wmdsl", "lsp")
    await client.client.initialize_async(
        lsp.InitializeParams(capabilities=lsp.ClientCapabilities(), root_uri=folder.as_uri())
    )
    client.client.initialized(lsp.InitializedParams())
    results: dict[str, Any] = {}
    for name, path in specs.items():
        document = Document(client, path)
        opened = await document.open()
        times = [await document.edit() for _ in range(edits)]
        results[name] = {
            "lines": document.text.count("\n"),
            "stages": LINES_300 if name == "small" else stages,
            "open_s": opened,
            "p50_s": _percentile(times, 0.5),
            "p95_s": _percentile(times, 0.95),
            **{
                f"{k}_s": v
                for k, v in (await _requests(client, document, 20 if name == "small" else 5)).items()
            },
        }
        client.client.text_document_did_close(
            lsp.DidCloseTextDocumentParams(lsp.TextDocumentIdentifier(document.uri))
        )
    small = Document(client, specs["small"])
    await small.open()
    for _ in range(10):
        await small.edit()
    early = client.rss()
    for _ in range(soak - 10):
        await small.edit()
    late = client.rss()
    results["memory"] = {
        "after_10_mb": early / 2**20,
        f"after_{soak}_mb": late / 2**20,
        "ratio": late / early,
    }
    await client.client.shutdown_async(None)
    client.client.exit(None)
    await client.client.stop()
    return results


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms" if seconds < 1 else f"{seconds:.2f} s"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--edits", type=int, default=50, help="edits timed per spec (default 50)")
    parser.add_argument("--stages", type=int, default=5000, help="stages of the large spec (default 5000)")
    parser.add_argument(
        "--soak", type=int, default=1000, help="edits before memory is read again (default 1000)"
    )
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    results = asyncio.run(run(args.edits, args.stages, args.soak))
    if args.json:
        print(json.dumps(results, indent=2))
        return 0
    for name in ("small", "large"):
        r = results[name]
        print(
            f"{r['stages']:>5} stages ({r['lines']} lines): open {_ms(r['open_s'])}, "
            f"didChange → diagnostics p50 {_ms(r['p50_s'])}, p95 {_ms(r['p95_s'])}; "
            f"hover {_ms(r['hover_s'])}, completion {_ms(r['completion_s'])}"
        )
    memory = results["memory"]
    soaked = next(k for k in memory if k.startswith("after_") and k != "after_10_mb")
    print(
        f"memory: {memory['after_10_mb']:.1f} MB after 10 edits, {memory[soaked]:.1f} MB after "
        f"{soaked.split('_')[1]} (ratio {memory['ratio']:.3f})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
