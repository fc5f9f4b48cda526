"""Diagnostic codes: data that registers itself when defined.

Every code has a stable identifier (``CLR001``), a kebab-case name
(``orphaned-lane``) usable anywhere a code is, a family (the ``SYN`` language
family or one of the 7 Principles of Work Management), a default severity and
a one-line summary. Rules (``wmdsl.rules``) attach checks and documentation to
the codes of the principle families; ``SYN`` codes are raised by the compiler
front end itself.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from wmdsl.diagnostics import Severity


class Family(enum.Enum):
    """A code prefix and what it stands for."""

    SYN = "Language"
    CLR = "Clarity over Chaos"
    SYS = "Systems over Silos"
    FLW = "Flow over Friction"
    VIS = "Visibility over Assumption"
    ADP = "Adaptability over Rigidity"
    PRG = "Progress over Perfection"
    HUM = "Humanity over Tools"

    @property
    def title(self) -> str:
        """The principle (or ``Language``) this family stands for."""
        return self.value


@dataclass(frozen=True, slots=True)
class Code:
    """A registered diagnostic code."""

    code: str
    name: str
    severity: Severity
    summary: str

    @property
    def family(self) -> Family:
        """The family named by the code's three-letter prefix."""
        return Family[self.code[:3]]


_BY_CODE: dict[str, Code] = {}
_BY_NAME: dict[str, Code] = {}


def define(code: str, name: str, severity: Severity, summary: str) -> Code:
    """Register a code; each code and each name may be defined once."""
    if code in _BY_CODE or name in _BY_NAME:
        raise ValueError(f"diagnostic code {code} ({name}) defined twice")
    entry = Code(code, name, severity, summary)
    _BY_CODE[code] = entry
    _BY_NAME[name] = entry
    return entry


def lookup(code_or_name: str) -> Code | None:
    """The code registered as ``code_or_name`` (a code like ``CLR001`` or a name)."""
    return _BY_CODE.get(code_or_name.upper()) or _BY_NAME.get(code_or_name.lower())


def all_codes() -> list[Code]:
    """Every registered code, sorted by code."""
    _load_rules()
    return sorted(_BY_CODE.values(), key=lambda c: c.code)


def _load_rules() -> None:
    # Rule modules define their codes on import; importing the package is
    # what makes the registry complete.
    import wmdsl.rules  # noqa: F401


E, W = Severity.ERROR, Severity.WARNING

SYNTAX = define("SYN001", "syntax-error", E, "The text is not valid wmdsl syntax.")
UNKNOWN_NAME = define("SYN002", "unknown-name", E, "A name is used but never declared.")
DUPLICATE = define("SYN003", "duplicate-definition", E, "A name is declared twice.")
WRONG_KIND = define("SYN004", "wrong-kind", E, "A name refers to an element of the wrong kind.")
BAD_VALUE = define("SYN005", "invalid-value", E, "A value is malformed or out of range.")
CHANCES = define("SYN006", "chances-over-100", E, "The chances of handoffs out of one node add up past 100%.")
UNKNOWN_KEYWORD = define(
    "SYN007", "unknown-keyword", E, "A keyword is unknown or not allowed where it is written."
)
BAD_ARGUMENTS = define(
    "SYN008", "invalid-arguments", E, "A statement has missing, extra or misplaced arguments."
)
IMPORT_NOT_FOUND = define("SYN009", "import-not-found", E, "An imported file does not exist.")
IMPORT_CYCLE = define("SYN010", "import-cycle", E, "Files import each other in a cycle.")
IMPORT_OUTSIDE = define("SYN011", "import-outside-root", E, "An import points outside the project root.")
UNREADABLE = define("SYN012", "unreadable-file", E, "A file cannot be read or is not valid UTF-8 text.")
LIMIT = define(
    "SYN014", "limit-exceeded", E, "An input is larger or deeper than the configured limits allow."
)
UNUSED_ALLOW = define("SYN013", "unused-allow", W, "An `allow` suppresses nothing.")
BIDI_CONTROL = define(
    "SYN015",
    "bidi-control",
    E,
    "A bidirectional control character can make the text display in another order than it is read.",
)
