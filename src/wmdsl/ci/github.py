"""Post what a pull request changes in how work flows, as one comment kept up to date.

Run as ``python -m wmdsl.ci.github`` by the GitHub Action (``action.yml``),
in a checkout of the repository, with the variables the runner sets:
``GITHUB_EVENT_PATH`` (the ``pull_request`` event), ``GITHUB_REPOSITORY``,
``GITHUB_API_URL`` and ``GITHUB_TOKEN``. It reads the pull request's number
and commits from the event, runs ``wmdsl diff --git BASE..HEAD --format
markdown`` on them, and creates its comment or, when one is there already,
edits it: the comment starts with a hidden marker (:data:`MARKER`) and was
written by the account the token belongs to (``github-actions[bot]`` for the
job's own token), so each run replaces the last instead of adding another.

Only the standard library talks to GitHub (``urllib``), so the Action needs
nothing beyond wmdsl. The token is sent in a header that is never passed on to
another host (redirects are not followed, and a next page is followed only on
the API's own host), and never printed: every message goes through
:func:`_say`, which blanks it out should it ever appear.

Exit status: 0 when the comment was written, or when the event is not a pull
request (nothing to do); 1 when git, the diff or GitHub failed; 2 when the
environment is wrong (no token, no event, an event that is not what GitHub
sends).
"""

from __future__ import annotations

import argparse
import ipaddress
import json
import os
import re
import shlex
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from wmdsl import __version__
from wmdsl.output.safe import for_markdown, for_terminal

MARKER = "<!-- wmdsl-diff -->"
DEFAULT_AUTHOR = "github-actions[bot]"
# GitHub refuses a comment longer than 65 536 characters; leave room for the note.
COMMENT_LIMIT = 65_000
PAGE_SIZE = 100
# A pull request with more comments than this is not searched further (a new comment is posted).
MAX_PAGES = 100
TIMEOUT = 30.0

EXIT_FAILED = 1
EXIT_USAGE = 2

_REPOSITORY = re.compile(r"[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+")
# SHA-1 or SHA-256 object names, as the event gives them: validated before
# they reach git, so that nothing in an event can pass for an option.
_SHA = re.compile(r"[0-9a-f]{40}(?:[0-9a-f]{24})?")
_NEXT = re.compile(r'<([^>]*)>\s*;\s*rel="?next"?')


class Failure(Exception):
    """What went wrong, said plainly; ``status`` is the exit status it leads to."""

    def __init__(self, message: str, status: int = EXIT_FAILED) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True, slots=True)
class PullRequest:
    """The pull request an event is about."""

    number: int
    base: str
    head: str


def pull_request(event_path: Path) -> PullRequest | None:
    """The pull request of the event in ``event_path``; None for an event of anything else."""
    try:
        event = json.loads(event_path.read_bytes())
    except OSError as error:
        raise Failure(
            f"cannot read the event file {event_path}: {error.strerror or error}", EXIT_USAGE
        ) from None
    except ValueError as error:
        raise Failure(f"the event file {event_path} is not JSON: {error}", EXIT_USAGE) from None
    pull = event.get("pull_request") if isinstance(event, dict) else None
    if pull is None:
        return None
    number = pull.get("number") if isinstance(pull, dict) else None
    if not isinstance(number, int) or isinstance(number, bool) or number < 1:
        raise Failure(f"the event file {event_path} has no pull request number", EXIT_USAGE)
    shas = []
    for side in ("base", "head"):
        ref = pull.get(side)
        sha = ref.get("sha") if isinstance(ref, dict) else None
        if not isinstance(sha, str) or not _SHA.fullmatch(sha):
            raise Failure(
                f"the event file {event_path} has no commit for the pull request's {side}", EXIT_USAGE
            )
        shas.append(sha)
    return PullRequest(number=number, base=shas[0], head=shas[1])


def api_root(url: str) -> str:
    """The API's address without a trailing slash; https, or http to this machine only.

    The token goes with every request, so it is never sent in the clear to
    another machine.
    """
    parts = urllib.parse.urlsplit(url.strip())
    host = parts.hostname or ""
    if parts.scheme == "https" and host:
        return url.strip().rstrip("/")
    if parts.scheme == "http" and _loopback(host):
        return url.strip().rstrip("/")
    raise Failure(f"GITHUB_API_URL must be an https:// address (got {url!r})", EXIT_USAGE)


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect is an error: the token is never sent on to wherever it points."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


class GitHub:
    """The few calls of GitHub's REST API that keep one comment on a pull request."""

    def __init__(self, api_url: str, repository: str, token: str, timeout: float = TIMEOUT) -> None:
        self.root = api_root(api_url)
        if not _REPOSITORY.fullmatch(repository):
            raise Failure(f"GITHUB_REPOSITORY must be OWNER/NAME (got {repository!r})", EXIT_USAGE)
        self.repository = repository
        self._token = token
        self._timeout = timeout
        self._opener = urllib.request.build_opener(_NoRedirects())

    def comments(self, number: int) -> Iterator[dict[str, Any]]:
        """Every comment on pull request ``number``, oldest first, page after page."""
        url: str | None = f"{self.root}/repos/{self.repository}/issues/{number}/comments?per_page={PAGE_SIZE}"
        seen: set[str] = set()
        while url is not None and url not in seen and len(seen) < MAX_PAGES:
            seen.add(url)
            page, link = self._call("GET", url)
            if not isinstance(page, list):
                raise Failure(f"GitHub answered GET {_path(url)} with something other than a list")
            yield from (comment for comment in page if isinstance(comment, dict))
            url = self._next(link)

    def create(self, number: int, body: str) -> dict[str, Any]:
        url = f"{self.root}/repos/{self.repository}/issues/{number}/comments"
        return _object(self._call("POST", url, {"body": body})[0], url)

    def update(self, comment_id: int, body: str) -> dict[str, Any]:
        url = f"{self.root}/repos/{self.repository}/issues/comments/{comment_id}"
        return _object(self._call("PATCH", url, {"body": body})[0], url)

    def _next(self, link: str | None) -> str | None:
        """The next page named in a ``Link`` header, if it is on the API's own host."""
        found = _NEXT.search(link or "")
        if found is None:
            return None
        url = found.group(1)
        if not url.startswith(self.root + "/"):
            raise Failure(f"refusing to follow a next page outside {self.root}: {url}")
        return url

    def _call(self, method: str, url: str, payload: object = None) -> tuple[Any, str | None]:
        data = None if payload is None else json.dumps(payload).encode("utf-8")
        request = urllib.request.Request(url, data=data, method=method)
        request.add_header("Accept", "application/vnd.github+json")
        request.add_header("X-GitHub-Api-Version", "2022-11-28")
        request.add_header("User-Agent", f"wmdsl/{__version__}")
        if data is not None:
            request.add_header("Content-Type", "application/json")
        request.add_unredirected_header("Authorization", f"Bearer {self._token}")
        try:
            with self._opener.open(request, timeout=self._timeout) as response:
                text = response.read()
                link = response.headers.get("Link")
        except urllib.error.HTTPError as error:
            raise Failure(f"GitHub refused {method} {_path(url)}: {_refusal(error)}") from None
        except (urllib.error.URLError, OSError) as error:
            reason = getattr(error, "reason", None) or error
            raise Failure(f"cannot reach the GitHub API at {self.root}: {reason}") from None
        try:
            return json.loads(text), link
        except ValueError:
            raise Failure(f"GitHub answered {method} {_path(url)} with something other than JSON") from None


def _path(url: str) -> str:
    return urllib.parse.urlsplit(url).path


def _object(answer: Any, url: str) -> dict[str, Any]:
    if not isinstance(answer, dict) or not isinstance(answer.get("id"), int):
        raise Failure(f"GitHub answered {_path(url)} without a comment")
    return answer


def _refusal(error: urllib.error.HTTPError) -> str:
    """The status and GitHub's own message, with what usually causes it."""
    said = ""
    try:
        answer = json.loads(error.read(65_536) or b"{}")
        if isinstance(answer, dict) and isinstance(answer.get("message"), str):
            said = f": {answer['message']}"
    except (OSError, ValueError):
        pass
    text = f"{error.code} {error.reason}{said}"
    if error.code in (401, 403, 404):
        text += (
            " (the token needs `pull-requests: write` in the job's `permissions`;"
            " a pull request from a fork gets a read-only token)"
        )
    return text


def find_comment(comments: Iterator[dict[str, Any]], author: str) -> dict[str, Any] | None:
    """The first comment that starts with :data:`MARKER` and was written by ``author``.

    Anyone can write the marker in a comment of their own; only a comment of
    the account that posts ours is taken for ours, so a copy is never edited.
    """
    for comment in comments:
        user = comment.get("user")
        login = user.get("login") if isinstance(user, dict) else None
        body = comment.get("body")
        if login == author and isinstance(body, str) and body.startswith(MARKER):
            return comment
    return None


def comment_body(markdown: str, limit: int = COMMENT_LIMIT) -> str:
    """The comment: the marker, then the diff, cut at a line when it is too long for GitHub."""
    body = for_markdown(f"{MARKER}\n{markdown.strip()}\n")
    if len(body) > limit:
        # Cut at the end of a line, so no escape the line holds is cut in half.
        note = "\n\n*Cut short: GitHub takes no longer comment. `wmdsl diff` on these commits shows all.*\n"
        kept = body[: limit - len(note)]
        body = kept[: kept.rfind("\n") + 1 or len(kept)].rstrip() + note
    return body


# -- git and the diff -----------------------------------------------------------------------------


def _git(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    # A fetch that needs credentials fails rather than asking for them on a terminal.
    environment = {**os.environ, "GIT_TERMINAL_PROMPT": "0"}
    try:
        return subprocess.run(
            ["git", *args],
            cwd=repo,
            env=environment,
            capture_output=True,
            text=True,
            check=False,
            stdin=subprocess.DEVNULL,
        )
    except OSError as error:
        raise Failure(f"cannot run git: {error.strerror or error}") from None


def _present(repo: Path, sha: str) -> bool:
    return _git(repo, "cat-file", "-e", f"{sha}^{{commit}}").returncode == 0


def commits(repo: Path, pull: PullRequest) -> tuple[str, str]:
    """The commits to compare: where the pull request left its base branch, and its head.

    That is the diff GitHub shows under "Files changed". A commit missing from
    a shallow checkout is fetched from ``origin``; without the history between
    them, the base branch's tip stands in for the point where they parted.
    """
    for sha in (pull.base, pull.head):
        if not _present(repo, sha):
            _git(repo, "fetch", "--quiet", "--no-tags", "--depth=1", "origin", sha)
            if not _present(repo, sha):
                raise Failure(
                    f"commit {sha} is not in the checkout at {repo}, and fetching it from origin failed"
                    " (check out with `fetch-depth: 0`)"
                )
    merge_base = _git(repo, "merge-base", pull.base, pull.head)
    found = merge_base.stdout.strip()
    if merge_base.returncode == 0 and _SHA.fullmatch(found):
        return found, pull.head
    _say(
        "note: the history between the base and the head is not in the checkout"
        " (`fetch-depth: 0` brings it); comparing with the base branch's tip"
    )
    return pull.base, pull.head


def run_diff(command: Sequence[str], base: str, head: str, repo: Path) -> str:
    """The Markdown that ``command --git BASE..HEAD --format markdown`` prints in ``repo``."""
    argv = [*command, "--git", f"{base}..{head}", "--format", "markdown"]
    try:
        done = subprocess.run(argv, cwd=repo, capture_output=True, check=False, stdin=subprocess.DEVNULL)
    except OSError as error:
        raise Failure(f"cannot run {shlex.join(command)}: {error.strerror or error}") from None
    if done.returncode != 0:
        said = done.stderr.decode("utf-8", "replace").strip()
        raise Failure(
            f"{shlex.join(command)} failed (exit status {done.returncode})" + (f":\n{said}" if said else "")
        )
    return done.stdout.decode("utf-8", "replace")


# -- the command ------------------------------------------------------------------------------------

_SECRETS: list[str] = []


def _say(message: str, *, error: bool = True) -> None:
    """Print ``message`` for the job's log, with any secret blanked out and nothing a runner would act on."""
    for secret in _SECRETS:
        message = message.replace(secret, "***")
    print(for_terminal(message), file=sys.stderr if error else sys.stdout, flush=True)


def _arguments(argv: Sequence[str] | None, environ: Mapping[str, str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m wmdsl.ci.github",
        description="Post the semantic diff of a pull request (wmdsl diff) as one comment, "
        "updated on every run. Reads GITHUB_EVENT_PATH, GITHUB_REPOSITORY, GITHUB_API_URL and GITHUB_TOKEN.",
    )
    parser.add_argument(
        "--diff-command",
        default=environ.get("WMDSL_DIFF_COMMAND") or "",
        metavar="COMMAND",
        help="the command that prints the diff, given `--git BASE..HEAD --format markdown` "
        "(env: WMDSL_DIFF_COMMAND; default: this Python's `-P -m wmdsl diff`)",
    )
    parser.add_argument(
        "--author",
        default=environ.get("WMDSL_COMMENT_AUTHOR") or DEFAULT_AUTHOR,
        metavar="LOGIN",
        help="the account the token posts as, whose marked comment is updated "
        f"(env: WMDSL_COMMENT_AUTHOR; default: {DEFAULT_AUTHOR})",
    )
    parser.add_argument(
        "--repo", type=Path, default=Path("."), metavar="DIR", help="the git checkout (default: here)"
    )
    return parser.parse_args(argv)


def _required(environ: Mapping[str, str], name: str, why: str) -> str:
    value = environ.get(name, "").strip()
    if not value:
        raise Failure(f"{name} is not set: {why}", EXIT_USAGE)
    return value


def publish(options: argparse.Namespace, environ: Mapping[str, str]) -> int:
    """Run the diff of the event's pull request and write it into the one comment."""
    event = _required(environ, "GITHUB_EVENT_PATH", "run this inside a GitHub Actions job")
    pull = pull_request(Path(event))
    if pull is None:
        _say("wmdsl: the event is not about a pull request; no comment to write", error=False)
        return 0
    token = _required(
        environ,
        "GITHUB_TOKEN",
        "pass the job's token (`GITHUB_TOKEN: ${{ github.token }}` in the step's env)",
    )
    _SECRETS.append(token)
    github = GitHub(
        environ.get("GITHUB_API_URL") or "https://api.github.com",
        _required(environ, "GITHUB_REPOSITORY", "run this inside a GitHub Actions job"),
        token,
    )
    # -P: the diff runs in the checkout, where a folder named `wmdsl` must not stand in for wmdsl.
    command = shlex.split(options.diff_command) or [sys.executable, "-P", "-m", "wmdsl", "diff"]
    base, head = commits(options.repo, pull)
    body = comment_body(run_diff(command, base, head, options.repo))
    ours = find_comment(github.comments(pull.number), options.author)
    if ours is None:
        made = github.create(pull.number, body)
        _say(f"wmdsl: posted comment {made['id']} on pull request #{pull.number}", error=False)
    else:
        made = github.update(ours["id"], body)
        _say(f"wmdsl: updated comment {made['id']} on pull request #{pull.number}", error=False)
    return 0


def main(argv: Sequence[str] | None = None, environ: Mapping[str, str] | None = None) -> int:
    """The command: its exit status (0 done, 1 failed, 2 the environment is wrong)."""
    environ = os.environ if environ is None else environ
    options = _arguments(argv, environ)
    try:
        return publish(options, environ)
    except Failure as failure:
        _say(f"error: {failure}")
        return failure.status
    finally:
        _SECRETS.clear()


if __name__ == "__main__":
    sys.exit(main())
