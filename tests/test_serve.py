"""`wmdsl serve` without a browser: routes, confinement, escaping, findings, events, the last good picture."""

from __future__ import annotations

import http.client
import json
import re
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.running import Running
from wmdsl.cli import cli
from wmdsl.serve.elements import ElementIndex
from wmdsl.serve.server import NotLoopback, PreviewServer, loopback
from wmdsl.serve.state import Preview, editor_link, json_for_html

DESK = """\
workflow desk "Help desk" {
  owner @ana
  purpose "Answer questions"
  person @ana "Ana Lima"
  person @bo "Bo Berg"
  lane support "Support" { owner @ana; members @ana, @bo }
  intake inbox "Inbox" { owner @ana; arrivals 10 per week }
  stage answer "Answer" in support {
    wip 3
    effort 1h
  }
  exit done "Done" { kind done }
  exit refused "Refused" { kind rejected }
  inbox -> answer
  answer -> done
  answer -> refused { chance 10% }
}
"""


@pytest.fixture
def desk(project: Path) -> Path:
    spec = project / "desk.wm"
    spec.write_text(DESK, encoding="utf-8")
    return spec


@pytest.fixture
def served(desk: Path) -> Iterator[PreviewServer]:
    preview = Preview([desk.name])
    preview.refresh()
    server = PreviewServer(preview, port=0, title="desk.wm — wmdsl")
    server.start()
    try:
        yield server
    finally:
        server.stop()


def get(server: PreviewServer, target: str, headers: dict[str, str] | None = None) -> tuple[int, str, bytes]:
    """``GET target`` exactly as written (no normalising): status, content type, body."""
    host, port = server.server.server_address[:2]
    connection = http.client.HTTPConnection(str(host), int(port), timeout=10)
    try:
        connection.putrequest("GET", target, skip_host=headers is not None and "Host" in headers)
        for name, value in (headers or {}).items():
            connection.putheader(name, value)
        connection.endheaders()
        response = connection.getresponse()
        return response.status, response.getheader("Content-Type") or "", response.read()
    finally:
        connection.close()


def test_the_page_and_its_routes(served: PreviewServer) -> None:
    status, kind, body = get(served, "/")
    assert (status, kind) == (200, "text/html; charset=utf-8")
    page = body.decode()
    assert "<title>desk.wm — wmdsl</title>" in page
    match = re.search(r'<script type="application/json" id="wmdsl-state">(.*?)</script>', page, re.S)
    assert match is not None
    state = json.loads(match.group(1))
    assert state["compiled"] is True
    assert state["views"][0] == "flow"
    status, kind, body = get(served, "/state.json")
    assert (status, kind) == (200, "application/json")
    assert json.loads(body)["generation"] == state["generation"]
    status, kind, body = get(served, "/view/flow.svg")
    assert (status, kind) == (200, "image/svg+xml; charset=utf-8")
    assert b'class="wmdsl-diagram"' in body
    assert b'data-element="desk.answer"' in body
    assert b'data-theme="light"' in body
    status, kind, body = get(served, "/view/flow.svg?theme=dark")
    assert status == 200
    assert b'data-theme="dark"' in body
    assert get(served, "/view/flow.svg?theme=%3Cscript%3E")[0] == 404
    # The views that have something to draw: this spec declares no decision.
    assert "decisions" not in state["views"]
    assert "lane:support" in state["views"]
    assert get(served, "/view/lane%3Asupport.svg")[0] == 200
    assert get(served, "/view/decisions.svg")[0] == 404
    for name, wanted in (("app.js", "text/javascript"), ("app.css", "text/css")):
        status, kind, body = get(served, f"/static/{name}")
        assert status == 200
        assert kind.startswith(wanted)
        assert body


def test_every_answer_forbids_scripts_from_elsewhere(served: PreviewServer) -> None:
    host, port = served.server.server_address[:2]
    connection = http.client.HTTPConnection(str(host), int(port), timeout=10)
    connection.request("GET", "/")
    response = connection.getresponse()
    response.read()
    policy = response.getheader("Content-Security-Policy") or ""
    assert "script-src 'self'" in policy
    assert "default-src 'none'" in policy
    assert response.getheader("X-Content-Type-Options") == "nosniff"
    connection.close()


@pytest.mark.parametrize(
    "target",
    [
        "/../",
        "/..",
        "/%2e%2e/",
        "/%2E%2E/%2e%2e/etc/passwd",
        "/../../../../etc/passwd",
        "//etc/passwd",
        "/etc/passwd",
        "/desk.wm",
        "/wmdsl.toml",
        "/static/",
        "/static/index.html",
        "/static/../state.py",
        "/static/%2e%2e/state.py",
        "/static/app.js/../../state.py",
        "/view/../../etc/passwd.svg",
        "/view/%2e%2e%2f%2e%2e%2fetc%2fpasswd.svg",
        "/view/nope.svg",
        "/view/flow.svg/..",
        "/state.json/../desk.wm",
        "/events/",
        "http://127.0.0.1/etc/passwd",
        "*",
    ],
)
def test_only_its_own_routes_are_served(served: PreviewServer, target: str) -> None:
    status, _kind, body = get(served, target)
    assert status == 404, target
    assert body == b"not found\n"


def test_an_absolute_path_of_a_project_file_is_not_served(served: PreviewServer, desk: Path) -> None:
    for target in (str(desk.resolve()), "/" + str(desk.resolve()), f"/static/{desk.resolve()}"):
        assert get(served, target)[0] == 404


def test_a_host_that_is_not_loopback_is_refused(served: PreviewServer) -> None:
    # A name re-pointed at 127.0.0.1 (DNS rebinding) must not let a page elsewhere read the specs.
    assert get(served, "/state.json", {"Host": "attacker.example"})[0] == 403
    assert get(served, "/state.json", {"Host": f"localhost:{served.server.server_address[1]}"})[0] == 200


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.10", "::", "example.com", "10.0.0.1"])
def test_only_loopback_addresses_are_accepted(host: str) -> None:
    with pytest.raises(NotLoopback, match="loopback"):
        loopback(host)


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.0.2", "::1", "[::1]", "localhost"])
def test_loopback_addresses_are_accepted(host: str) -> None:
    assert loopback(host)


def test_serve_refuses_a_host_that_is_not_loopback(desk: Path) -> None:
    result = CliRunner().invoke(cli, ["serve", desk.name, "--host", "0.0.0.0", "--no-open"])
    assert result.exit_code == 2
    assert "loopback" in result.output


def test_serve_of_a_path_that_leads_nowhere_is_a_usage_error(project: Path) -> None:
    result = CliRunner().invoke(cli, ["serve", "missing.wm", "--no-open"])
    assert result.exit_code == 2


def test_findings_say_where_and_which_element(desk: Path) -> None:
    desk.write_text(DESK.replace("{ owner @ana; arrivals", "{ arrivals"), encoding="utf-8")
    preview = Preview([desk.name])
    preview.refresh()
    state = preview.state()
    (finding,) = [f for f in state["findings"] if f["code"] == "CLR003"]
    assert finding["severity"] == "error"
    assert (finding["file"], finding["line"], finding["col"]) == ("desk.wm", 7, 3)
    assert finding["link"] == f"vscode://file{desk.resolve().as_posix()}:7:3"
    assert finding["elements"] == ["desk.inbox"]
    # Rule errors do not stop the picture: the design is drawn while they are fixed.
    assert state["compiled"] is True
    assert state["picture"] == state["generation"]


def test_the_element_of_a_place_is_the_declaration_that_holds_it(desk: Path) -> None:
    from wmdsl import api
    from wmdsl.model.span import point

    index = ElementIndex([api.load(desk.name)])
    assert index.at(point("desk.wm", 8, 3)) == ("desk.answer",)
    assert index.at(point("desk.wm", 9, 5)) == ("desk.answer",)  # `wip 3`, inside the stage
    # A lane: itself (by its name alone in the decisions view) and its stages.
    assert index.at(point("desk.wm", 6, 3)) == ("support", "desk.support", "desk.answer")
    # A handoff: both ends and the arrow.
    assert index.at(point("desk.wm", 14, 3)) == ("desk.inbox", "desk.answer", "desk.inbox->answer")
    assert index.at(point("desk.wm", 1, 1)) == ()  # the workflow itself is no node
    assert index.at(point("other.wm", 8, 3)) == ()


@pytest.mark.parametrize("example", ["hiring", "procurement", "it-change-incident"])
def test_every_element_a_view_draws_can_be_highlighted(example: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from wmdsl import api
    from wmdsl.views import render_view, shows, view_names

    monkeypatch.chdir(Path(__file__).resolve().parent.parent / "examples")
    document = api.load(f"{example}.wm")
    index = ElementIndex([document])
    known = index.known()
    for view in view_names(document):
        if not shows(document, view):
            continue
        drawn = set(re.findall(r'data-element="([^"]*)"', render_view(document, view)))
        drawn = {name.replace("&gt;", ">").replace("&amp;", "&") for name in drawn}
        assert drawn, view
        assert drawn <= known, (view, sorted(drawn - known))


def test_an_editor_link_is_absolute_and_quoted(tmp_path: Path) -> None:
    spec = tmp_path / "my specs" / "a#b.wm"
    link = editor_link(str(spec), 3, 7)
    assert link == f"vscode://file{(tmp_path / 'my%20specs' / 'a%23b.wm').as_posix()}:3:7"


def test_a_spec_that_stops_compiling_keeps_the_last_good_picture(served: PreviewServer, desk: Path) -> None:
    preview = served.preview
    before = get(served, "/view/flow.svg")[2]
    good = preview.state()
    desk.write_text(DESK.replace('stage answer "Answer"', 'stage answer "Answer" in nowhere {\n'), "utf-8")
    preview.refresh()
    broken = preview.state()
    assert broken["compiled"] is False
    assert broken["generation"] == good["generation"] + 1
    assert broken["picture"] == good["picture"]
    assert broken["views"] == good["views"]
    assert broken["analysis"] == good["analysis"]
    assert broken["counts"]["error"] >= 1
    assert all(f["code"].startswith("SYN") for f in broken["findings"] if f["severity"] == "error")
    assert get(served, "/view/flow.svg")[2] == before
    desk.write_text(DESK.replace('"Answer"', '"Answer the question"'), encoding="utf-8")
    preview.refresh()
    fixed = preview.state()
    assert fixed["compiled"] is True
    assert fixed["picture"] == fixed["generation"]
    assert b"Answer the question" in get(served, "/view/flow.svg")[2]


def test_a_spec_that_never_compiled_has_no_picture(desk: Path) -> None:
    desk.write_text("workflow desk {\n  stage\n", encoding="utf-8")
    preview = Preview([desk.name])
    preview.refresh()
    state = preview.state()
    assert (state["compiled"], state["picture"], state["views"], state["analysis"]) == (False, None, [], None)
    assert preview.view("flow") is None


def test_the_analysis_is_in_the_state(desk: Path) -> None:
    preview = Preview([desk.name])
    preview.refresh()
    analysis = preview.state()["analysis"]
    (workflow,) = analysis["workflows"]
    assert workflow["stages"]["header"][:3] == ["stage", "lane", "λ/week"]
    assert workflow["stages"]["rows"][0][:2] == ["answer", "support"]
    assert workflow["stage_elements"] == ["desk.answer"]
    assert workflow["bottleneck"] == "answer"
    assert "workflow `desk` — Help desk" in analysis["text"]


def test_text_of_a_spec_cannot_break_out_of_the_page(project: Path) -> None:
    hostile = "</script><script>alert(1)</script><!-- & \u2028"
    spec = project / "desk.wm"
    spec.write_text(DESK.replace('"Help desk"', f'"{hostile}"'), "utf-8")
    preview = Preview([spec.name])
    preview.refresh()
    embedded = preview.state_json()
    for raw in ("<", ">", "&", "\u2028"):
        assert raw not in embedded
    state = json.loads(embedded)
    assert state["compiled"] is True
    # The title reaches the page as data, its line separator made visible.
    assert state["analysis"]["workflows"][0]["title"] == hostile
    assert "</script><script>alert(1)</script><!-- & <U+2028>" in state["analysis"]["text"]
    server = PreviewServer(preview, port=0, title='<b title="x">&</b>')
    server.start()
    try:
        page = get(server, "/")[2].decode()
    finally:
        server.stop()
    assert "<script>alert" not in page
    assert page.count("</script>") == 2  # the state's and the page script's own
    assert "&lt;b title=&quot;x&quot;&gt;&amp;&lt;/b&gt;" in page


def test_json_for_html_escapes_what_ends_a_script() -> None:
    text = json_for_html({"a": "</script><!--&\u2029"})
    assert text == '{"a": "\\u003c/script\\u003e\\u003c!--\\u0026\\u2029"}'


def _events(server: PreviewServer) -> tuple[socket.socket, Iterator[str]]:
    host, port = server.server.server_address[:2]
    connection = socket.create_connection((str(host), int(port)), timeout=10)
    connection.sendall(b"GET /events HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n")
    stream = connection.makefile("r", encoding="utf-8", newline="\n")

    def lines() -> Iterator[str]:
        for line in stream:
            yield line.rstrip("\n").rstrip("\r")

    return connection, lines()


def _next_change(lines: Iterator[str]) -> int:
    for line in lines:
        if line.startswith("data: "):
            return int(json.loads(line[len("data: ") :])["generation"])
    raise AssertionError("the event stream ended")


def test_an_event_follows_a_change_to_a_file(served: PreviewServer, desk: Path) -> None:
    served.watch()
    connection, lines = _events(served)
    try:
        head = []
        while (line := next(lines)) != "":
            head.append(line.lower())
        assert head[0] == "http/1.1 200 ok"
        assert "content-type: text/event-stream; charset=utf-8" in head
        first = _next_change(lines)
        time.sleep(0.3)  # the watch is under way
        started = time.monotonic()
        desk.write_text(DESK.replace('"Answer"', '"Answer it"'), encoding="utf-8")
        assert _next_change(lines) > first
        assert time.monotonic() - started < 1.0
    finally:
        connection.close()
    assert b"Answer it" in get(served, "/view/flow.svg")[2]


def test_a_change_to_an_imported_file_is_followed(project: Path) -> None:
    (project / "org").mkdir()
    (project / "org" / "people.wm").write_text('person @ana "Ana Lima"\nperson @bo "Bo Berg"\n', "utf-8")
    (project / "specs").mkdir()
    spec = project / "specs" / "desk.wm"
    spec.write_text('import "../org/people.wm"\n' + DESK.replace('  person @ana "Ana Lima"\n', ""), "utf-8")
    preview = Preview(["specs"])
    preview.refresh()
    folders, _configs = preview.watched()
    assert [folder.resolve() for folder in folders] == [
        (project / "org").resolve(),
        (project / "specs").resolve(),
    ]
    server = PreviewServer(preview, port=0)
    server.start()
    server.watch()
    try:
        time.sleep(0.3)
        seen = preview.generation
        (project / "org" / "people.wm").write_text('person @ana "Ana Maria Lima"\nperson @bo "Bo"\n', "utf-8")
        assert preview.wait(seen, 5) == seen + 1
    finally:
        server.stop()


def test_a_change_to_another_kind_of_file_is_not_followed(served: PreviewServer, project: Path) -> None:
    served.watch()
    time.sleep(0.3)
    seen = served.preview.generation
    (project / "notes.txt").write_text("not a spec", encoding="utf-8")
    (project / "desk.svg").write_text("<svg/>", encoding="utf-8")
    assert served.preview.wait(seen, 1.0) == seen


def test_serve_prints_the_address_of_port_0_and_stops_on_ctrl_c(desk: Path) -> None:
    running = Running("serve", desk.name, "--port", "0", "--no-open", cwd=desk.parent)
    try:
        running.wait_for("http://127.0.0.1:")
        match = re.search(r"http://127\.0\.0\.1:(\d+)/", running.stdout)
        assert match is not None
        port = int(match.group(1))
        assert port > 0
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        connection.request("GET", "/state.json")
        assert json.loads(connection.getresponse().read())["compiled"] is True
        connection.close()
        assert running.interrupt() == 0
    finally:
        running.kill()
    assert "Traceback" not in running.stderr
