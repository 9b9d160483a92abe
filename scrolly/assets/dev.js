// Live reload for `python build.py serve`: added to pages only while they are served,
// never written into a built site.
//
// The server sends {build, problems, stylesOnly, changed} when the page connects and after
// every build (`changed`: the output files the build changed). When only this page's HTML
// changed (a chapter was edited), the changed parts of the page are patched in place: the
// scroll position, the active step and the live charts stay as they are. The patch compares
// the page as built before (fetched once, when the page loads) with the page as built now,
// and replaces the smallest parts that differ which the reader runtime has not touched;
// anything else (a new chart, a changed step's values, other files) reloads the page, and
// the page comes back to the same scroll position. A change of styles alone swaps the
// stylesheets. Problems show over the last good page until fixed.

(() => {
  const SCROLL_KEY = "scrolly-dev-scroll";
  const OVERLAY_ID = "scrolly-dev-problems";
  let shown = document.currentScript.dataset.build;
  let built = null; // {build, doc}: this page as the build `shown` wrote it, once fetched
  let updating = Promise.resolve(); // messages are handled one after the other

  function connect() {
    const socket = new WebSocket(`${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/__scrolly/live`);
    socket.onmessage = (event) => (updating = updating.then(() => update(JSON.parse(event.data))));
    socket.onclose = () => setTimeout(connect, 1000); // the server restarted or the laptop slept: try again
  }

  async function update({ build, problems, stylesOnly, changed = [] }) {
    showProblems(problems);
    if (problems.length || build === shown || build === "none") return;
    if (stylesOnly) {
      shown = build;
      refreshStyles();
    } else if (follows(build, shown) && changed.every((path) => path.endsWith(".html"))) {
      if (!changed.includes(pageFile())) return void (shown = build); // other pages only
      const fresh = await fetchPage();
      if (fresh && fresh.build === build && built && patch(built.doc, fresh.doc)) {
        shown = build;
        built = fresh;
      } else reload();
    } else reload();
  }

  // Whether build `next` comes right after `previous` ("<server session>-<count>"), so that
  // its list of changed files is all that changed since.
  function follows(next, previous) {
    const [session, count] = next.split("-"), [before, then] = previous.split("-");
    return session === before && Number(count) === Number(then) + 1;
  }

  function reload() {
    sessionStorage.setItem(SCROLL_KEY, JSON.stringify({ path: location.pathname, x: scrollX, y: scrollY }));
    history.scrollRestoration = "manual"; // one restorer, ours, whatever the browser does
    location.reload();
  }

  // The output file this page is: "/" is index.html, "/embed/map/" embed/map/index.html.
  function pageFile() {
    const path = decodeURIComponent(location.pathname).replace(/^\//, "");
    return path === "" || path.endsWith("/") ? `${path}index.html` : path;
  }

  // The page as built now, and the build it belongs to (the server says which build wrote
  // the file it sent; null when it cannot tell, during a rebuild).
  async function fetchPage() {
    try {
      const response = await fetch(location.pathname, { cache: "no-store" });
      const doc = new DOMParser().parseFromString(await response.text(), "text/html");
      doc.querySelector('script[src="/__scrolly/dev.js"]')?.remove(); // it names its build
      return { build: response.headers.get("X-Scrolly-Build"), doc };
    } catch {
      return null;
    }
  }

  // Patch the live page from `before` to `after` (two parsed builds of it); false, with the
  // page left as it was, when the change is more than the runtime allows (see changes).
  function patch(before, after) {
    if (!before.head.isEqualNode(after.head)) return false; // styles, scripts, the policy
    const edits = [];
    if (!changes(before.body, after.body, document.body, edits)) return false;
    edits.forEach((edit) => edit());
    return true;
  }

  // Collect the edits that turn `live` (which was built as `before`) into `after`. Elements
  // the runtime may hold (those with an id or data- attributes, and what holds them) are
  // kept and only their insides change; the runtime's own additions (a chart's live view,
  // an overlay) are skipped; a changed element it may hold, or its changed attributes, fail.
  function changes(before, after, live, edits) {
    if (before.isEqualNode(after)) return true;
    const element = before.nodeType === Node.ELEMENT_NODE;
    if (element && before.nodeName === after.nodeName && sameAttributes(before, after)) {
      return childChanges(before, after, live, edits);
    }
    if (!live.isEqualNode(before) || !plain(before) || !plain(after)) return false;
    edits.push(() => live.replaceWith(document.importNode(after, true)));
    return true;
  }

  // Children the runtime may hold (not plain) must stay the same ones, in the same order;
  // each is compared in turn. Between them, runs of plain nodes (prose) that changed are
  // compared node by node, or replaced whole when their length changed.
  function childChanges(before, after, live, edits) {
    const old = [...before.childNodes], fresh = [...after.childNodes];
    const found = counterparts(old, [...live.childNodes]);
    const held = (nodes) => nodes.flatMap((node, i) => (plain(node) ? [] : [i]));
    const oldHeld = held(old), freshHeld = held(fresh);
    if (!found || oldHeld.length !== freshHeld.length) return false;
    if (oldHeld.some((i, k) => key(old[i]) !== key(fresh[freshHeld[k]]))) return false;
    for (let k = 0; k <= oldHeld.length; k++) {
      const from = k ? oldHeld[k - 1] + 1 : 0;
      const to = k < oldHeld.length ? oldHeld[k] : old.length;
      const start = k ? freshHeld[k - 1] + 1 : 0;
      const end = k < freshHeld.length ? freshHeld[k] : fresh.length;
      if (!runChanges(old.slice(from, to), fresh.slice(start, end), found.slice(from, to),
                      found[to] || null, found[from - 1] || null, live, edits)) return false;
      if (k < oldHeld.length && !changes(old[to], fresh[end], found[to], edits)) return false;
    }
    return true;
  }

  // A run of plain nodes: `current` are their live nodes, between `previous` and `next`.
  function runChanges(gone, added, current, next, previous, parent, edits) {
    if (gone.length === added.length) {
      return gone.every((node, i) => changes(node, added[i], current[i], edits));
    }
    if (!gone.every((node, i) => current[i].isEqualNode(node))) return false;
    edits.push(() => {
      const nodes = added.map((node) => document.importNode(node, true));
      if (current.length) current[0].before(...nodes);
      else if (next) next.before(...nodes);
      else if (previous) previous.after(...nodes);
      else parent.append(...nodes);
      current.forEach((node) => node.remove());
    });
    return true;
  }

  function key(node) {
    return `${node.nodeName}#${node.id || ""}`;
  }

  // The live node of each built child, in order, skipping what the runtime added; null if
  // one is missing.
  function counterparts(built, current) {
    const found = [];
    let next = 0;
    for (const node of built) {
      while (next < current.length && !counterpart(node, current[next])) next++;
      if (next === current.length) return null;
      found.push(current[next++]);
    }
    return found;
  }

  function plain(node) {
    if (node.nodeType !== Node.ELEMENT_NODE) return true;
    return ![node, ...node.querySelectorAll("*")].some(
      (el) => el.id || [...el.attributes].some((attribute) => attribute.name.startsWith("data-")));
  }

  function counterpart(built, live) {
    if (built.nodeType !== live.nodeType || built.nodeName !== live.nodeName) return false;
    return built.nodeType !== Node.ELEMENT_NODE || built.id === live.id;
  }

  function sameAttributes(a, b) {
    if (a.attributes.length !== b.attributes.length) return false;
    return [...a.attributes].every((attribute) => b.getAttribute(attribute.name) === attribute.value);
  }

  function restoreScroll() {
    const saved = JSON.parse(sessionStorage.getItem(SCROLL_KEY) || "null");
    sessionStorage.removeItem(SCROLL_KEY);
    if (saved && saved.path === location.pathname) scrollTo(saved.x, saved.y);
  }

  // Stylesheet names carry a hash of their content, so the new names come from the new page.
  async function refreshStyles() {
    const html = await (await fetch(location.pathname, { cache: "no-store" })).text();
    const fresh = new DOMParser().parseFromString(html, "text/html").querySelectorAll("link[rel=stylesheet]");
    const current = document.querySelectorAll("link[rel=stylesheet]");
    if (fresh.length !== current.length) return location.reload();
    current.forEach((link, i) => {
      if (link.getAttribute("href") === fresh[i].getAttribute("href")) return;
      const next = link.cloneNode();
      next.href = fresh[i].getAttribute("href");
      next.addEventListener("load", () => link.remove()); // the old styles stay until the new ones apply
      link.after(next);
    });
  }

  function showProblems(problems) {
    document.getElementById(OVERLAY_ID)?.remove();
    if (!problems.length) return;
    const overlay = document.createElement("div");
    overlay.id = OVERLAY_ID;
    overlay.setAttribute("role", "alert");
    Object.assign(overlay.style, {
      position: "fixed", inset: "auto 0 0 0", zIndex: 2147483647, maxHeight: "60vh", overflow: "auto",
      margin: 0, padding: "1rem 1.25rem", background: "#2b0b0b", color: "#fff", borderTop: "4px solid #e5484d",
      font: "14px/1.5 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace", whiteSpace: "pre-wrap",
    });
    const title = document.createElement("strong");
    title.textContent = `${problems.length} problem${problems.length === 1 ? "" : "s"} in the last save (this is the last good version; save a fix to update it):`;
    const list = document.createElement("div");
    list.textContent = problems.join("\n");
    overlay.append(title, list);
    document.body.append(overlay);
  }

  addEventListener("load", async () => {
    restoreScroll();
    const page = await fetchPage();
    built = page && page.build === shown ? page : null;
  });
  connect();
})();
