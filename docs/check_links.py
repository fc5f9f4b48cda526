"""Check every link inside a built documentation site: ``python docs/check_links.py site [BASE_URL]``.

MkDocs' strict build checks the links written in the Markdown; this reads
the HTML it wrote, with the theme's navigation, the search page and the
links the hooks rewrote: every ``href`` and ``src`` that stays on the site
(relative, or under BASE_URL, the site's own address) must name a file of the
build, and a ``#fragment`` an ``id`` on that page. Links to other hosts are
not followed (CI has no network). Prints each broken link with the page it is
on and exits 1 if there is one.
"""

from __future__ import annotations

import sys
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

# Attributes that hold a link, by tag (a, link: href; img, script, source, iframe: src).
LINKING = {"href", "src"}


class _Page(HTMLParser):
    """The ids and the links of one HTML page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value is None:
                continue
            if name == "id" or (tag == "a" and name == "name"):
                self.ids.add(value)
            elif name in LINKING:
                self.links.append(value)


def _read(page: Path) -> _Page:
    parsed = _Page()
    parsed.feed(page.read_text(encoding="utf-8"))
    return parsed


def _target(site: Path, page: Path, link: str, base: str) -> tuple[Path, str] | None:
    """The file and fragment ``link`` on ``page`` names in ``site``, or None when it leaves the site."""
    relative_to = PurePosixPath("/") / page.parent.relative_to(site).as_posix()
    if base and link.startswith(base):  # the site's own address (canonical links): from its root
        link = link[len(base) :] or "./"
        relative_to = PurePosixPath("/")
    parts = urlsplit(link)
    if parts.scheme or parts.netloc:
        return None  # another host, mailto:, data: …: not this site's to check
    path = unquote(parts.path)
    if not path:
        return page, parts.fragment
    if path.startswith("/"):
        # A path from the host's root (the 404 page's links) starts with the site's own path.
        root = urlsplit(base).path or "/"
        if not path.startswith(root):
            return site / "..", parts.fragment  # outside the site: broken
        resolved = PurePosixPath("/" + path[len(root) :])
    else:
        resolved = relative_to / path
    # Collapse ./ and ../ without leaving the site's root.
    stack: list[str] = []
    for part in resolved.parts[1:]:
        if part == "..":
            if not stack:
                return site / "..", parts.fragment  # above the root: broken
            stack.pop()
        elif part not in (".", ""):
            stack.append(part)
    target = site.joinpath(*stack)
    if path.endswith("/") or target.is_dir():
        target = target / "index.html"
    return target, parts.fragment


def broken_links(site: Path, base: str = "") -> list[str]:
    """Every link of ``site`` (a built site's folder) that names a missing file or anchor."""
    site = site.resolve()
    pages = {page: _read(page) for page in sorted(site.rglob("*.html"))}
    problems = []
    for page, parsed in pages.items():
        shown = page.relative_to(site).as_posix()
        for link in parsed.links:
            found = _target(site, page, link, base)
            if found is None:
                continue
            target, fragment = found
            if not target.is_file():
                problems.append(f"{shown}: {link}: no such page or file")
            elif fragment and target.suffix == ".html":
                ids = pages[target].ids if target in pages else _read(target).ids
                if unquote(fragment) not in ids:
                    problems.append(f"{shown}: {link}: no anchor #{fragment} on that page")
    return problems


def main(argv: list[str]) -> int:
    if not argv or len(argv) > 2:
        print("usage: python docs/check_links.py SITE_FOLDER [BASE_URL]", file=sys.stderr)
        return 2
    site = Path(argv[0])
    if not (site / "index.html").is_file():
        print(f"{site}: not a built site (no index.html)", file=sys.stderr)
        return 2
    problems = broken_links(site, argv[1] if len(argv) > 1 else "")
    for problem in problems:
        print(problem)
    pages = sum(1 for _ in site.rglob("*.html"))
    print(f"{len(problems)} broken link{'s' if len(problems) != 1 else ''} in {pages} pages")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
