"""Baselines: today's findings recorded, so that a check reports only the ones that are new.

``wmdsl check --write-baseline FILE`` records every rule finding of a run by
its fingerprint (the one SARIF and GitLab publish: code, file, message and
the text of the line, never its number, so moving lines keeps it), with its
code, file and message for people to read. ``--baseline FILE`` then reports
only the findings it does not list, and the entries that no longer occur.

A baseline lies in the checked tree, where a pull request can write it, so it
is held to what it says:

- it hides a finding only when an entry lists it exactly: the same
  fingerprint, code, file and message, so what a reviewer reads in the file
  is what it hides;
- language errors (``SYN`` codes) are never recorded and never hidden, as no
  ``allow`` can hide them;
- a baseline that cannot be read, is not UTF-8 JSON, or is not in the format
  below (another version, a missing or unknown key, a repeated fingerprint)
  is an error that stops the run, never an empty baseline.

The file is JSON, one finding a line, sorted by file, code, message and
fingerprint, so that its diff in a pull request shows what changed::

    {
      "version": 1,
      "fingerprints": "wmdsl/v1",
      "findings": [
        {"code": "CLR001", "file": "specs/a.wm", "fingerprint": "…:1", "message": "lane `x` has no owner"}
      ]
    }
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from wmdsl.diagnostics import Diagnostic, codes
from wmdsl.diagnostics.report import Baselined, BaselineEntry

if TYPE_CHECKING:
    from wmdsl.diagnostics.report import Report

VERSION = 1
BASIS = "wmdsl/v1"  # the fingerprints a baseline holds: SARIF's partialFingerprints key
MAX_SIZE = 256 << 20  # a quarter of a GiB: far more than a million findings
KEYS = ("code", "file", "fingerprint", "message")
FINGERPRINT = re.compile(r"[0-9a-f]{32}:[1-9][0-9]{0,8}")


class BaselineError(Exception):
    """A baseline cannot be used; the message says which file and why."""


def recordable(diagnostic: Diagnostic) -> bool:
    """True for a rule finding: language errors are never recorded, nor hidden."""
    entry = codes.lookup(diagnostic.code)
    return entry is not None and entry.family is not codes.Family.SYN


def entries(report: Report) -> list[BaselineEntry | None]:
    """The baseline entry of each finding of ``report``, in order (None: a language error)."""
    from wmdsl.output.gitlab import fingerprints  # the ones SARIF publishes
    from wmdsl.project.places import relocated

    placed = relocated(report)
    return [
        BaselineEntry(fingerprint, d.code, d.span.file, d.message) if recordable(d) else None
        for d, fingerprint in zip(placed.diagnostics, fingerprints(report), strict=True)
    ]


def _order(entry: BaselineEntry) -> tuple[str, str, str, str]:
    return (entry.file, entry.code, entry.message, entry.fingerprint)


def dumps(report: Report) -> bytes:
    """The baseline of ``report``: every rule finding it holds, as the file's bytes."""
    from wmdsl.output.safe import for_json

    recorded = sorted((entry for entry in entries(report) if entry is not None), key=_order)
    lines = [
        json.dumps({key: getattr(entry, key) for key in KEYS}, ensure_ascii=False, sort_keys=True)
        for entry in recorded
    ]
    findings = "[]" if not lines else "[\n" + ",\n".join(f"    {line}" for line in lines) + "\n  ]"
    text = f'{{\n  "version": {VERSION},\n  "fingerprints": "{BASIS}",\n  "findings": {findings}\n}}\n'
    # A file name that is not UTF-8 holds lone surrogates: written as JSON's \u escapes, read back the same.
    return for_json(text).encode("utf-8", "backslashreplace")


def _wrong(shown: str, why: str) -> BaselineError:
    return BaselineError(
        f"baseline {shown}: {why}; write a new one with `wmdsl check --write-baseline {shown}`"
    )


def _entry(item: object, where: str, shown: str) -> BaselineEntry:
    if not isinstance(item, dict):
        raise _wrong(shown, f"{where} is not an object")
    missing = [key for key in KEYS if key not in item]
    unknown = sorted(key for key in item if key not in KEYS)
    if missing or unknown:
        said = [f"no `{key}`" for key in missing] + [f"an unknown key `{key}`" for key in unknown]
        raise _wrong(shown, f"{where} has {', '.join(said)}")
    for key in KEYS:
        if not isinstance(item[key], str) or not item[key]:
            raise _wrong(shown, f"{where}: `{key}` is not a non-empty string")
    if not FINGERPRINT.fullmatch(item["fingerprint"]):
        raise _wrong(shown, f"{where}: `fingerprint` is not one wmdsl makes (32 hex digits, `:` and a count)")
    return BaselineEntry(item["fingerprint"], item["code"], item["file"], item["message"])


def parse(data: bytes, shown: str) -> list[BaselineEntry]:
    """The entries of a baseline's bytes; :class:`BaselineError` when they are not exactly a baseline."""
    try:
        document: Any = json.loads(data.decode("utf-8"))
    except UnicodeDecodeError as error:
        raise _wrong(shown, f"byte {error.start + 1} is not UTF-8") from None
    except json.JSONDecodeError as error:
        where = f"{shown}:{error.lineno}:{error.colno}"
        raise BaselineError(f"{where}: the baseline is not JSON: {error.msg}") from None
    except RecursionError:
        raise _wrong(shown, "it is nested too deeply to be one") from None
    if not isinstance(document, dict):
        raise _wrong(shown, "it is not a JSON object")
    unknown = sorted(key for key in document if key not in ("version", "fingerprints", "findings"))
    if unknown:
        raise _wrong(shown, f"unknown key `{unknown[0]}`")
    version = document.get("version")
    if type(version) is not int or version != VERSION:
        raise _wrong(shown, f"`version` is {json.dumps(version)}, and this wmdsl reads version {VERSION}")
    if document.get("fingerprints") != BASIS:
        raise _wrong(shown, f"`fingerprints` is not {json.dumps(BASIS)}")
    findings = document.get("findings")
    if not isinstance(findings, list):
        raise _wrong(shown, "`findings` is not a list")
    read = [_entry(item, f"findings[{index}]", shown) for index, item in enumerate(findings)]
    seen: set[str] = set()
    for index, entry in enumerate(read):
        if entry.fingerprint in seen:
            raise _wrong(shown, f"findings[{index}] repeats the fingerprint {entry.fingerprint}")
        seen.add(entry.fingerprint)
    return read


def load(path: Path) -> list[BaselineEntry]:
    """The entries of the baseline at ``path``; :class:`BaselineError` when it cannot be read or used."""
    from wmdsl.project.files import read_regular

    shown = path.as_posix()
    try:
        data = read_regular(path, MAX_SIZE)
    except OSError as error:
        reason = (error.strerror or str(error)).lower()
        raise BaselineError(f"cannot read baseline {shown}: {reason}") from None
    if len(data) > MAX_SIZE:
        raise _wrong(shown, f"it is larger than {MAX_SIZE >> 20} MiB")
    return parse(data, shown)


def apply(report: Report, recorded: list[BaselineEntry], shown: str) -> Report:
    """``report`` without the findings ``recorded`` lists exactly, with the entries that no longer occur."""
    listed = {entry.fingerprint: entry for entry in recorded}
    kept: list[Diagnostic] = []
    matched: set[str] = set()
    for diagnostic, entry in zip(report.diagnostics, entries(report), strict=True):
        if entry is not None and listed.get(entry.fingerprint) == entry:
            matched.add(entry.fingerprint)
        else:
            kept.append(diagnostic)
    gone = tuple(sorted((e for e in recorded if e.fingerprint not in matched), key=_order))
    hidden = len(report.diagnostics) - len(kept)
    return replace(report, diagnostics=kept, baseline=Baselined(shown, hidden, gone))
