"""Rule documentation, generated from the registry.

Every page has the same sections — what the rule checks, why it matters (its
principle), a bad example, a better one, and its options — written once in
the rule's ``@rule`` registration. ``python -m wmdsl.rules.docs rules/``
rewrites the pages in ``rules/``; a test keeps them in step with the code.
"""

from __future__ import annotations

import sys
from pathlib import Path

from wmdsl.diagnostics.codes import Family
from wmdsl.links import code_url
from wmdsl.project.files import write_atomic
from wmdsl.rules.registry import Rule, all_rules


def help_uri(code: str, base: str | None = None) -> str:
    """The page of ``code`` on the documentation site at ``base`` (default: the configured one)."""
    return code_url(code, base)


def _toml(value: object) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return str(value)


def _options_table(rule: Rule) -> str:
    if not rule.options:
        return "This rule has no options."
    rows = ["| option | type | default | meaning |", "|---|---|---|---|"]
    for option in rule.options:
        kind, default = option.kind.__name__, _toml(option.default)
        rows.append(f"| `{option.name}` | {kind} | `{default}` | {option.help} |")
    example = rule.options[0]
    rows += [
        "",
        "Set options in `wmdsl.toml` (or under `[tool.wmdsl]` in `pyproject.toml`):",
        "",
        "```toml",
        f"[options.{rule.code.code}]",
        f"{example.name} = {_toml(example.default)}",
        "```",
    ]
    return "\n".join(rows)


def _printed(rule: Rule) -> str:
    """The report of ``rule`` on its bad example, exactly as the text format prints it."""
    from wmdsl import api
    from wmdsl.output.text import format_text
    from wmdsl.project.settings import Overrides

    overrides = Overrides(select=(rule.code.code,), isolated=True)
    report = api.check_text(rule.bad + "\n", path="example.wm", overrides=overrides)
    return format_text(report, color=False).rstrip("\n")


def rule_markdown(rule: Rule) -> str:
    """The documentation page of ``rule`` (Markdown)."""
    code = rule.code
    preset = "yes" if rule.recommended else "no (enable it with `select` or the `strict` preset)"
    principle = code.family.title
    parts = [
        f"# {code.code} `{code.name}`",
        "",
        f"- **Principle:** {principle}",
        f"- **Default severity:** {code.severity.label}",
        f"- **In the recommended preset:** {preset}",
        "- **Fixed by `wmdsl check --fix`:** no: what to change is a decision about the work, "
        "so the hint says it and people make it",
        *(
            [f"- **Told once per workflow:** several findings are reported as one ({rule.group.what})"]
            if rule.group is not None
            else []
        ),
        "",
        "## What it checks",
        "",
        code.summary,
        "",
        "## Why it matters",
        "",
        f"*{principle}.* {rule.rationale}",
        "",
        "## Bad example",
        "",
        "```wm",
        rule.bad,
        "```",
        "",
        "What `wmdsl check` prints for it:",
        "",
        "```text",
        _printed(rule),
        "```",
        "",
        "## Better",
        "",
        "```wm",
        rule.good,
        "```",
        "",
        "## Options",
        "",
        _options_table(rule),
        "",
        "## Suppressing it",
        "",
        f'Write `allow {code.code} "why this is acceptable"` in the block of the element the finding '
        "is about, or in the workflow block to cover the whole workflow; or turn the rule off with "
        f'`ignore = ["{code.code}"]` in the configuration.',
        "",
    ]
    return "\n".join(parts)


def index_markdown(rules: list[Rule]) -> str:
    """The index page: every rule by principle."""
    lines = [
        "# wmdsl rules",
        "",
        "Generated from the rule registry: `python -m wmdsl.rules.docs rules/`.",
        "",
    ]
    for family in Family:
        members = [r.code for r in rules if r.code.family is family]
        if not members:
            continue
        lines += [f"## {family.name}: {family.title}", ""]
        lines += ["| code | name | severity | summary |", "|---|---|---|---|"]
        for code in members:
            link = f"[{code.code}]({code.code}.md)"
            lines.append(f"| {link} | `{code.name}` | {code.severity.label} | {code.summary} |")
        lines.append("")
    return "\n".join(lines)


def pages() -> dict[str, str]:
    """Every page: file name → Markdown."""
    rules = all_rules()
    result = {f"{rule.code.code}.md": rule_markdown(rule) for rule in rules}
    result["README.md"] = index_markdown(rules)
    return result


def main(argv: list[str]) -> int:
    """Write the pages into the folder named by ``argv[0]`` (default ``rules``)."""
    folder = Path(argv[0] if argv else "rules")
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in pages().items():
        write_atomic(folder / name, text)
    print(f"wrote {len(pages())} pages to {folder}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
