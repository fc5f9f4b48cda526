"""The commands that describe the language: ``rules``, ``rule`` and ``schema``."""

from __future__ import annotations

from pathlib import Path

import click

from wmdsl.commands import complete


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print the rules as JSON.")
def rules(as_json: bool) -> None:
    """List every code: code, name, default severity and summary."""
    from wmdsl.diagnostics import codes

    if as_json:
        import json

        site = _site()
        click.echo(json.dumps([_rule_data(entry.code, site) for entry in codes.all_codes()], indent=2))
        return
    for entry in codes.all_codes():
        click.echo(f"{entry.code}  {entry.name:<34} {entry.severity.label:<8} {entry.summary}")


def _site() -> str:
    """The documentation site the configuration of this folder names (``docs-url``, WMDSL_DOCS_URL)."""
    from wmdsl.commands.shared import ConfigFailure
    from wmdsl.project.settings import ConfigError, settings_for

    try:
        return settings_for(Path("wmdsl.toml")).docs_url
    except ConfigError as error:
        raise ConfigFailure(str(error)) from error


def _rule_data(code: str, site: str) -> dict[str, object]:
    from wmdsl.diagnostics import codes
    from wmdsl.rules import all_rules
    from wmdsl.rules.docs import help_uri

    entry = codes.lookup(code)
    assert entry is not None
    rule = next((r for r in all_rules() if r.code.code == code), None)
    return {
        "code": entry.code,
        "name": entry.name,
        "principle": entry.family.title,
        "severity": entry.severity.label,
        "summary": entry.summary,
        "rationale": rule.rationale if rule else None,
        "recommended": rule.recommended if rule else True,
        "options": [
            {"name": o.name, "type": o.kind.__name__, "default": o.default, "help": o.help}
            for o in (rule.options if rule else ())
        ],
        "url": help_uri(entry.code, site),
    }


@click.command()
@click.argument("code", shell_complete=complete.rule)
def rule(code: str) -> None:
    """Explain one rule: CODE is a code (FLW003) or a name (trap-loop)."""
    from wmdsl.diagnostics import codes
    from wmdsl.rules import all_rules
    from wmdsl.rules.docs import rule_markdown

    entry = codes.lookup(code)
    if entry is None:
        known = [c.code for c in codes.all_codes()] + [c.name for c in codes.all_codes()]
        from wmdsl.resolve.sink import closest

        close = closest(code, known)
        raise click.UsageError(f"unknown rule {code!r}" + (f"; did you mean {close!r}?" if close else ""))
    found = next((r for r in all_rules() if r.code.code == entry.code), None)
    if found is None:
        click.echo(f"# {entry.code} `{entry.name}`\n\n{entry.summary}\n\nA language error: always reported.")
        return
    click.echo(rule_markdown(found), nl=False)


@click.command()
def schema() -> None:
    """Print the JSON Schema of the compiled model (what `render --to json` emits)."""
    import json

    from wmdsl import api

    click.echo(json.dumps(api.json_schema(), indent=2, sort_keys=True))
