"""Shell completion: ``wmdsl completion SHELL`` and what the shells are offered.

click carries the protocol: the script ``wmdsl completion bash`` prints runs
``wmdsl`` again with ``_WMDSL_COMPLETE=bash_complete`` and the words typed so
far, and click answers from the commands, their options and the choices of
``click.Choice`` options (``--format``, ``--preset``, ``--theme`` …). The
functions here answer for the values click cannot know by itself: rule codes
and names, the formats of ``render --to``, and view names.

Each imports what it reads only when the shell asks, so that no command
pays for completion at start-up.
"""

from __future__ import annotations

from pathlib import Path

import click
from click.shell_completion import CompletionItem, get_completion_class

#: The environment variable of the completion protocol (given to click explicitly, so that
#: ``python -m wmdsl`` answers under the same name as the console script).
COMPLETE_VAR = "_WMDSL_COMPLETE"
SHELLS = ("bash", "zsh", "fish")


def _matching(incomplete: str, candidates: list[tuple[str, str]]) -> list[CompletionItem]:
    """The candidates (value, help) that start with ``incomplete``, case aside."""
    start = incomplete.casefold()
    return [
        CompletionItem(value, help=help_) for value, help_ in candidates if value.casefold().startswith(start)
    ]


def _rules(with_prefixes: bool) -> list[tuple[str, str]]:
    """Every code, then every name; with the family prefixes and ``ALL`` for a selection."""
    from wmdsl.diagnostics import codes

    entries = codes.all_codes()
    found = [(entry.code, entry.summary) for entry in entries]
    found += [(entry.name, f"{entry.code}: {entry.summary}") for entry in entries]
    if with_prefixes:
        families = sorted({(entry.code[:3], entry.family.title) for entry in entries})
        found = [("ALL", "every rule"), *families, *found]
    return found


def rule(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[CompletionItem]:
    """``wmdsl rule <TAB>``: codes and names."""
    return _matching(incomplete, _rules(with_prefixes=False))


def rule_list(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[CompletionItem]:
    """``--select``, ``--extend-select``, ``--ignore``: the last of a comma-separated list."""
    head, comma, last = incomplete.rpartition(",")
    given = head + comma
    return [
        CompletionItem(given + item.value, help=item.help)
        for item in _matching(last, _rules(with_prefixes=True))
    ]


def render_format(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[CompletionItem]:
    """``render --to``: the registered renderers."""
    from wmdsl.render import RENDERERS

    return _matching(incomplete, [(name, r.description) for name, r in RENDERERS.items()])


def view(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[CompletionItem]:
    """``render --view``: the views every spec has, and ``lane:NAME`` for the lanes of the specs named."""
    from wmdsl.views import VIEWS

    candidates = [(name, "view") for name in VIEWS]
    # While the option's value is being typed, click leaves the words before it unparsed in ctx.args.
    named = ctx.params.get("paths") or tuple(ctx.args)
    candidates += [(f"lane:{lane}", "a lane's view") for lane in _lanes(named)]
    if not any(value.startswith("lane:") for value, _ in candidates):
        candidates.append(("lane:", "a lane's view: lane:NAME"))
    return _matching(incomplete, candidates)


def _lanes(paths: object) -> list[str]:
    """The lanes in use in the spec files already on the command line (none when one does not compile).

    Only files are read (a folder could hold any number of specs, and a
    completion must answer at once), and nothing is reported: a spec with
    mistakes just offers no lane names.
    """
    if not isinstance(paths, tuple | list):
        return []
    files = [Path(p) for p in paths if Path(p).suffix == ".wm" and Path(p).is_file()][:8]
    if not files:
        return []
    try:
        from wmdsl import api
        from wmdsl.views import lanes

        found: set[str] = set()
        for file in files:
            found.update(lanes(api.load(file)))
    except Exception:  # any mistake in a half-written spec: offer the fixed names only
        return []
    return sorted(found)


@click.command("completion")
@click.argument("shell", type=click.Choice(SHELLS))
def completion(shell: str) -> None:
    """Print the completion script for SHELL (bash, zsh or fish).

    It completes commands, options, formats, views, and rule codes and names
    (`wmdsl rule <TAB>`, `--select`, `--ignore`). Load it once per shell:

    \b
      bash:  eval "$(wmdsl completion bash)"  # in ~/.bashrc
      zsh:   eval "$(wmdsl completion zsh)"   # in ~/.zshrc
      fish:  wmdsl completion fish > ~/.config/fish/completions/wmdsl.fish
    """
    context = click.get_current_context()
    group = context.find_root().command
    script = get_completion_class(shell)
    assert script is not None  # the three shells click ships
    click.echo(script(group, {}, "wmdsl", COMPLETE_VAR).source())
