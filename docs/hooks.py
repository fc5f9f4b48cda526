"""MkDocs hooks that make the documentation site from the files people read on GitHub.

The pages stay where they are written and read in the repository: the
guides in ``docs/``, the README as the home page, ``CHANGELOG.md``, and the
rule pages that ``python -m wmdsl.rules.docs rules/`` generates into
``rules/`` (the one copy of them; a test keeps them equal to the registry).
This hook adds the pages outside ``docs/`` to the site as they are, lists the
rule pages in the navigation by principle, publishes the JSON Schema of this
version, and rewrites the links that work in the repository (``../rules/``,
``docs/views.md``, ``../bench/README.md``) to where the page is on the site,
or to the file on GitHub when the site has no page for it.

The site's address and the repository's come from :mod:`wmdsl.links`, so the
site is built for the same base URL the SARIF ``helpUri`` and the language
server's links point at (``WMDSL_DOCS_URL`` builds it for another).
"""

from __future__ import annotations

import json
import posixpath
import re
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from wmdsl import SCHEMA_VERSION
from wmdsl.diagnostics.codes import Family
from wmdsl.links import REPOSITORY_URL, docs_url

ROOT = Path(__file__).resolve().parent.parent
# Pages kept outside docs/: their place on the site → their file in the repository.
OUTSIDE = {"index.md": "README.md", "changelog.md": "CHANGELOG.md"}
RULES = "rules"
# An inline link or image: ](target) or ](target "title").
LINK = re.compile(r"(\]\()(<[^>]*>|[^)\s]+)((?:\s+\"[^\"]*\")?\))")
SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
# A code fence: three or more backticks (whose info string holds none) or tildes.
# A code span: in a table GitHub needs `a\|b` where Python-Markdown, which keeps
# a code span's pipes in its cell, shows the backslash.
CODE_SPAN = re.compile(r"`[^`\n]*`")
FENCE = re.compile(r"^\s*(`{3,}(?=[^`]*$)|~{3,})")

# Where each page of the site comes from in the repository (filled by on_files).
_sources: dict[str, str] = {}


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    """The site's and the repository's addresses from wmdsl.links; the rule pages in the navigation."""
    config.site_url = docs_url()
    config.repo_url = REPOSITORY_URL
    config.repo_name = REPOSITORY_URL.removeprefix("https://github.com/")
    config.nav = _with_rules(config.nav or [])
    return config


def _with_rules(nav: list[Any]) -> list[Any]:
    """``Rules: rules/README.md`` in the navigation becomes the index and every rule page, by principle."""
    pages = sorted(path.name for path in (ROOT / RULES).glob("*.md") if path.name != "README.md")
    expanded: list[Any] = []
    for item in nav:
        if isinstance(item, dict) and item.get("Rules") == f"{RULES}/README.md":
            sections: list[Any] = [{"All rules": f"{RULES}/README.md"}]
            for family in Family:
                members = [f"{RULES}/{name}" for name in pages if name.startswith(family.name)]
                if members:
                    sections.append({f"{family.name}: {family.title}": members})
            expanded.append({"Rules": sections})
        else:
            expanded.append(item)
    return expanded


def on_files(files: Files, config: MkDocsConfig) -> Files:
    """Add the README, the changelog, the rule pages and this version's JSON Schema."""
    _sources.clear()
    for file in files:
        _sources[file.src_uri] = f"docs/{file.src_uri}"
    for site, repository in OUTSIDE.items():
        _add(files, config, site, repository)
    for path in sorted((ROOT / RULES).glob("*.md")):
        _add(files, config, f"{RULES}/{path.name}", f"{RULES}/{path.name}")
    from wmdsl import api

    schema = json.dumps(api.json_schema(), indent=2, sort_keys=True) + "\n"
    files.append(File.generated(config, f"schema/{SCHEMA_VERSION}/document.json", content=schema))
    return files


def _add(files: Files, config: MkDocsConfig, site: str, repository: str) -> None:
    source = ROOT / repository
    files.append(File.generated(config, site, abs_src_path=str(source)))
    _sources[site] = repository


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    """Links written for the repository, rewritten for the site (fenced code left as it is)."""
    source = _sources.get(page.file.src_uri, f"docs/{page.file.src_uri}")
    lines = []
    fence = ""  # the fence of the open code block, if any
    for line in markdown.split("\n"):
        found = FENCE.match(line)
        if found and not fence:
            fence = found[1]
        elif found and found[1].startswith(fence) and not line.strip().strip(fence[0]):
            fence = ""
        elif not fence:
            line = LINK.sub(lambda m: m[1] + _rewritten(m[2], source, page.file.src_uri) + m[3], line)
            if line.lstrip().startswith("|"):
                line = CODE_SPAN.sub(lambda m: m[0].replace("\\|", "|"), line)
        lines.append(line)
    return "\n".join(lines)


def _rewritten(target: str, source: str, site: str) -> str:
    """``target`` as written in the repository file ``source``, for its page at ``site``."""
    bare = target.strip("<>")
    if not bare or bare.startswith(("#", "/")) or SCHEME.match(bare):
        return target
    path, hash_, fragment = bare.partition("#")
    in_repository = posixpath.normpath(posixpath.join(posixpath.dirname(source), path))
    if in_repository.startswith("../"):
        return target  # outside the repository: left for the build to report
    on_site = _site_path(in_repository)
    if on_site is None:
        kind = "tree" if (ROOT / in_repository).is_dir() else "blob"
        return f"{REPOSITORY_URL}/{kind}/main/{in_repository}{hash_}{fragment}"
    # Both from the site's root, so that relpath never looks at the working folder.
    return posixpath.relpath("/" + on_site, "/" + posixpath.dirname(site)) + hash_ + fragment


def _site_path(repository: str) -> str | None:
    """Where the repository file ``repository`` is on the site, or None when it is not."""
    for site, source in _sources.items():
        if source == repository:
            return site
    if repository.startswith("docs/") and not repository.endswith(".py"):
        return repository.removeprefix("docs/")  # an image or another file copied as it is
    return None
