"""A stand-in for GitHub's REST API on 127.0.0.1: the comments of pull requests, every request recorded.

It serves what :mod:`wmdsl.ci.github` calls (list, create and edit issue
comments), pages the list by ``page_size`` with ``Link`` headers as GitHub
does, and can be told to refuse a method or to redirect.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

BOT = "github-actions[bot]"


@dataclass
class Recorded:
    method: str
    path: str
    headers: dict[str, str]
    body: Any


@dataclass
class FakeGitHub:
    repository: str = "octo/specs"
    page_size: int = 2
    comments: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    requests: list[Recorded] = field(default_factory=list)
    # method → (status, message): answer every request of that method with this error.
    refuse: dict[str, tuple[int, str]] = field(default_factory=dict)
    # method → Location: answer every request of that method with a redirect there.
    redirect: dict[str, str] = field(default_factory=dict)
    # A next-page link to send instead of GitHub's own (to test where it is followed).
    next_link: str | None = None
    url: str = ""
    _ids: int = 1000

    def add(self, number: int, body: str, login: str) -> int:
        self._ids += 1
        self.comments.setdefault(number, []).append({"id": self._ids, "body": body, "user": {"login": login}})
        return self._ids

    def methods(self) -> list[str]:
        return [request.method for request in self.requests]

    def handle(
        self, method: str, target: str, headers: dict[str, str], raw: bytes
    ) -> tuple[int, Any, dict[str, str]]:
        parts = urlsplit(target)
        body = json.loads(raw) if raw else None
        self.requests.append(Recorded(method, parts.path, headers, body))
        if method in self.refuse:
            status, message = self.refuse[method]
            return status, {"message": message}, {}
        if method in self.redirect:
            return 302, {}, {"Location": self.redirect[method]}
        segments = parts.path.strip("/").split("/")
        prefix = ["repos", *self.repository.split("/")]
        if segments[:3] != prefix:
            return 404, {"message": "Not Found"}, {}
        rest = segments[3:]
        if len(rest) == 3 and rest[0] == "issues" and rest[2] == "comments" and rest[1].isdigit():
            number = int(rest[1])
            listed = self.comments.setdefault(number, [])
            if method == "GET":
                page = int(parse_qs(parts.query).get("page", ["1"])[0])
                start = (page - 1) * self.page_size
                extra = {}
                if start + self.page_size < len(listed):
                    following = self.next_link or f"{self.url}{parts.path}?per_page=100&page={page + 1}"
                    extra["Link"] = f'<{following}>; rel="next", <{self.url}{parts.path}?page=1>; rel="first"'
                return 200, listed[start : start + self.page_size], extra
            if method == "POST":
                made = self.add(number, body["body"], BOT)
                return 201, {"id": made, "body": body["body"], "user": {"login": BOT}}, {}
        if len(rest) == 3 and rest[:2] == ["issues", "comments"] and rest[2].isdigit() and method == "PATCH":
            for listed in self.comments.values():
                for comment in listed:
                    if comment["id"] == int(rest[2]):
                        comment["body"] = body["body"]
                        return 200, comment, {}
        return 404, {"message": "Not Found"}, {}

    def start(self) -> ThreadingHTTPServer:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self) -> None:
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                headers = {name.lower(): value for name, value in self.headers.items()}
                status, answer, extra = fake.handle(self.command, self.path, headers, raw)
                payload = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                for name, value in extra.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = do_PATCH = _answer

            def log_message(self, format: str, *args: Any) -> None:  # quiet: pytest shows failures
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{server.server_address[1]}"
        threading.Thread(target=server.serve_forever, daemon=True).start()
        return server
