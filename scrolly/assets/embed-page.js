// The embed page (embed/<name>/): one chart, live, in the state its address asks for,
// telling the page that frames it how tall it is (the protocol is in scrolly/embed.py).
//
// The address may set params in the syntax of step values, URL-encoded:
// embed/map/?focus=%22tokyo%22 sets focus to "tokyo". An unknown param or a value of
// the wrong kind shows the default state and says why in the console.

const root = document.documentElement;
const figure = document.querySelector("figure[data-spec]");
const box = figure.querySelector(".chart-box");
const img = figure.querySelector(".chart-static");
const vegaUrl = new URL(document.querySelector("script[data-vega]").dataset.vega, document.baseURI).href;
const params = JSON.parse(figure.dataset.params);
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const SIZED = "is-sized-by-host";

const api = { chart: figure.dataset.chart, state: {}, view: null, ready: null };
window.scrollyEmbed = api;

function kindOf(value) {
  if (value === null) return "null";
  if (typeof value === "boolean") return "boolean";
  if (typeof value === "number" && Number.isFinite(value)) return "number";
  if (typeof value === "string") return "string";
  return "other";
}

/** Whether "YYYY-MM-DD" names a real day ("2023-02-30" does not), as scrolly/params.py checks. */
function isCalendarDay(text) {
  const [year, month, day] = text.split("-").map(Number);
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);  // unlike Date.UTC, no 1900 added to years below 100
  return year >= 1 && date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/**
 * Why `value` cannot be given to `param`, or null if it can (as Param.problem_with in charts.py).
 */
function problemWith(param, value) {
  const kind = kindOf(value);
  const shown = JSON.stringify(value);
  if (kind === "other") return `param '${param.name}' takes "text", a number, true, false or null, got ${shown}`;
  if (param.kind === "date") {
    if (kind !== "string" || !DATE.test(value)) return `param '${param.name}' takes a date like "2023-07-11", got ${shown}`;
    return isCalendarDay(value) ? null : `param '${param.name}' takes a date like "2023-07-11", got ${shown}, which is not a day of the calendar`;
  }
  if (param.kind === "string or null" && (kind === "string" || kind === "null")) return null;
  if (param.kind === kind || param.kind === "value") return null;
  return `param '${param.name}' takes a ${param.kind}, got ${shown} (${kind})`;
}

/** The state the address asks for: {state} or {problem}. */
function stateFromAddress(search) {
  const known = new Map(params.map((param) => [param.name, param]));
  const state = {};
  for (const [name, text] of new URLSearchParams(search)) {
    const param = known.get(name);
    if (!param) {
      const names = [...known.keys()].join(", ") || "none";
      return { problem: `unknown param '${name}' (this chart's params: ${names})` };
    }
    if (name in state) return { problem: `param '${name}' is set twice` };
    let value;
    try {
      value = JSON.parse(text);
    } catch {
      return { problem: `cannot read ${name}=${text}: a value is "text" in double quotes, a number, true, false or null` };
    }
    const problem = problemWith(param, value);
    if (problem) return { problem };
    state[name] = value;
  }
  return { state };
}

const asked = stateFromAddress(location.search);
if (asked.problem) console.warn(`scrolly embed: ${asked.problem}; showing the chart's default state.`);
api.state = asked.state ?? {};

async function goLive() {
  const [vega, spec] = await Promise.all([
    import(vegaUrl).then(() => window.vega),
    fetch(figure.dataset.spec).then((response) => {
      if (!response.ok) throw new Error(`${response.status} for ${response.url}`);
      return response.json();
    }),
  ]);
  const view = new vega.View(vega.parse(spec, null, { ast: true }), {
    expr: vega.expressionInterpreter,
    renderer: "svg",
    hover: true,
    tooltip: vega.Handler ? new vega.Handler({ disableDefaultStyle: true, theme: "scrolly" }).call : undefined,
  });
  for (const [name, value] of Object.entries(api.state)) view.signal(name, value);
  const live = document.createElement("div");
  live.className = "chart-live";
  await view.initialize(live, figure.querySelector(".chart-bindings") ?? undefined).runAsync();
  // Vega marks its container up as a "graphics-document" named by the spec; one image
  // named by the chart's description, like the static SVG, reads better.
  live.setAttribute("role", "img");
  live.setAttribute("aria-label", img.alt);
  live.removeAttribute("aria-roledescription");
  live.querySelector("svg")?.setAttribute("aria-hidden", "true");
  box.append(live);
  img.hidden = true;
  api.view = view;
  return view;
}

addEventListener("keydown", (event) => {
  if (event.key === "Escape") document.getElementById("vg-tooltip-element")?.classList.remove("visible");
});

api.ready = goLive().catch((error) => console.warn("scrolly embed: the chart stays static:", error));

// Height: the frame reports the height its content needs; once the host says it follows
// that height, the page stops fitting itself into the iframe.
let reported = 0;

function neededHeight() {
  const sized = root.classList.contains(SIZED);
  root.classList.add(SIZED);
  const height = Math.ceil(document.body.getBoundingClientRect().height);
  if (!sized) root.classList.remove(SIZED);
  return height;
}

function report(always = false) {
  if (window.parent === window) return;
  const height = neededHeight();
  if (height === reported && !always) return;
  reported = height;
  window.parent.postMessage({ type: "scrolly-embed:height", chart: api.chart, height }, "*");
}

addEventListener("message", (event) => {
  if (event.source !== window.parent || event.data?.type !== "scrolly-embed:host") return;
  if (root.classList.contains(SIZED)) return;
  root.classList.add(SIZED);
  report(true);
});
new ResizeObserver(() => report()).observe(document.body);
addEventListener("resize", () => report());
report(true);
