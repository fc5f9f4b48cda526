"""A cache of check results that a pull request cannot fool.

In CI, whoever opens a pull request writes every file of the checkout, so
nothing the cache trusts may come from there:

- Records live in a per-user folder (``$WMDSL_CACHE_DIR``, else
  ``$XDG_CACHE_HOME/wmdsl``, else ``~/.cache/wmdsl``), one subfolder per
  project root, never in the checked-out tree.
- Every record is signed with HMAC-SHA256 under a secret made on first use
  and kept beside the records, readable by its owner only. A record that
  does not verify is a miss: a planted or edited record is never believed.
- A record lists every file its check looked for (see
  :class:`~wmdsl.project.specs.Read`): the path as named, the real path it
  led to and the digest of the bytes that were parsed, including imports that
  were missing or refused. On every read each one is looked up and hashed
  again; a link re-pointed, a file edited (even while it was being checked),
  or an import created since, each makes the record a miss.
- Nothing in a record depends on the working directory: file names are kept
  relative to the project root and shown relative to where the run is.

Records are JSON, never pickles, and are written atomically. Any unreadable,
unsigned or inconsistent record is a miss; a cache that cannot be written is
no error.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import os
import secrets
import stat
from pathlib import Path
from typing import Any, cast

from wmdsl import __version__
from wmdsl.diagnostics import Diagnostic, Related, Severity
from wmdsl.diagnostics.report import FileResult
from wmdsl.flow.load import AllowEntry, LaneEntry, LoadSheet, MemberEntry, PersonEntry, StageEntry
from wmdsl.model.span import Span
from wmdsl.project.files import read_regular, write_atomic
from wmdsl.project.limits import Limits
from wmdsl.project.specs import Read, display_path, opened

FORMAT = 4  # 3: records keep the load sheet of their document; 4: and the findings of a whole run
SECRET_NAME = "secret"


def digest(data: bytes) -> str:
    """The SHA-256 of ``data``, in hex: how a record remembers a file."""
    return hashlib.sha256(data).hexdigest()


def default_folder() -> Path:
    """The per-user cache folder: ``$WMDSL_CACHE_DIR``, ``$XDG_CACHE_HOME/wmdsl`` or ``~/.cache/wmdsl``."""
    chosen = os.environ.get("WMDSL_CACHE_DIR")
    if chosen:
        return Path(chosen)
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg) if xdg and os.path.isabs(xdg) else Path.home() / ".cache"
    return base / "wmdsl"


def _secret(folder: Path) -> bytes | None:
    """The signing key in ``folder``, made on first use; None when it cannot be trusted or made."""
    path = folder / SECRET_NAME
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        try:
            handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(handle, "wb") as stream:
                stream.write(secrets.token_bytes(32))
        info = os.lstat(path)
        # A key others could read or write, or that is not ours, signs nothing.
        if not stat.S_ISREG(info.st_mode) or info.st_mode & 0o077 or info.st_uid != os.getuid():
            return None
        key = read_regular(path, 64)
    except OSError:
        return None
    return key if len(key) == 32 else None


def _span(span: Span, names: dict[str, str]) -> list[Any]:
    return [names.get(span.file, span.file), span.line, span.col, span.end_line, span.end_col]


def _unspan(data: list[Any], shown: dict[str, str]) -> Span:
    file, line, col, end_line, end_col = data
    return Span(file=shown.get(file, file), line=line, col=col, end_line=end_line, end_col=end_col)


def _dump(diagnostic: Diagnostic, names: dict[str, str]) -> dict[str, Any]:
    return {
        "code": diagnostic.code,
        "severity": diagnostic.severity.label,
        "message": diagnostic.message,
        "span": _span(diagnostic.span, names),
        "hint": diagnostic.hint,
        "related": [[_span(r.span, names), r.message] for r in diagnostic.related],
    }


def _load(data: dict[str, Any], shown: dict[str, str]) -> Diagnostic:
    related = tuple(Related(_unspan(span, shown), message) for span, message in data["related"])
    return Diagnostic(
        data["code"],
        Severity.parse(data["severity"]),
        data["message"],
        _unspan(data["span"], shown),
        data["hint"],
        related,
    )


def _dump_allows(allows: tuple[AllowEntry, ...], names: dict[str, str]) -> list[Any]:
    return [[a.code, _span(a.span, names), a.judged] for a in allows]


def _load_allows(data: list[Any], shown: dict[str, str]) -> tuple[AllowEntry, ...]:
    return tuple(AllowEntry(code, _unspan(span, shown), bool(judged)) for code, span, judged in data)


def _dump_sheet(sheet: LoadSheet | None, names: dict[str, str]) -> dict[str, Any] | None:
    """A load sheet as JSON data, its spans named as the diagnostics' are."""
    if sheet is None:
        return None

    def span(value: Span | None) -> list[Any] | None:
        return None if value is None else _span(value, names)

    return {
        "people": [[span(p.span), p.handle, p.capacity, _dump_allows(p.allows, names)] for p in sheet.people],
        "lanes": [
            [
                span(lane.span),
                lane.name,
                [[span(m.person), m.handle, m.share, span(m.span)] for m in lane.members],
                _dump_allows(lane.allows, names),
            ]
            for lane in sheet.lanes
        ],
        "stages": [
            [
                span(s.target),
                s.direct,
                s.workflow,
                span(s.workflow_span),
                s.stage,
                span(s.span),
                s.load,
                s.utilisation,
                s.lower_bound,
            ]
            for s in sheet.stages
        ],
        "allows": _dump_allows(sheet.allows, names),
    }


def _load_sheet(data: dict[str, Any] | None, shown: dict[str, str]) -> LoadSheet | None:
    if data is None:
        return None

    def span(value: list[Any] | None) -> Span | None:
        return None if value is None else _unspan(value, shown)

    def placed(value: list[Any]) -> Span:
        return _unspan(value, shown)

    def number(value: object) -> float | None:
        return None if value is None else float(cast("float", value))

    return LoadSheet(
        tuple(
            PersonEntry(placed(at), str(handle), float(capacity), _load_allows(allows, shown))
            for at, handle, capacity, allows in data["people"]
        ),
        tuple(
            LaneEntry(
                placed(at),
                str(name),
                tuple(
                    MemberEntry(span(person), str(handle), number(share), placed(where))
                    for person, handle, share, where in members
                ),
                _load_allows(allows, shown),
            )
            for at, name, members, allows in data["lanes"]
        ),
        tuple(
            StageEntry(
                placed(target),
                bool(direct),
                str(workflow),
                placed(workflow_at),
                str(stage),
                placed(at),
                number(load),
                number(utilisation),
                bool(lower_bound),
            )
            for target, direct, workflow, workflow_at, stage, at, load, utilisation, lower_bound in data[
                "stages"
            ]
        ),
        _load_allows(data["allows"], shown),
    )


def _sheet_files(sheet: LoadSheet | None) -> set[str]:
    """The files the spans of a load sheet name."""
    if sheet is None:
        return set()
    files = {p.span.file for p in sheet.people} | {a.span.file for a in sheet.allows}
    for lane in sheet.lanes:
        files.add(lane.span.file)
        files.update(m.span.file for m in lane.members)
        files.update(m.person.file for m in lane.members if m.person is not None)
        files.update(a.span.file for a in lane.allows)
    files.update(a.span.file for p in sheet.people for a in p.allows)
    for stage in sheet.stages:
        files.update((stage.target.file, stage.workflow_span.file, stage.span.file))
    return files


class Cache:
    """The result cache of one project root, with what this run has hashed so far."""

    def __init__(self, root: Path, secret: bytes, folder: Path, limits: Limits) -> None:
        self.root = root
        self.secret = secret
        project = hashlib.sha256(str(root).encode("utf-8", "surrogateescape")).hexdigest()[:24]
        self.folder = folder / f"v{FORMAT}" / project
        self.limits = limits
        self.digests: dict[str, str] = {}
        self.reals: dict[str, str] = {}
        # Record signature -> where its load sheet is and its digest, read only when needed.
        self.sheets: dict[str, tuple[str, str | None, dict[str, str]]] = {}
        self.cwd = Path.cwd().resolve()  # a cache lives for one run, in one working directory

    @classmethod
    def open(cls, root: Path, limits: Limits, folder: Path | None = None) -> Cache | None:
        """The cache of project ``root`` (resolved), or None when no trusted key can be had."""
        base = default_folder() if folder is None else folder
        secret = _secret(base)
        return None if secret is None else cls(root, secret, base, limits)

    def key(self, named: Path, settings: str, options: str) -> str:
        """The record name of checking the file ``named`` with these settings and options."""
        parts = [__version__, str(FORMAT), str(self.root), str(named), settings, options]
        return self._sign("\0".join(parts).encode("utf-8", "surrogateescape"))

    def _path(self, entry_key: str) -> Path:
        return self.folder / entry_key[:2] / f"{entry_key}.json"

    def _sign(self, payload: bytes) -> str:
        return hmac.new(self.secret, payload, "sha256").hexdigest()

    def _digest(self, real: str) -> str:
        """The digest of the file at ``real`` as a check would read it ("" when it would not be)."""
        if real not in self.digests:
            try:
                data = read_regular(Path(real), self.limits.max_file_size)
                self.digests[real] = "" if len(data) > self.limits.max_file_size else digest(data)
            except (OSError, ValueError):
                self.digests[real] = ""
        return self.digests[real]

    def _still(self, read: list[Any]) -> bool:
        """True when looking for the file again gives what the check saw."""
        named, real, exists, expected = read
        try:
            if named not in self.reals:  # a shared import is looked up once per run
                self.reals[named] = os.path.realpath(named)
            now = self.reals[named]
            if now != real or os.path.exists(real) != exists:
                return False
        except (OSError, ValueError):
            return False
        # None: the check did not read the file (missing or refused), so only where it leads counts.
        return expected is None or self._digest(real) == expected

    def get(self, entry_key: str) -> FileResult | None:
        """The cached result for ``entry_key``, if it is genuine and every file it read is unchanged."""
        try:
            raw = read_regular(self._path(entry_key), 1 << 30)
            signature, _, payload = raw.partition(b"\n")
            if not hmac.compare_digest(signature, self._sign(payload).encode("ascii")):
                return None
            record = json.loads(payload)
            if record["key"] != entry_key or not all(self._still(read) for read in record["reads"]):
                return None
            shown = {name: display_path(self.root / name, self.cwd) for name in record["names"]}
            stamp = signature.decode("ascii")
            # Read only if the findings of the whole run are not cached themselves.
            self.sheets[stamp] = (entry_key, record["loads"], shown)
            return FileResult(
                shown[record["shown"]],
                [_load(d, shown) for d in record["diagnostics"]],
                {shown[name]: text for name, text in record["sources"].items()},
                Severity.parse(record["fail_on"]),
                opened(Read(*read) for read in record["reads"]),
                None,
                stamp,
            )
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def _names(self, reads: list[Read]) -> dict[str, str]:
        """Each name a file of ``reads`` is shown by in this run → its path in the project root."""
        names: dict[str, str] = {}
        for read in reads:
            for path in (Path(read.named), Path(read.real)):
                if read.real and path.is_relative_to(self.root):
                    names[display_path(path, self.cwd)] = path.relative_to(self.root).as_posix()
        return names

    def put(self, entry_key: str, entry: FileResult, reads: list[Read]) -> str | None:
        """Store ``entry`` (best effort), signed, with what its check read; the record's signature."""
        names = self._names(reads)
        used = self._names_used(entry)
        if not reads or not used <= names.keys():
            return None  # a file the record could not name the same way from another folder
        record = {
            "key": entry_key,
            "reads": [[r.named, r.real, r.exists, r.digest] for r in reads],
            "names": sorted({names[name] for name in used}),
            "shown": names[entry.shown],
            "diagnostics": [_dump(d, names) for d in entry.diagnostics],
            "sources": {names[name]: text for name, text in entry.sources.items() if name in used},
            "fail_on": entry.fail_on.label,
            "loads": None,
        }
        sheet = _dump_sheet(entry.loads, names)
        loads = json.dumps(sheet, sort_keys=True).encode("utf-8", "surrogateescape") if sheet else None
        record["loads"] = digest(loads) if loads is not None else None
        payload = json.dumps(record, sort_keys=True).encode("utf-8", "surrogateescape")
        stamp = self._sign(payload)
        try:
            # The sheet first: a record is never there without the sheet it names.
            if loads is not None:
                write_atomic(self._path(entry_key).with_suffix(".loads"), loads)
            write_atomic(self._path(entry_key), stamp.encode("ascii") + b"\n" + payload)
        except OSError:  # a cache that cannot be written is no error
            return None
        return stamp

    def sheet(self, result: FileResult) -> LoadSheet | None:
        """The load sheet of ``result``: its own, or read now from the record it came from."""
        if result.loads is not None or result.stamp not in self.sheets:
            return result.loads
        entry_key, expected, shown = self.sheets[result.stamp]
        if expected is None:
            return None
        # The sheet is kept beside the record, which is signed and holds its digest.
        data = read_regular(self._path(entry_key).with_suffix(".loads"), 1 << 30)
        if not hmac.compare_digest(digest(data), expected):
            raise OSError(f"the cached load sheet of {result.shown} was changed")
        return _load_sheet(json.loads(data), shown)

    def project_key(self, results: list[FileResult], options: str) -> str | None:
        """The record name of the findings of a whole run of ``results`` (None: not cacheable).

        It is made of the signature of every file's record, so a run whose
        files all came out of (or went into) the cache unchanged finds it
        again; any file checked afresh gives a new signature, and a new key.
        """
        stamps = [result.stamp for result in results]
        if not results or any(stamp is None for stamp in stamps):
            return None
        parts = [
            __version__,
            str(FORMAT),
            str(self.root),
            "project",
            options,
            *sorted(cast("list[str]", stamps)),
        ]
        return self._sign("\0".join(parts).encode("utf-8", "surrogateescape"))

    def get_project(self, key: str) -> list[Diagnostic] | None:
        """The cached findings of a whole run under ``key``, if genuine."""
        try:
            raw = read_regular(self._path(key).with_suffix(".project"), 1 << 30)
            signature, _, payload = raw.partition(b"\n")
            if not hmac.compare_digest(signature, self._sign(payload).encode("ascii")):
                return None
            record = json.loads(payload)
            if record["key"] != key:
                return None
            shown = {name: display_path(self.root / name, self.cwd) for name in record["names"]}
            return [_load(d, shown) for d in record["diagnostics"]]
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def put_project(self, key: str, found: list[Diagnostic]) -> None:
        """Store the findings of a whole run (best effort), when every file they name is in the root."""
        names: dict[str, str] = {}
        for diagnostic in found:
            for span in (diagnostic.span, *(r.span for r in diagnostic.related)):
                path = Path(os.path.abspath(span.file)).resolve()
                if not path.is_relative_to(self.root):
                    return
                names[span.file] = path.relative_to(self.root).as_posix()
        record = {
            "key": key,
            "names": sorted(set(names.values())),
            "diagnostics": [_dump(d, names) for d in found],
        }
        payload = json.dumps(record, sort_keys=True).encode("utf-8", "surrogateescape")
        with contextlib.suppress(OSError):
            write_atomic(
                self._path(key).with_suffix(".project"), self._sign(payload).encode("ascii") + b"\n" + payload
            )

    @staticmethod
    def _names_used(entry: FileResult) -> set[str]:
        files = {entry.shown} | {d.span.file for d in entry.diagnostics} | _sheet_files(entry.loads)
        return files | {r.span.file for d in entry.diagnostics for r in d.related}
