"""Where wmdsl's documentation site is, and the page of each code on it.

The site (``mkdocs.yml``; docs/versioning.md) has one page per rule and the
language reference with the table of language errors. SARIF's ``helpUri``,
the language server's code links and ``wmdsl rules --json`` point there.

:data:`DOCS_URL` is where the project publishes it. A team that hosts its
own copy (an intranet, a network without the internet) moves every link with
``docs-url`` in its configuration or the ``WMDSL_DOCS_URL`` environment
variable, which wins: a CI job can fix its links whatever the checked tree's
configuration says (a pull request may change that file).

The JSON Schema's ``$id`` always names the project's site: it identifies the
schema, it is not a link a reader follows to a copy.
"""

from __future__ import annotations

import os
from urllib.parse import urlsplit

from wmdsl import SCHEMA_VERSION

#: The documentation site as the project publishes it (GitHub Pages of its repository).
DOCS_URL = "https://wmdsl.github.io/wmdsl/"
#: The environment variable that moves every link to another copy of the site.
DOCS_URL_ENV = "WMDSL_DOCS_URL"
#: The repository, for the pages of the site that name files outside it.
REPOSITORY_URL = "https://github.com/wmdsl/wmdsl"
#: The section of the language reference that lists the language errors (`SYN` codes).
LANGUAGE_ERRORS = "language/#53-codes"


class DocsUrlError(ValueError):
    """A documentation URL that is not a plain http(s) address; the message says where it came from."""


def checked_docs_url(value: object, where: str) -> str:
    """``value`` as a site base URL ending in ``/``, or :class:`DocsUrlError` naming ``where``.

    Only ``http`` and ``https`` with a host are accepted: the URL ends up as
    a link in code scanning, editors and reports, where a ``javascript:`` or
    ``file:`` address would run or open something instead of showing a page.
    """
    if not isinstance(value, str) or not value.strip():
        raise DocsUrlError(f"{where}: expected the URL of the documentation site, e.g. {DOCS_URL!r}")
    text = value.strip()
    if any(ord(c) < 0x21 or ord(c) == 0x7F for c in text):
        raise DocsUrlError(f"{where}: a URL cannot hold spaces or control characters: {value!r}")
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise DocsUrlError(f"{where}: expected an http:// or https:// URL with a host, found {value!r}")
    if parts.query or parts.fragment:
        raise DocsUrlError(f"{where}: the site's base URL takes no query or fragment: {value!r}")
    return text if text.endswith("/") else text + "/"


def docs_url(configured: str | None = None) -> str:
    """The base URL of the site: ``WMDSL_DOCS_URL``, else ``configured``, else :data:`DOCS_URL`."""
    found = os.environ.get(DOCS_URL_ENV)
    if found:
        return checked_docs_url(found, DOCS_URL_ENV)
    return configured or DOCS_URL


def code_url(code: str, base: str | None = None) -> str:
    """The page of ``code`` on the site at ``base`` (default :func:`docs_url`).

    A rule has a page of its own (``rules/CODE/``); a language error points
    at the table of language errors in the language reference.
    """
    root = base if base is not None else docs_url()
    if code.startswith("SYN"):
        return f"{root}{LANGUAGE_ERRORS}"
    return f"{root}rules/{code}/"


def schema_id() -> str:
    """The ``$id`` of the JSON Schema: where the project's site publishes this version of it."""
    return f"{DOCS_URL}schema/{SCHEMA_VERSION}/document.json"
