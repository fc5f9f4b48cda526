// The live preview of wmdsl serve: findings, analysis and a diagram that follows the files.
// Everything that comes from a spec is inserted as text (textContent), never as markup;
// the diagram is SVG parsed as XML, with anything that could run taken out first.
"use strict";

(() => {
  const SVG_NS = "http://www.w3.org/2000/svg";
  const $ = (id) => document.getElementById(id);
  let state = JSON.parse($("wmdsl-state").textContent);
  let view = null; // the view shown
  let shown = null; // {picture, view} of the diagram on the page
  let box = null; // the viewBox now
  let home = null; // the viewBox that fits the whole diagram
  let moved = false; // whether the reader zoomed or panned (kept across reloads)
  let selected = null; // the key of the finding clicked
  let highlighted = []; // the elements it is about
  let loading = Promise.resolve();
  const darkness = window.matchMedia("(prefers-color-scheme: dark)");
  const theme = () => (darkness.matches ? "dark" : "light");

  // -- building DOM from data ------------------------------------------------------------------

  function el(tag, attributes, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (name === "className") node.className = value;
      else node.setAttribute(name, value === true ? "" : String(value));
    }
    for (const child of children) {
      if (child === null || child === undefined) continue;
      node.append(typeof child === "string" ? document.createTextNode(child) : child);
    }
    return node;
  }

  function key(finding) {
    return [finding.file, finding.line, finding.col, finding.code, finding.message].join("\u0000");
  }

  function where(finding) {
    return `${finding.file}:${finding.line}`;
  }

  // -- the header, the banner and the findings -------------------------------------------------

  function renderCounts() {
    const c = state.counts;
    const parts = [];
    for (const [level, word] of [["error", "error"], ["warning", "warning"], ["info", "info"]]) {
      if (c[level]) parts.push(`${c[level]} ${word}${c[level] === 1 || level === "info" ? "" : "s"}`);
    }
    $("counts").textContent = parts.length ? parts.join(", ") : "no findings";
    $("counts").className = "counts" + (c.error ? " has-errors" : c.warning ? " has-warnings" : "");
  }

  function renderBanner() {
    const banner = $("banner");
    const broken = !state.compiled;
    banner.hidden = !broken;
    if (!broken) return;
    let text = state.problem || "The specs do not compile.";
    if (!state.problem) {
      const n = state.counts.error;
      text = `The specs do not compile (${n} error${n === 1 ? "" : "s"}).`;
    }
    if (state.picture !== null) {
      const made = new Date(state.picture_made * 1000).toLocaleTimeString();
      text += ` Showing the last picture that compiled (read at ${made}).`;
    } else {
      text += " There is no picture yet: fix the errors below.";
    }
    $("banner-text").textContent = text;
    const list = $("banner-findings");
    list.replaceChildren();
    for (const finding of state.findings.filter((f) => f.severity === "error").slice(0, 8)) {
      list.append(
        el("li", {}, el("a", { href: finding.link }, where(finding)), ` ${finding.code} ${finding.message}`),
      );
    }
  }

  function renderFindings() {
    const list = $("findings");
    list.replaceChildren();
    $("no-findings").hidden = state.findings.length > 0;
    state.findings.forEach((finding) => {
      const item = el(
        "li",
        {
          className: `finding severity-${finding.severity}` + (key(finding) === selected ? " selected" : ""),
          tabindex: 0,
          "data-code": finding.code,
          "data-elements": finding.elements.join(" "),
        },
        el(
          "div",
          { className: "finding-head" },
          el("span", { className: "severity" }, finding.severity),
          " ",
          el("span", { className: "code" }, finding.code),
          " ",
          el("a", { className: "location", href: finding.link, title: "Open in VS Code" }, where(finding)),
        ),
        el("p", { className: "message" }, finding.message),
        finding.hint ? el("p", { className: "hint" }, `hint: ${finding.hint}`) : null,
      );
      for (const related of finding.related) {
        item.append(el("p", { className: "related" }, `${related.file}:${related.line}: ${related.message}`));
      }
      const choose = (event) => {
        if (event.target.closest("a")) return; // the editor link opens the editor only
        select(finding);
      };
      item.addEventListener("click", choose);
      item.addEventListener("keydown", (event) => {
        if (event.key === "Enter" || event.key === " ") {
          event.preventDefault();
          choose(event);
        }
      });
      list.append(item);
    });
  }

  function select(finding) {
    selected = key(finding);
    for (const item of $("findings").children) item.classList.remove("selected");
    const index = state.findings.findIndex((f) => key(f) === selected);
    if (index >= 0) $("findings").children[index].classList.add("selected");
    highlight(finding.elements, true);
  }

  // -- the analysis ------------------------------------------------------------------------------

  function table(data, elements, bottleneck) {
    const head = el("tr", {}, ...data.header.map((name, i) => el("th", { className: i >= data.numeric_from ? "num" : null, scope: "col" }, name)));
    const rows = data.rows.map((row, r) => {
      const line = el("tr", {}, ...row.map((cell, i) => el("td", { className: i >= data.numeric_from ? "num" : null }, cell)));
      if (elements) {
        line.classList.add("pickable");
        line.title = "Show in the diagram";
        line.addEventListener("click", () => highlight([elements[r]], true));
        if (bottleneck !== null && row[0] === bottleneck) line.classList.add("bottleneck");
      }
      return line;
    });
    return el("table", {}, el("thead", {}, head), el("tbody", {}, ...rows));
  }

  function renderAnalysis() {
    const pane = $("analysis");
    pane.replaceChildren();
    const analysis = state.analysis;
    if (!analysis) {
      pane.append(el("p", { className: "quiet" }, "No analysis until the specs compile."));
      return;
    }
    if (!analysis.workflows.length) pane.append(el("p", { className: "quiet" }, "No workflows to analyse."));
    for (const workflow of analysis.workflows) {
      const section = el("section", { className: "workflow" });
      section.append(el("h2", {}, workflow.heading[0]));
      section.append(el("p", { className: "quiet" }, workflow.file));
      for (const line of workflow.heading.slice(1)) section.append(el("p", { className: "line" }, line));
      section.append(table(workflow.stages, workflow.stage_elements, workflow.bottleneck));
      if (workflow.lanes) section.append(table(workflow.lanes, null, null));
      for (const line of workflow.summary) section.append(el("p", { className: "line" }, line));
      pane.append(section);
    }
    pane.append(el("details", {}, el("summary", {}, "The whole analysis as text"), el("pre", {}, analysis.text)));
  }

  // -- the views ---------------------------------------------------------------------------------

  function renderViews() {
    const select = $("view");
    select.replaceChildren(...state.views.map((name) => el("option", { value: name }, name)));
    const wanted = new URLSearchParams(location.hash.slice(1)).get("view");
    if (!state.views.includes(view)) view = state.views.includes(wanted) ? wanted : state.views[0] || null;
    select.value = view || "";
    select.disabled = state.views.length < 2;
  }

  $("view").addEventListener("change", () => {
    view = $("view").value;
    history.replaceState(null, "", `#view=${encodeURIComponent(view)}`);
    moved = false;
    loading = loading.then(() => loadDiagram());
  });

  // -- the diagram ---------------------------------------------------------------------------------

  function placeholder(text) {
    $("diagram").replaceChildren(el("p", { className: "placeholder", id: "placeholder" }, text));
    box = home = null;
  }

  // What a diagram may not carry into the page: scripts, foreign markup, handlers and script links.
  function clean(root) {
    for (const node of root.querySelectorAll("script, foreignObject, iframe, object, embed")) node.remove();
    for (const node of [root, ...root.querySelectorAll("*")]) {
      for (const attribute of [...node.attributes]) {
        const name = attribute.name.toLowerCase();
        const value = attribute.value.replace(/[\s\u0000-\u001f]/g, "").toLowerCase();
        if (name.startsWith("on")) node.removeAttribute(attribute.name);
        else if ((name === "href" || name.endsWith(":href")) && !value.startsWith("#")) node.removeAttribute(attribute.name);
      }
    }
  }

  async function loadDiagram() {
    if (state.picture === null) {
      if (shown === null) placeholder(state.compiled ? "Nothing to draw yet." : "No picture yet: the specs do not compile.");
      return;
    }
    if (!view) {
      placeholder("These specs hold no workflow to draw.");
      shown = { picture: state.picture, view };
      return;
    }
    const wanted = { picture: state.picture, view, theme: theme() };
    if (shown && shown.picture === wanted.picture && shown.view === view && shown.theme === wanted.theme) return;
    let response;
    try {
      const query = `theme=${wanted.theme}&picture=${wanted.picture}`;
      response = await fetch(`/view/${encodeURIComponent(view)}.svg?${query}`, { cache: "no-store" });
    } catch (error) {
      return; // the server went away: the status says so, the picture stays
    }
    const text = await response.text();
    if (!response.ok) {
      if (response.status !== 404) placeholder(text);
      return;
    }
    const parsed = new DOMParser().parseFromString(text, "image/svg+xml");
    const root = parsed.documentElement;
    if (root.namespaceURI !== SVG_NS || root.localName !== "svg" || parsed.querySelector("parsererror")) {
      placeholder("The view could not be read.");
      return;
    }
    clean(root);
    const svg = document.importNode(root, true);
    const keep = moved && shown && shown.view === view ? box : null;
    svg.removeAttribute("width");
    svg.removeAttribute("height");
    svg.setAttribute("preserveAspectRatio", "xMidYMid meet");
    svg.classList.add("wmdsl-diagram");
    $("diagram").replaceChildren(svg);
    home = fitBox(svg);
    box = keep || { ...home };
    if (!keep) moved = false;
    setBox();
    shown = wanted;
    highlight(highlighted, false);
  }

  function fitBox(svg) {
    const viewBox = svg.viewBox && svg.viewBox.baseVal;
    if (viewBox && viewBox.width > 0 && viewBox.height > 0) {
      return { x: viewBox.x, y: viewBox.y, w: viewBox.width, h: viewBox.height };
    }
    const bounds = svg.getBBox();
    return { x: bounds.x, y: bounds.y, w: Math.max(bounds.width, 1), h: Math.max(bounds.height, 1) };
  }

  function diagramSvg() {
    return $("diagram").querySelector("svg");
  }

  function setBox() {
    const svg = diagramSvg();
    if (svg && box) svg.setAttribute("viewBox", `${box.x} ${box.y} ${box.w} ${box.h}`);
  }

  // Diagram units per screen pixel (the larger of the two: the picture is fitted, not stretched).
  function unitsPerPixel(svg) {
    const rect = svg.getBoundingClientRect();
    return Math.max(box.w / Math.max(rect.width, 1), box.h / Math.max(rect.height, 1));
  }

  function toDiagram(svg, clientX, clientY) {
    const rect = svg.getBoundingClientRect();
    const scale = unitsPerPixel(svg);
    const cx = box.x + box.w / 2;
    const cy = box.y + box.h / 2;
    return {
      x: cx + (clientX - (rect.left + rect.width / 2)) * scale,
      y: cy + (clientY - (rect.top + rect.height / 2)) * scale,
    };
  }

  function zoom(factor, around) {
    const svg = diagramSvg();
    if (!svg || !box) return;
    const rect = svg.getBoundingClientRect();
    const point = around || toDiagram(svg, rect.left + rect.width / 2, rect.top + rect.height / 2);
    const limit = Math.max(home.w, home.h);
    const next = Math.min(Math.max(box.w * factor, limit / 50), limit * 20) / box.w;
    box = {
      x: point.x - (point.x - box.x) * next,
      y: point.y - (point.y - box.y) * next,
      w: box.w * next,
      h: box.h * next,
    };
    moved = true;
    setBox();
  }

  function fit() {
    if (!home) return;
    box = { ...home };
    moved = false;
    setBox();
  }

  const diagram = $("diagram");
  diagram.addEventListener(
    "wheel",
    (event) => {
      const svg = diagramSvg();
      if (!svg || !box) return;
      event.preventDefault();
      const delta = event.deltaMode === 1 ? event.deltaY * 16 : event.deltaY;
      zoom(Math.exp(Math.max(Math.min(delta, 200), -200) * 0.0015), toDiagram(svg, event.clientX, event.clientY));
    },
    { passive: false },
  );
  let drag = null;
  diagram.addEventListener("pointerdown", (event) => {
    const svg = diagramSvg();
    if (!svg || !box || event.button !== 0) return;
    drag = { x: event.clientX, y: event.clientY, box: { ...box }, scale: unitsPerPixel(svg), id: event.pointerId };
    diagram.setPointerCapture(event.pointerId);
    diagram.classList.add("dragging");
  });
  diagram.addEventListener("pointermove", (event) => {
    if (!drag || event.pointerId !== drag.id) return;
    box = {
      ...drag.box,
      x: drag.box.x - (event.clientX - drag.x) * drag.scale,
      y: drag.box.y - (event.clientY - drag.y) * drag.scale,
    };
    moved = true;
    setBox();
  });
  const endDrag = (event) => {
    if (!drag || event.pointerId !== drag.id) return;
    drag = null;
    diagram.classList.remove("dragging");
  };
  diagram.addEventListener("pointerup", endDrag);
  diagram.addEventListener("pointercancel", endDrag);
  diagram.addEventListener("keydown", (event) => {
    if (event.key === "+" || event.key === "=") zoom(1 / 1.25);
    else if (event.key === "-" || event.key === "_") zoom(1.25);
    else if (event.key === "0") fit();
  });
  $("zoom-in").addEventListener("click", () => zoom(1 / 1.25));
  $("zoom-out").addEventListener("click", () => zoom(1.25));
  $("zoom-fit").addEventListener("click", fit);

  // Mark the nodes of ``elements`` (data-element values); with ``reveal``, bring the first into view.
  function highlight(elements, reveal) {
    highlighted = elements;
    const svg = diagramSvg();
    if (!svg) return;
    for (const node of svg.querySelectorAll(".highlight")) node.classList.remove("highlight");
    const wanted = new Set(elements);
    const found = [...svg.querySelectorAll("g.node[data-element], g.edge[data-element]")].filter((node) =>
      wanted.has(node.getAttribute("data-element")),
    );
    for (const node of found) node.classList.add("highlight");
    const first = found.find((node) => node.classList.contains("node")) || found[0];
    if (reveal && first && box) {
      const bounds = first.getBBox();
      const matrix = first.getCTM();
      const rootMatrix = svg.getCTM();
      if (matrix && rootMatrix) {
        // The node's centre in viewBox units: its own box through its transforms, relative to the root.
        const local = svg.createSVGPoint();
        local.x = bounds.x + bounds.width / 2;
        local.y = bounds.y + bounds.height / 2;
        const centre = local.matrixTransform(rootMatrix.inverse().multiply(matrix));
        const outside = centre.x < box.x || centre.x > box.x + box.w || centre.y < box.y || centre.y > box.y + box.h;
        if (outside) {
          box = { ...box, x: centre.x - box.w / 2, y: centre.y - box.h / 2 };
          moved = true;
          setBox();
        }
      }
    }
  }

  // -- following the files -------------------------------------------------------------------------

  function renderAll() {
    renderCounts();
    renderBanner();
    renderViews();
    renderFindings();
    renderAnalysis();
    document.body.classList.toggle("broken", !state.compiled);
    document.body.dataset.generation = String(state.generation);
  }

  async function refresh() {
    let response;
    try {
      response = await fetch("/state.json", { cache: "no-store" });
    } catch (error) {
      return;
    }
    if (!response.ok) return;
    state = await response.json();
    renderAll();
    if (selected !== null) {
      const still = state.findings.find((f) => key(f) === selected);
      highlighted = still ? still.elements : [];
      if (!still) selected = null;
    }
    await loadDiagram();
  }

  function follow() {
    const status = $("status");
    const events = new EventSource("/events");
    events.addEventListener("open", () => {
      status.textContent = "live";
      status.className = "status live";
    });
    events.addEventListener("error", () => {
      status.textContent = "disconnected: is wmdsl serve still running?";
      status.className = "status offline";
    });
    events.addEventListener("change", (event) => {
      const data = JSON.parse(event.data);
      if (data.generation !== state.generation) loading = loading.then(refresh);
    });
  }

  for (const [tab, pane, other, otherPane] of [
    ["tab-findings", "findings-pane", "tab-analysis", "analysis-pane"],
    ["tab-analysis", "analysis-pane", "tab-findings", "findings-pane"],
  ]) {
    $(tab).addEventListener("click", () => {
      $(tab).setAttribute("aria-selected", "true");
      $(other).setAttribute("aria-selected", "false");
      $(pane).hidden = false;
      $(otherPane).hidden = true;
    });
  }

  darkness.addEventListener("change", () => {
    loading = loading.then(loadDiagram);
  });

  renderAll();
  loading = loading.then(loadDiagram);
  follow();
})();
