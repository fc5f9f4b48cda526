"""Configuration: which rules run, how severe they are, and their options.

Settings come from ``wmdsl.toml`` (keys at the top level) or the
``[tool.wmdsl]`` table of ``pyproject.toml``, whichever is found first going
upward from a checked file, then from overrides given on the command line or
to :func:`wmdsl.api.check`. Codes, kebab-case names, prefixes (``FLW``,
``CLR00``) and ``ALL`` are accepted wherever a rule is named. Unknown keys,
codes and option types are errors with a suggestion.
"""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from wmdsl.diagnostics import Severity, codes
from wmdsl.links import DOCS_URL, DocsUrlError, checked_docs_url, docs_url
from wmdsl.project.files import read_regular
from wmdsl.project.limits import DEFAULT as DEFAULT_LIMITS
from wmdsl.project.limits import Limits
from wmdsl.resolve.sink import closest
from wmdsl.rules.registry import OptionValue, Rule, all_rules

PRESETS = ("recommended", "strict", "correctness")
KEYS = (
    "preset",
    "select",
    "extend-select",
    "ignore",
    "per-file-ignores",
    "severity",
    "options",
    "fail-on",
    "exclude",
    "limits",
    "diagram-stages",
    "docs-url",
)
CONFIG_FILES = ("wmdsl.toml", "pyproject.toml")
CONFIG_LIMIT = 1 << 20  # bytes: far more than any configuration needs
# Language errors are always reported; only this SYN code can be turned off.
SELECTABLE_SYN = (codes.UNUSED_ALLOW.code,)
# Past this many stages, the handbook draws a workflow's lanes and handoffs, not its whole flow.
DIAGRAM_STAGES = 300


class ConfigError(Exception):
    """A configuration file or override is wrong; the message says where and how."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Overrides:
    """Settings given on the command line or to the API; they win over files."""

    preset: str | None = None
    select: Sequence[str] | None = None
    extend_select: Sequence[str] = ()
    ignore: Sequence[str] = ()
    severity: Mapping[str, str] = field(default_factory=dict)
    fail_on: str | None = None
    options: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    config: Path | None = None  # use this file instead of searching
    isolated: bool = False  # ignore configuration files
    simulate: bool = False  # the flow rules that can read a simulation's figures read them


@dataclass(frozen=True, slots=True, kw_only=True)
class Settings:
    """The effective settings for one checked file."""

    enabled: frozenset[str]
    severity: Mapping[str, Severity]
    options: Mapping[str, Mapping[str, OptionValue]]
    fail_on: Severity
    per_file_ignores: tuple[tuple[str, frozenset[str]], ...] = ()
    exclude: tuple[str, ...] = ()
    preset: str = "recommended"
    source: Path | None = None
    limits: Limits = DEFAULT_LIMITS
    diagram_stages: int = DIAGRAM_STAGES
    # Where the links to each code's page point (SARIF helpUri, the language server).
    docs_url: str = DOCS_URL
    simulate: bool = False  # PRG001, FLW006 and FLW007 read the simulation's figures (`check --simulate`)

    def ignored_in(self, file: Path) -> frozenset[str]:
        """Codes ``per-file-ignores`` turns off for ``file``."""
        base = self.source.parent if self.source else Path.cwd()
        try:
            relative = Path(os.path.abspath(file)).relative_to(base.resolve()).as_posix()
        except ValueError:
            relative = file.as_posix()
        found: set[str] = set()
        for pattern, ignored in self.per_file_ignores:
            if fnmatch.fnmatchcase(relative, pattern) or fnmatch.fnmatchcase(file.name, pattern):
                found |= ignored
        return frozenset(found)

    def describe(self) -> dict[str, Any]:
        """The settings as plain data (``wmdsl check --show-settings``)."""
        return {
            "config": self.source.as_posix() if self.source else None,
            "preset": self.preset,
            "enabled": sorted(self.enabled),
            "severity": {code: self.severity[code].label for code in sorted(self.severity)},
            "options": {code: dict(self.options[code]) for code in sorted(self.options)},
            "fail-on": self.fail_on.label,
            "per-file-ignores": {pattern: sorted(found) for pattern, found in self.per_file_ignores},
            "exclude": list(self.exclude),
            "limits": {key: getattr(self.limits, name) for key, name in Limits.keys().items()},
            "diagram-stages": self.diagram_stages,
            "docs-url": self.docs_url,
            # Only when asked for, so that the settings of a check without it read as they always have.
            **({"simulate": True} if self.simulate else {}),
        }


def _rules() -> dict[str, Rule]:
    return {rule.code.code: rule for rule in all_rules()}


def _selectable() -> list[str]:
    return sorted([*_rules(), *SELECTABLE_SYN])


def _suggest(word: str, candidates: Iterable[str]) -> str:
    match = closest(word, candidates)
    return f"; did you mean `{match}`?" if match else ""


def expand(selector: str, where: str) -> set[str]:
    """The codes ``selector`` names: a code, a kebab-case name, a prefix, or ``ALL``."""
    if not isinstance(selector, str):
        raise ConfigError(f"{where}: expected a rule code or name, found {selector!r}")
    selectable = _selectable()
    if selector.upper() == "ALL":
        return set(selectable)
    found = codes.lookup(selector)
    if found is not None:
        if found.code.startswith("SYN") and found.code not in SELECTABLE_SYN:
            raise ConfigError(f"{where}: `{selector}` is a language error, which is always reported")
        return {found.code}
    prefix = selector.upper()
    matched = {code for code in selectable if code.startswith(prefix)} if len(prefix) >= 3 else set()
    if matched:
        return matched
    names = [entry.name for entry in codes.all_codes()]
    raise ConfigError(f"{where}: unknown rule `{selector}`{_suggest(selector, [*selectable, *names])}")


def _expand_all(selectors: object, where: str) -> set[str]:
    if isinstance(selectors, str) or not isinstance(selectors, list | tuple):
        raise ConfigError(f'{where}: expected a list of rule codes, e.g. ["CLR", "FLW001"]')
    found: set[str] = set()
    for selector in selectors:
        found |= expand(selector, where)
    return found


def _preset(name: object, where: str) -> set[str]:
    rules = _rules()
    if name == "strict":
        return set(_selectable())
    if name == "correctness":
        return {code for code, rule in rules.items() if rule.code.severity is Severity.ERROR}
    if name == "recommended":
        return {code for code, rule in rules.items() if rule.recommended} | set(SELECTABLE_SYN)
    raise ConfigError(f"{where}: unknown preset {name!r}{_suggest(str(name), PRESETS)}")


def _severity(value: object, where: str) -> Severity:
    labels = [s.label for s in Severity]
    if isinstance(value, str) and value.lower() in labels:
        return Severity.parse(value)
    raise ConfigError(
        f"{where}: unknown severity {value!r}{_suggest(str(value), labels)} (use {', '.join(labels)})"
    )


def read_config(path: Path) -> dict[str, Any]:
    """The wmdsl table of ``path`` (empty when a pyproject.toml has none)."""
    import tomllib  # only a project with a configuration file needs it

    try:
        raw = read_regular(path, CONFIG_LIMIT)
        if len(raw) > CONFIG_LIMIT:
            raise ConfigError(f"{path}: cannot read configuration: larger than {CONFIG_LIMIT} bytes")
        data = tomllib.loads(raw.decode("utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        reason = (error.strerror if isinstance(error, OSError) else None) or str(error)
        raise ConfigError(f"{path}: cannot read configuration: {reason}") from error
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: invalid TOML: {error}") from error
    if path.name == "pyproject.toml":
        table = data.get("tool", {}).get("wmdsl", {})
        return table if isinstance(table, dict) else {}
    return data


def find_config(folder: Path) -> Path | None:
    """The nearest configuration file at or above ``folder`` that configures wmdsl."""
    for candidate_folder in [folder, *folder.parents]:
        for name in CONFIG_FILES:
            candidate = candidate_folder / name
            if candidate.is_file():
                _confined(candidate)
                if name == "wmdsl.toml" or _has_wmdsl_table(candidate):
                    return candidate
    return None


def _confined(candidate: Path) -> None:
    """Refuse a configuration file found by searching that is a link out of its own folder.

    Like a spec, a configuration found in the tree was written by whoever
    wrote the tree: it is read only where it lies (its messages may quote
    values). A file named with ``--config`` comes from the command line and
    is read wherever it leads.
    """
    real = Path(os.path.realpath(candidate))
    folder = Path(os.path.realpath(candidate.parent))
    if not real.is_relative_to(folder) or ".git" in real.relative_to(folder).parts:
        raise ConfigError(
            f"{candidate}: a link to a file outside its folder is not read as configuration; "
            "copy the file here, or name it with --config"
        )


def _has_wmdsl_table(pyproject: Path) -> bool:
    try:
        return bool(read_config(pyproject))
    except ConfigError:
        return True  # let the real read report the problem


def _check_keys(table: Mapping[str, Any], where: str) -> None:
    for key in table:
        if key not in KEYS:
            raise ConfigError(f"{where}: unknown key `{key}`{_suggest(key, KEYS)}")


def _options(table: object, where: str) -> dict[str, dict[str, OptionValue]]:
    if not isinstance(table, Mapping):
        raise ConfigError(f"{where}.options: expected a table such as [tool.wmdsl.options.FLW009]")
    rules = _rules()
    result: dict[str, dict[str, OptionValue]] = {}
    for selector, values in table.items():
        matched = expand(selector, f"{where}.options")
        if len(matched) != 1:
            raise ConfigError(f"{where}.options: `{selector}` names several rules; give one code or name")
        code = next(iter(matched))
        rule = rules.get(code)
        known = {option.name: option for option in rule.options} if rule else {}
        if not isinstance(values, Mapping):
            raise ConfigError(f"{where}.options.{selector}: expected a table of option values")
        for name, value in values.items():
            option = known.get(name)
            if option is None:
                listed = ", ".join(known) or "none"
                raise ConfigError(
                    f"{where}.options.{selector}: unknown option `{name}`{_suggest(name, known)} "
                    f"(options of {code}: {listed})"
                )
            if not option.accepts(value):
                raise ConfigError(
                    f"{where}.options.{selector}.{name}: expected {option.kind.__name__}, found {value!r}"
                )
            result.setdefault(code, {})[name] = option.kind(value)
    return result


def _where(path: Path) -> str:
    from wmdsl.project.specs import display_path

    return display_path(path.resolve()) + (" [tool.wmdsl]" if path.name == "pyproject.toml" else "")


def resolve(table: Mapping[str, Any], overrides: Overrides, source: Path | None) -> Settings:
    """Combine a configuration table and overrides into :class:`Settings`."""
    where = _where(source) if source else "settings"
    preset_name = overrides.preset or table.get("preset", "recommended")
    enabled = _preset(preset_name, where)
    if "select" in table:
        enabled = _expand_all(table["select"], f"{where}: select")
    enabled |= _expand_all(table.get("extend-select", []), f"{where}: extend-select")
    enabled -= _expand_all(table.get("ignore", []), f"{where}: ignore")
    if overrides.select is not None:
        enabled = _expand_all(list(overrides.select), "--select")
    enabled |= _expand_all(list(overrides.extend_select), "--extend-select")
    enabled -= _expand_all(list(overrides.ignore), "--ignore")
    severity: dict[str, Severity] = {}
    for layer, label in (
        (table.get("severity", {}), f"{where}: severity"),
        (overrides.severity, "--severity"),
    ):
        if not isinstance(layer, Mapping):
            raise ConfigError(f'{label}: expected a table such as {{ FLW005 = "error" }}')
        for selector, value in layer.items():
            for code in expand(selector, label):
                severity[code] = _severity(value, label)
    options = {code: rule.defaults() for code, rule in _rules().items() if rule.options}
    for layer, label in ((table.get("options", {}), where), (overrides.options, "--option")):
        for code, values in _options(layer, label).items():
            options[code] = {**options.get(code, {}), **values}
    fail_on = _severity(overrides.fail_on or table.get("fail-on", "error"), f"{where}: fail-on")
    return Settings(
        enabled=frozenset(enabled),
        severity=severity,
        options=options,
        fail_on=fail_on,
        per_file_ignores=_per_file_ignores(table.get("per-file-ignores", {}), where),
        exclude=tuple(_strings(table.get("exclude", []), f"{where}: exclude")),
        preset=str(preset_name),
        source=source,
        limits=_limits(table.get("limits", {}), where),
        diagram_stages=_diagram_stages(table.get("diagram-stages", DIAGRAM_STAGES), where),
        docs_url=_docs_url(table.get("docs-url"), where),
        simulate=overrides.simulate,
    )


def _diagram_stages(value: object, where: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise ConfigError(f"{where}: diagram-stages: expected a whole number of at least 1, found {value!r}")
    return value


def _docs_url(value: object, where: str) -> str:
    """The site the links point at: ``WMDSL_DOCS_URL``, else ``docs-url``, else the project's site."""
    try:
        return docs_url(None if value is None else checked_docs_url(value, f"{where}: docs-url"))
    except DocsUrlError as error:
        raise ConfigError(str(error)) from error


def _limits(table: object, where: str) -> Limits:
    if not isinstance(table, Mapping):
        raise ConfigError(f"{where}: limits: expected a table such as [limits] max-depth = 64")
    keys = Limits.keys()
    values: dict[str, int] = {}
    for key, value in table.items():
        if key not in keys:
            raise ConfigError(f"{where}: limits: unknown key `{key}`{_suggest(key, keys)}")
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise ConfigError(
                f"{where}: limits.{key}: expected a whole number of at least 1, found {value!r}"
            )
        values[keys[key]] = value
    return Limits(**values)


def _strings(value: object, where: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ConfigError(f"{where}: expected a list of strings")
    return value


def _per_file_ignores(table: object, where: str) -> tuple[tuple[str, frozenset[str]], ...]:
    if not isinstance(table, Mapping):
        raise ConfigError(f"{where}: per-file-ignores: expected a table of glob = [codes]")
    return tuple(
        (pattern, frozenset(_expand_all(selectors, f"{where}: per-file-ignores.{pattern}")))
        for pattern, selectors in sorted(table.items())
    )


class Configurations:
    """What one run learns of the configuration files: which applies to each
    folder, what each holds, and the settings each gives with each set of overrides.

    One is made per run and passed down, so two runs (two API calls, or the
    checks of an editor session) never share what they found: a file edited
    between them is read again.
    """

    def __init__(self) -> None:
        self.folders: dict[Path, Path | None] = {}
        self.tables: dict[Path, dict[str, Any]] = {}
        self.resolved: dict[tuple[Path | None, str], Settings] = {}
        # Settings by folder and overrides (kept beside them, so their id is not reused).
        self.by_folder: dict[tuple[str, int], tuple[Overrides, Settings]] = {}

    def settings_for(self, file: Path, overrides: Overrides | None = None) -> Settings:
        """The effective settings for ``file`` (once per folder: a tree of specs asks for each)."""
        overrides = overrides or Overrides()
        # Where the file lies, links not followed: as for its project root.
        folder = os.path.dirname(os.path.abspath(file))
        found = self.by_folder.get((folder, id(overrides)))
        if found is None:
            found = self.by_folder[(folder, id(overrides))] = (overrides, self._settings(folder, overrides))
        return found[1]

    def _settings(self, folder: str, overrides: Overrides) -> Settings:
        if overrides.isolated:
            source = None
        elif overrides.config is not None:
            source = overrides.config
        else:
            source = self.config_of(Path(folder))
        key = (source, repr(overrides))
        if key not in self.resolved:
            self.resolved[key] = resolve(self.table(source), overrides, source)
        return self.resolved[key]

    def config_of(self, folder: Path) -> Path | None:
        """The configuration file that applies to files in ``folder``."""
        if folder not in self.folders:
            self.folders[folder] = find_config(folder)
        return self.folders[folder]

    def table(self, path: Path | None) -> dict[str, Any]:
        """The checked wmdsl table of the configuration file ``path`` (empty for none)."""
        if path is None:
            return {}
        if path not in self.tables:
            table = read_config(path)
            _check_keys(table, _where(path))
            self.tables[path] = table
        return self.tables[path]


def settings_for(file: Path, overrides: Overrides | None = None) -> Settings:
    """The effective settings for ``file``, read afresh."""
    return Configurations().settings_for(file, overrides)
