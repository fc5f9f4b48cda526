"""The live preview's web server: a few routes on the loopback interface.

The standard library's :class:`http.server.ThreadingHTTPServer` serves it.
The preview has five routes, one user and one machine, and pushes changes
with server-sent events, which need nothing but a response kept open; a web
framework and an ASGI server would be a dependency (and a second way of
running code) for none of that.

Only these paths are answered; every other one is 404 (the request's path is
compared whole, so ``/../``, ``%2e%2e``, ``//etc/passwd`` and absolute URLs
never reach a file):

``/``
    the page (:file:`static/index.html`, with the first state in it)
``/events``
    ``text/event-stream``: a ``change`` event with the generation after every reading
``/state.json``
    findings, views, analysis (:meth:`Preview.state`)
``/view/<name>.svg``
    one view of the last good picture, drawn by :mod:`wmdsl.views` (``?theme=dark`` for the dark theme)
``/static/<name>``
    the page's script and style sheet, from the package

Requests whose ``Host`` is not a loopback name are refused (403), so a web
page elsewhere cannot reach the preview through a name it re-points here.
"""

from __future__ import annotations

import html
import ipaddress
import re
import socket
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import parse_qs, unquote

from wmdsl.serve.state import Preview

POLL = 0.1  # seconds: how soon serving notices it is to stop
KEEPALIVE = 15.0  # seconds between comments on an idle event stream (proxies and browsers keep it open)
LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1", "[::1]"})
STATIC: dict[str, str] = {
    "app.js": "text/javascript; charset=utf-8",
    "app.css": "text/css; charset=utf-8",
}
_VIEW = re.compile(r"/view/([^/?#]+)\.svg")
_PLACEHOLDER = re.compile(r"\{\{(title|state)\}\}")
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
        "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
    "Cross-Origin-Resource-Policy": "same-origin",
}


class NotLoopback(ValueError):
    """A host that is not on the loopback interface."""


def loopback(host: str) -> str:
    """``host`` when it names the loopback interface (``127.x.x.x``, ``::1``, ``localhost``); else raise."""
    name = host.strip("[]")
    if name == "localhost":
        return name
    try:
        address = ipaddress.ip_address(name)
    except ValueError:
        address = None
    if address is None or not address.is_loopback:
        raise NotLoopback(
            f"refusing to serve on {host}: the preview listens on the loopback interface only "
            "(127.0.0.1, ::1 or localhost), so no other machine can read the specs"
        )
    return name


def _static(name: str) -> bytes:
    return resources.files("wmdsl.serve").joinpath("static", name).read_bytes()


def page(preview: Preview, title: str) -> bytes:
    """The page, with ``title`` (escaped) and the first state (JSON escaped for a script element)."""
    template = _static("index.html").decode("utf-8")
    values = {"title": html.escape(title, quote=True), "state": preview.state_json()}
    # One pass: what one value holds is never read as a placeholder.
    return _PLACEHOLDER.sub(lambda match: values[match.group(1)], template).encode("utf-8")


def _theme(target: str) -> str:
    """The ``theme`` a request's query asks for (``light`` when it names none)."""
    query = parse_qs(target.partition("?")[2])
    return query.get("theme", ["light"])[-1]


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    preview: Preview
    title: str
    hosts: frozenset[str]


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def version_string(self) -> str:
        return "wmdsl-serve"

    protocol_version = "HTTP/1.1"
    routes: ClassVar[dict[str, str]] = {"/": "page", "/events": "events", "/state.json": "state"}

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the preview prints its address and nothing per request."""

    def do_HEAD(self) -> None:
        self._answer(head=True)

    def do_GET(self) -> None:
        self._answer(head=False)

    def _answer(self, head: bool) -> None:
        if not self._host_allowed():
            self._send(HTTPStatus.FORBIDDEN, "text/plain; charset=utf-8", b"forbidden host\n", head)
            return
        target = self.path
        if not target.startswith("/") or target.startswith("//"):
            self._not_found(head)
            return
        path = target.split("?", 1)[0]
        route = self.routes.get(path)
        preview = self.server.preview
        if route == "page":
            body = page(preview, self.server.title)
            self._send(HTTPStatus.OK, "text/html; charset=utf-8", body, head)
        elif route == "state":
            self._send(HTTPStatus.OK, "application/json", preview.state_json().encode("utf-8"), head)
        elif route == "events":
            self._events(head)
        elif path.startswith("/static/") and path[len("/static/") :] in STATIC:
            name = path[len("/static/") :]
            self._send(HTTPStatus.OK, STATIC[name], _static(name), head)
        elif (match := _VIEW.fullmatch(path)) is not None:
            self._view(match.group(1), _theme(target), head)
        else:
            self._not_found(head)

    def _host_allowed(self) -> bool:
        host = self.headers.get("Host")
        if host is None:
            return True
        name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
        return name.lower() in self.server.hosts

    def _view(self, quoted: str, theme: str, head: bool) -> None:
        try:
            name = unquote(quoted, errors="strict")
        except UnicodeDecodeError:
            self._not_found(head)
            return
        drawn = self.server.preview.view(name, theme)
        if drawn is None:
            self._not_found(head)
            return
        status, body = drawn
        kind = "image/svg+xml; charset=utf-8" if status == 200 else "text/plain; charset=utf-8"
        self._send(HTTPStatus(status), kind, body, head)

    def _not_found(self, head: bool) -> None:
        self._send(HTTPStatus.NOT_FOUND, "text/plain; charset=utf-8", b"not found\n", head)

    def _send(self, status: HTTPStatus, kind: str, body: bytes, head: bool) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        for name, value in SECURITY_HEADERS.items():
            self.send_header(name, value)
        self.end_headers()
        if not head:
            self.wfile.write(body)

    def _events(self, head: bool) -> None:
        """A ``change`` event now and after every reading, until the client or the server goes away."""
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        for name, value in SECURITY_HEADERS.items():
            self.send_header(name, value)
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        if head:
            return
        preview = self.server.preview
        seen: int | None = preview.generation
        try:
            self.wfile.write(b"retry: 500\n\n")
            while seen is not None:
                self.wfile.write(f'event: change\ndata: {{"generation": {seen}}}\n\n'.encode())
                self.wfile.flush()
                latest = preview.wait(seen, KEEPALIVE)
                while latest == seen:  # nothing new: keep the stream open
                    self.wfile.write(b": idle\n\n")
                    self.wfile.flush()
                    latest = preview.wait(seen, KEEPALIVE)
                seen = latest
        except (BrokenPipeError, ConnectionResetError, ConnectionAbortedError):
            return


class PreviewServer:
    """The preview of ``preview`` on ``host``:``port`` (0: a free port), served from a thread of its own."""

    def __init__(
        self, preview: Preview, *, host: str = "127.0.0.1", port: int = 0, title: str = "wmdsl"
    ) -> None:
        name = loopback(host)
        server_class: type[_Server] = _Server
        if ":" in name:

            class _Server6(_Server):
                address_family = socket.AF_INET6

            server_class = _Server6
        self.server = server_class((name, port), _Handler)
        self.server.preview = preview
        self.server.title = title
        self.server.hosts = LOOPBACK_NAMES | {name.lower()}
        self.preview = preview
        self._thread: threading.Thread | None = None
        self._serving = False
        self._stop = threading.Event()
        self._watcher: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        name = host.decode() if isinstance(host, bytes) else host
        shown = f"[{name}]" if ":" in name else name
        return f"http://{shown}:{port}/"

    def watch(self) -> None:
        """Read the project again after every change to it, in a background thread, until :meth:`stop`."""
        from wmdsl.serve.watch import changes

        def follow() -> None:
            for _ in changes(self.preview.watched, self._stop):
                self.preview.refresh()

        self._watcher = threading.Thread(target=follow, name="wmdsl-watch", daemon=True)
        self._watcher.start()

    def start(self) -> str:
        """Serve in a background thread; the URL."""
        self._serving = True
        self._thread = threading.Thread(target=self.serve_forever, name="wmdsl-serve", daemon=True)
        self._thread.start()
        return self.url

    def serve_forever(self) -> None:
        """Serve in this thread until :meth:`stop` (from another thread) or an interrupt."""
        self._serving = True
        self.server.serve_forever(poll_interval=POLL)

    def stop(self) -> None:
        """Stop watching and serving, end every event stream, and close the socket."""
        self._stop.set()
        self.preview.close()
        if self._serving:
            self.server.shutdown()  # returns at once when serve_forever has already ended
        self.server.server_close()
        for thread in (self._thread, self._watcher):
            if thread is not None:
                thread.join(timeout=5)


def title_of(paths: list[Path]) -> str:
    """What the page is called: the spec or folder it shows (the first, when there are several)."""
    first = paths[0].name or str(paths[0])
    return f"{first} and {len(paths) - 1} more — wmdsl" if len(paths) > 1 else f"{first} — wmdsl"
