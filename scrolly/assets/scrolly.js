// scrolly's reader runtime: sticky charts that follow the prose.
//
// The active step is derived from the page position on every frame that scrolls or
// resizes (the last step whose top has crossed the trigger line), never from a history
// of events: fast scrolls, reloads mid-story, zoom and resize all land on the right step.
// Charts first show the build's SVG; Vega loads when a chart nears the viewport and
// takes over the same box.

const root = document.documentElement;
const script = document.querySelector("script[data-vega]");
const vegaUrl = new URL(script.dataset.vega, script.src.replace(/assets\/[^/]*$/, "")).href;
const reducedMotion = matchMedia("(prefers-reduced-motion: reduce)");
const narrow = matchMedia("(max-width: 640px)");
const TWEEN_MS = 400;
const DATE = /^\d{4}-\d{2}-\d{2}(T[\d:.]+Z?)?$/;

const api = { views: {}, sections: {}, charts: [], ready: null };
window.scrolly = api;

let vegaPromise = null;
function loadVega() {
  vegaPromise ??= import(vegaUrl).then(() => window.vega);
  return vegaPromise;
}

class LiveChart {
  constructor(figure) {
    this.figure = figure;
    this.name = figure.dataset.chart;
    this.box = figure.querySelector(".chart-box");
    this.img = figure.querySelector(".chart-static");
    this.state = JSON.parse(figure.dataset.state);
    this.view = null;
    this.tween = null;
    this.loading = null;
  }

  load() {
    this.loading ??= this.start().catch((error) => console.warn(`scrolly: chart '${this.name}' stays static:`, error));
    return this.loading;
  }

  async start() {
    const [vega, spec] = await Promise.all([loadVega(), fetch(this.figure.dataset.spec).then((r) => r.json())]);
    const live = document.createElement("div");
    live.className = "chart-live";
    live.setAttribute("role", "img");
    live.setAttribute("aria-label", this.img.alt);
    const view = new vega.View(vega.parse(spec, null, { ast: true }), {
      expr: vega.expressionInterpreter,
      renderer: "svg",
      hover: true,
    });
    for (const [name, value] of Object.entries(this.state)) view.signal(name, value);
    await view.initialize(live).runAsync();
    this.box.append(live);
    this.img.hidden = true;
    this.view = view;
    api.views[this.name] ??= view;
    this.figure.classList.add("is-live");
  }

  show(state) {
    const from = { ...this.state };
    this.state = state;
    if (!this.view) return;
    cancelAnimationFrame(this.tween);
    const tweened = Object.keys(state).filter((k) => canTween(from[k], state[k]));
    for (const key of Object.keys(state)) if (!tweened.includes(key)) this.view.signal(key, state[key]);
    if (!tweened.length || reducedMotion.matches) {
      for (const key of tweened) this.view.signal(key, state[key]);
      this.view.runAsync();
      return;
    }
    const started = performance.now();
    const frame = (now) => {
      const t = Math.min(1, (now - started) / TWEEN_MS);
      const eased = t < 0.5 ? 2 * t * t : 1 - (-2 * t + 2) ** 2 / 2;
      for (const key of tweened) this.view.signal(key, interpolate(from[key], state[key], eased));
      this.view.runAsync();
      if (t < 1) this.tween = requestAnimationFrame(frame);
    };
    this.tween = requestAnimationFrame(frame);
  }
}

function canTween(a, b) {
  if (a === b) return false;
  if (typeof a === "number" && typeof b === "number") return true;
  return typeof a === "string" && typeof b === "string" && DATE.test(a) && DATE.test(b);
}

function interpolate(a, b, t) {
  if (typeof a === "number") return a + (b - a) * t;
  if (t >= 1) return b;
  const x = Date.parse(a), y = Date.parse(b);
  return new Date(x + (y - x) * t).toISOString();
}

class Section {
  constructor(element) {
    this.element = element;
    this.id = element.id;
    this.steps = [...element.querySelectorAll(".step")];
    this.chart = new LiveChart(element.querySelector("figure.chart"));
    this.active = -1;
    this.counter = element.querySelector(".step-counter");
    for (const button of element.querySelectorAll(".step-controls button")) {
      button.addEventListener("click", () => this.go(this.active + Number(button.dataset.move)));
    }
    element.querySelector(".step-controls")?.removeAttribute("hidden");
    const self = this;
    api.sections[this.id] = { chart: this.chart.name, get active() { return self.active; }, get view() { return self.chart.view; } };
  }

  triggerLine() {
    if (!narrow.matches) return innerHeight / 2;
    const graphic = this.element.querySelector(".scrolly-graphic").getBoundingClientRect();
    return graphic.bottom + (innerHeight - graphic.bottom) / 2;
  }

  update() {
    const line = this.triggerLine();
    let index = 0;
    this.steps.forEach((step, i) => {
      if (step.getBoundingClientRect().top <= line) index = i;
    });
    if (index === this.active) return;
    this.active = index;
    this.steps.forEach((step, i) => (i === index ? step.setAttribute("aria-current", "step") : step.removeAttribute("aria-current")));
    if (this.counter) this.counter.textContent = `${index + 1} / ${this.steps.length}`;
    this.chart.show(JSON.parse(this.steps[index].dataset.state));
  }

  go(index) {
    const step = this.steps[Math.max(0, Math.min(this.steps.length - 1, index))];
    const top = step.getBoundingClientRect().top + scrollY - this.triggerLine() + 1;
    scrollTo({ top, behavior: reducedMotion.matches ? "instant" : "smooth" });
  }
}

const sections = [...document.querySelectorAll(".scrolly")].map((el) => new Section(el));
const standalone = [...document.querySelectorAll("figure.chart")]
  .filter((figure) => !figure.closest(".scrolly"))
  .map((figure) => new LiveChart(figure));
api.charts = [...sections.map((s) => s.chart), ...standalone];

// Chapter navigation and reading progress.
const progress = document.querySelector(".progress-bar");
const chapterLinks = [...document.querySelectorAll(".toc a[href^='#']")];
const chapters = chapterLinks.map((a) => document.getElementById(a.hash.slice(1))).filter(Boolean);
const current = document.querySelector(".current-chapter");

function updatePage() {
  const max = root.scrollHeight - innerHeight;
  if (progress) progress.style.transform = `scaleX(${max > 0 ? Math.min(1, scrollY / max) : 1})`;
  let here = null;
  for (const chapter of chapters) if (chapter.getBoundingClientRect().top <= innerHeight / 3) here = chapter;
  for (const link of chapterLinks) {
    if (here && link.hash === `#${here.id}`) link.setAttribute("aria-current", "location");
    else link.removeAttribute("aria-current");
  }
  if (current) current.textContent = here ? chapterLinks.find((l) => l.hash === `#${here.id}`)?.textContent ?? "" : "";
  for (const section of sections) section.update();
}

let queued = false;
function schedule() {
  if (queued) return;
  queued = true;
  requestAnimationFrame(() => {
    queued = false;
    updatePage();
  });
}
addEventListener("scroll", schedule, { passive: true });
addEventListener("resize", schedule);
narrow.addEventListener("change", schedule);

// Keyboard: focusing a step (Tab) brings it to the trigger line.
for (const section of sections) {
  section.element.addEventListener("keydown", (event) => {
    if (event.target.closest("input, textarea, select")) return;
    if (event.key === "j" || event.key === "PageDown" && event.target.closest(".step-controls")) { section.go(section.active + 1); event.preventDefault(); }
    if (event.key === "k" || event.key === "PageUp" && event.target.closest(".step-controls")) { section.go(section.active - 1); event.preventDefault(); }
  });
}

// Live charts load when they near the viewport, after the first paint.
const nearby = new IntersectionObserver((entries) => {
  for (const entry of entries) {
    if (!entry.isIntersecting) continue;
    nearby.unobserve(entry.target);
    const chart = api.charts.find((c) => c.figure === entry.target);
    const start = () => chart.load().then(schedule);
    "requestIdleCallback" in window ? requestIdleCallback(start, { timeout: 1500 }) : setTimeout(start, 200);
  }
}, { rootMargin: "50% 0px" });
for (const chart of api.charts) nearby.observe(chart.figure);

api.ready = (name) => Promise.all(api.charts.filter((c) => !name || c.name === name).map((c) => c.load()));
updatePage();
