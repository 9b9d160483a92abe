// Live reload for `python build.py serve`: added to pages only while they are served,
// never written into a built site.
//
// The server sends {build, problems, stylesOnly} when the page connects and after every
// build. A new build reloads the page (or swaps its stylesheets when only styles changed)
// and comes back to the same scroll position: the reader runtime derives the active step
// and the chart state from it. Problems show over the last good page until fixed.

(() => {
  const SCROLL_KEY = "scrolly-dev-scroll";
  const OVERLAY_ID = "scrolly-dev-problems";
  let shown = document.currentScript.dataset.build;

  function connect() {
    const socket = new WebSocket(`${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/__scrolly/live`);
    socket.onmessage = (event) => update(JSON.parse(event.data));
    socket.onclose = () => setTimeout(connect, 1000); // the server restarted or the laptop slept: try again
  }

  function update({ build, problems, stylesOnly }) {
    showProblems(problems);
    if (problems.length || build === shown || build === "none") return;
    if (stylesOnly) {
      shown = build;
      refreshStyles();
    } else {
      sessionStorage.setItem(SCROLL_KEY, JSON.stringify({ path: location.pathname, x: scrollX, y: scrollY }));
      history.scrollRestoration = "manual"; // one restorer, ours, whatever the browser does
      location.reload();
    }
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

  addEventListener("load", restoreScroll);
  connect();
})();
