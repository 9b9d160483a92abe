// scrolly's reader runtime: sticky charts that follow the prose. No framework, no build step.
//
// The active step of a section is derived from the page position every time the page
// scrolls or resizes (the last step whose top has crossed the trigger line), never from a
// history of events: fast scrolls, reloads mid-story, zoom and resize all land on the
// right step.
// A chart shows the build's picture of each step's state: steps swap pictures (a short
// cross-fade), fetched a step or two ahead in idle time, so scrolling runs no Vega at all.
// Vega (the big download) is fetched only when a reader explores a chart (moves the mouse
// over it, taps it, or focuses it from the keyboard); from then on steps drive the live
// view. A chart with bound inputs (which only Vega draws) goes live once the reader starts
// and it is within one viewport. The live view takes the picture's box, whose size CSS
// fixes in advance.

const TWEEN_MS = 400;
const FADE_MS = 200;           // a step's new picture cross-fades in
const AHEAD = 2;               // pictures fetched ahead of the active step
const NEAR = "100% 0px";       // how close a chart must be to the viewport to go live
const SHRINK_LIMIT = 0.95;     // below this scale a live chart is laid out again for its box
const MIN_PLOT = 120;          // smallest plot width or height a re-layout may ask for
const SLOW_FRAME_MS = 50;      // a chart whose frames take longer (a long task) is too heavy to tween
const DATE = /^\d{4}-\d{2}-\d{2}(T[\d:.]+Z?)?$/;
const READER_EVENTS = ["scroll", "wheel", "touchstart", "pointerdown", "pointermove", "keydown"];

const script = document.querySelector("script[data-vega]");
const vegaUrl = new URL(script.dataset.vega, document.baseURI).href;
const reducedMotion = matchMedia("(prefers-reduced-motion: reduce)");
const narrow = matchMedia("(max-width: 640px)");
const darkScheme = matchMedia("(prefers-color-scheme: dark)");

const api = { views: {}, sections: {}, ready };
window.scrolly = api;

let vegaPromise = null;
function loadVega() {
  vegaPromise ??= import(vegaUrl).then(() => window.vega);
  return vegaPromise;
}

/** Resolves once the reader does something (or arrives mid-page), so a reader who only looks pays for no Vega. */
const readerStarted = new Promise((resolve) => {
  const start = () => {
    for (const type of READER_EVENTS) removeEventListener(type, start, true);
    resolve();
  };
  for (const type of READER_EVENTS) addEventListener(type, start, { capture: true, passive: true });
  if (scrollY > 0 || location.hash) start();
});

/** Charts (by name) that render too slowly on this device to be tweened frame by frame. */
const heavyCharts = new Set();

/** Resolves in a new task, so work split by it never adds up to one long task while the reader scrolls. */
function nextTask() {
  return globalThis.scheduler?.yield ? scheduler.yield() : new Promise((resolve) => setTimeout(resolve, 0));
}

/**
 * The state an element's data-state holds, or null (and a console warning) when it cannot
 * be read: one bad state, say from a page edited by hand, must not stop the rest of the page.
 */
function readState(element) {
  try {
    const state = JSON.parse(element.dataset.state);
    if (state && typeof state === "object" && !Array.isArray(state)) return state;
    throw new TypeError("not an object of param values");
  } catch (error) {
    console.warn(`scrolly: ignoring the state of #${element.id || element.dataset.chart}:`, error);
    return null;
  }
}

function whenIdle(callback) {
  if ("requestIdleCallback" in window) requestIdleCallback(callback, { timeout: 500 });
  else setTimeout(callback, 50);
}

/** Resolves once the page has loaded: pictures fetched ahead never compete with first paint. */
const pageLoaded = new Promise((resolve) => {
  if (document.readyState === "complete") resolve();
  else addEventListener("load", resolve, { once: true });
});

/** A step's picture of its state (from the build), or null when the build drew none (a preview). */
function stepPicture(step) {
  return step.dataset.picture ? { url: step.dataset.picture, dark: step.dataset.pictureDark ?? "" } : null;
}

/** The address the browser shows for a picture: its dark twin for a reader in dark mode. */
function shownUrl(picture) {
  return darkScheme.matches && picture.dark ? picture.dark : picture.url;
}

const fetched = new Map();  // picture address -> promise of it decoded
/** Fetch and decode a picture once; swapping to it then paints at once. */
function preload(url) {
  if (!fetched.has(url)) {
    const image = new Image();
    image.decoding = "async";
    image.src = url;
    fetched.set(url, image.decode().catch(() => {}));
  }
  return fetched.get(url);
}

// -- one chart: the build's SVG, then the live Vega view ----------------------------------

class LiveChart {
  constructor(figure) {
    this.figure = figure;
    this.name = figure.dataset.chart;
    this.box = figure.querySelector(".chart-box");
    this.img = figure.querySelector(".chart-static");
    this.state = readState(figure) ?? {};  // unreadable: the chart's own defaults
    this.view = null;
    this.design = null;   // the chart's own plot size and the room its axes, legends and title take
    this.fittedTo = "";   // the box size the view was last laid out for
    this.tween = 0;
    this.loading = null;
    this.selections = {};  // selection name -> how to set it (from the spec's usermeta)
    this.chosen = {};      // selection name -> the value last set
    const source = this.img.parentElement.querySelector("source");
    this.shown = shownUrl({ url: this.img.getAttribute("src"), dark: source?.getAttribute("srcset") ?? "" });
    this.swaps = 0;        // counts picture swaps, so a slow one never undoes a later one
    this.exploreOnInput();
  }

  /**
   * Go live when the reader explores the chart: a mouse moving over it, a tap (not a swipe
   * that scrolls), or keyboard focus on its box, which is named for that.
   */
  exploreOnInput() {
    const title = this.figure.querySelector(".chart-title")?.textContent.trim();
    this.box.tabIndex = 0;
    this.box.setAttribute("role", "group");
    this.box.setAttribute("aria-label", title ? `Explore the chart: ${title}` : "Explore the chart");
    const events = ["pointermove", "pointerup", "focusin"];
    const explore = (event) => {
      if (event.type === "pointermove" && (event.pointerType !== "mouse" || !(event.movementX || event.movementY))) return;
      for (const type of events) this.box.removeEventListener(type, explore);
      this.load();
    };
    for (const type of events) this.box.addEventListener(type, explore, { passive: true });
  }

  /** Show a step's picture in place of the one shown, cross-fading unless `instant`. */
  async swap(picture, instant) {
    const url = shownUrl(picture);
    const ticket = ++this.swaps;
    if (url === this.shown) return;
    await preload(url);
    if (ticket !== this.swaps || this.view) return;
    this.shown = url;
    const holder = this.img.parentElement.tagName === "PICTURE" ? this.img.parentElement : this.img;
    let fading = null;
    if (!instant && !reducedMotion.matches) {
      fading = holder.cloneNode(true);
      const old = fading.tagName === "IMG" ? fading : fading.querySelector("img");
      old.className = "chart-fading";
      old.alt = "";
      fading.setAttribute("aria-hidden", "true");
      holder.after(fading);
    }
    holder.querySelector?.("source")?.setAttribute("srcset", picture.dark);
    this.img.src = picture.url;
    if (!fading) return;
    const old = fading.tagName === "IMG" ? fading : fading.querySelector("img");
    old.animate([{ opacity: 1 }, { opacity: 0 }], { duration: FADE_MS, easing: "ease-out" })
      .finished.catch(() => {}).then(() => fading.remove());
  }

  load() {
    this.loading ??= this.start().catch((error) => {
      console.warn(`scrolly: chart '${this.name}' stays static:`, error);
    });
    return this.loading;
  }

  async start() {
    const [vega, spec] = await Promise.all([
      loadVega(),
      fetch(this.figure.dataset.spec).then((response) => response.json()),
      this.img.decode().catch(() => {}),
    ]);
    await nextTask();  // not in the task that evaluated Vega, nor in another chart's
    const live = document.createElement("div");
    live.className = "chart-live";
    live.setAttribute("role", "img");
    live.setAttribute("aria-label", this.img.alt);
    live.hidden = true;
    this.box.append(live);
    const view = new vega.View(vega.parse(spec, null, { ast: true }), {
      expr: vega.expressionInterpreter,
      renderer: "svg",
      hover: true,
      tooltip: tooltipHandler(vega),
    });
    this.selections = spec.usermeta?.scrolly?.selections ?? {};
    this.dateInputs = new Set((spec.signals ?? []).filter((s) => s.bind?.input === "date").map((s) => s.name));
    // The static SVG has the chart's full size, so the room around the plot is known
    // before the first render: the live view renders once, at the size it will keep.
    const resizable = typeof spec.width === "number" && typeof spec.height === "number" && this.img.naturalWidth > 0;
    this.design = resizable
      ? { width: spec.width, height: spec.height, padX: this.img.naturalWidth - spec.width, padY: this.img.naturalHeight - spec.height }
      : null;
    this.view = view.initialize(live, this.figure.querySelector(".chart-bindings") ?? undefined);
    this.view.description(this.img.alt);  // Vega names its container after the spec's description
    this.setAll(this.state);
    await nextTask();  // the first run is the biggest piece (a map: some 40 ms)
    await this.fit();
    // A selection in a nested view follows its signal only once the view has run, and
    // after a change: clear it, then set it again.
    const selected = Object.keys(this.state).filter((name) => name in this.selections);
    if (selected.length) {
      for (const name of selected) this.set(name, null);
      await this.view.runAsync();
      for (const name of selected) this.set(name, this.state[name]);
      await this.view.runAsync();
    }
    live.hidden = false;
    this.img.hidden = true;
    this.figure.classList.add("is-live");
    api.views[this.name] = charts.find((chart) => chart.name === this.name && chart.view).view;
    if (this.design) new ResizeObserver(() => this.fit()).observe(this.box);
  }

  /** Pixels the axes, legends and title take around the plot, as last rendered. */
  room(view) {
    const svg = view.container().querySelector("svg");
    return {
      padX: Number(svg.getAttribute("width")) - view.width(),
      padY: Number(svg.getAttribute("height")) - view.height(),
    };
  }

  /**
   * Lay the chart out again for its box when scaling the design down would shrink its
   * text; the box itself never changes size, so nothing on the page moves.
   */
  async fit() {
    const boxWidth = this.box.clientWidth, boxHeight = this.box.clientHeight;
    if (!this.design || !boxWidth || !boxHeight) return this.view.runAsync();
    if (this.fittedTo === `${boxWidth}x${boxHeight}`) return;
    this.fittedTo = `${boxWidth}x${boxHeight}`;
    const { width, height, padX, padY } = this.design;
    const shrink = Math.min(boxWidth / (width + padX), boxHeight / (height + padY)) < SHRINK_LIMIT;
    const plotSize = (room) => (shrink
      ? [Math.max(MIN_PLOT, Math.floor(boxWidth - room.padX)), Math.max(MIN_PLOT, Math.floor(boxHeight - room.padY))]
      : [width, height]);
    const [plotWidth, plotHeight] = plotSize(this.design);
    await this.view.width(plotWidth).height(plotHeight).runAsync();
    if (!shrink) return;
    const [fixedWidth, fixedHeight] = plotSize(this.room(this.view));  // axis labels may have changed: correct once
    if (fixedWidth === plotWidth && fixedHeight === plotHeight) return;
    await nextTask();
    await this.view.width(fixedWidth).height(fixedHeight).runAsync();
  }

  /** Name the graphic for the state it shows: what the chart is, then what this state shows. */
  label(alt) {
    const text = alt ? `${this.figure.dataset.description} ${alt}` : this.figure.dataset.description;
    this.img.alt = text;
    this.view?.description(text);
  }

  setAll(state) {
    for (const [name, value] of Object.entries(state)) this.set(name, value);
  }

  /** Set a param's signal, or a selection's store (through the signal the build gave it). */
  set(name, value) {
    const selection = this.selections[name];
    if (!selection) {
      this.view.signal(name, this.dateInputs.has(name) && typeof value === "string" ? value.slice(0, 10) : value);
      return;
    }
    this.chosen[name] = value;
    this.view.signal(selection.signal, selection.type === "point" ? pointTuples(selection, value) : value && { ...value });
  }

  current(name) {
    return name in this.selections ? this.chosen[name] ?? null : this.view.signal(name);
  }

  /**
   * Move the chart to a step's state. Not live: show the step's picture of it (or, with no
   * picture drawn, go live). Live: numbers and dates glide, the rest switch at once.
   */
  show(state, picture = null, instant = false) {
    const from = this.view ? Object.fromEntries(Object.keys(state).map((k) => [k, this.current(k)])) : this.state;
    this.state = state;
    if (!this.view) {
      if (picture) this.swap(picture, instant);
      else this.load();  // a preview (the dev server) draws no step's picture
      return;
    }
    cancelAnimationFrame(this.tween);
    const heavy = () => heavyCharts.has(this.name);
    const glide = reducedMotion.matches || heavy() ? [] : Object.keys(state).filter((k) => canTween(from[k], state[k]));
    for (const key of Object.keys(state)) if (!glide.includes(key)) this.set(key, state[key]);
    if (!glide.length) {
      this.view.runAsync();
      return;
    }
    const started = performance.now();
    let previous = 0, slowFrames = 0;
    const frame = (now) => {
      slowFrames = previous && now - previous > SLOW_FRAME_MS ? slowFrames + 1 : 0;
      previous = now;
      if (slowFrames >= 2) heavyCharts.add(this.name);  // the device cannot keep up: finish now, switch from now on
      const t = heavy() ? 1 : Math.min(1, (now - started) / TWEEN_MS);
      const eased = t < 0.5 ? 2 * t * t : 1 - (-2 * t + 2) ** 2 / 2;
      for (const key of glide) this.set(key, t < 1 ? interpolate(from[key], state[key], eased) : state[key]);
      this.view.runAsync();
      if (t < 1) this.tween = requestAnimationFrame(frame);
    };
    this.tween = requestAnimationFrame(frame);
  }
}

function canTween(a, b) {
  if (a === b) return false;
  if (isInterval(a) && isInterval(b)) {
    const keys = Object.keys(b);
    return keys.length === Object.keys(a).length && keys.every((k) => k in a && a[k].every((v, i) => canTween(v, b[k][i]) || v === b[k][i]));
  }
  if (typeof a === "number" && typeof b === "number") return true;
  return typeof a === "string" && typeof b === "string" && DATE.test(a) && DATE.test(b);
}

/** An interval selection's value: {channel: [from, to], …}. */
function isInterval(value) {
  return value !== null && typeof value === "object" && !Array.isArray(value) &&
    Object.values(value).every((pair) => Array.isArray(pair) && pair.length === 2);
}

function interpolate(a, b, t) {
  if (isInterval(a)) return Object.fromEntries(Object.keys(b).map((k) => [k, a[k].map((v, i) => (v === b[k][i] ? v : interpolate(v, b[k][i], t)))]));
  if (typeof a === "number") return a + (b - a) * t;
  const x = Date.parse(a), y = Date.parse(b);
  return new Date(x + (y - x) * t).toISOString();
}

/** The store tuples of a point selection's value (a value, a list of values, or of objects by field). */
function pointTuples(selection, value) {
  if (value === null || value === undefined) return [];
  const items = Array.isArray(value) ? value : [value];
  return items.map((item) => ({
    unit: selection.unit,
    fields: selection.tuple_fields,
    values: selection.fields.map((field) => (item !== null && typeof item === "object" ? item[field] : item)),
  }));
}

/** Vega's tooltip handler (vega-tooltip), styled by the page's CSS, not by a <style> it injects. */
function tooltipHandler(vega) {
  if (!vega.Handler) return undefined;
  const handler = new vega.Handler({ disableDefaultStyle: true, theme: "scrolly" });
  // a tooltip stands where the pointer is on screen, not where the chart thinks it is
  return (view, event, item, value) => handler.call(view, onScreen(event), item, value);
}

// -- pointer input on a chart drawn larger or smaller than its design --------------------
//
// Vega reads a pointer as clientX/Y minus its SVG's box, in the design's pixels: on a chart
// the page scales (CSS width), a brush or a drag would land away from the pointer. Each
// pointer event over (or dragged from) a scaled live chart gets coordinates that Vega
// reads right; the tooltip, which places itself on screen, gets the real ones back.

const POINTER_EVENTS = ["pointerdown", "pointermove", "pointerup", "mousedown", "mousemove", "mouseup",
  "click", "dblclick", "wheel", "touchstart", "touchmove", "touchend"];
let dragged = null;  // the chart SVG a drag started on: moves outside it still belong to it

function mapPointer(event) {
  const svg = dragged ?? event.target?.closest?.(".chart-live svg");
  if (event.type === "pointerdown" || event.type === "mousedown" || event.type === "touchstart") dragged = svg;
  if (event.type === "pointerup" || event.type === "mouseup" || event.type === "touchend") {
    queueMicrotask(() => { dragged = null; });
  }
  if (!svg) return;
  const box = svg.getBoundingClientRect();
  const width = Number(svg.getAttribute("width")) || box.width;
  const height = Number(svg.getAttribute("height")) || box.height;
  const scale = Math.min(box.width / width, box.height / height);  // drawn whole, centred
  if (!scale || Math.abs(scale - 1) < 0.005) return;
  const left = box.left + (box.width - width * scale) / 2, top = box.top + (box.height - height * scale) / 2;
  const map = (point) => {
    const [x, y] = [point.clientX, point.clientY];
    return { clientX: box.left + (x - left) / scale, clientY: box.top + (y - top) / scale,
      screen: { clientX: x, clientY: y } };
  };
  const mapped = map(event);
  Object.defineProperties(event, {
    clientX: { value: mapped.clientX }, clientY: { value: mapped.clientY },
    scrollyScreen: { value: mapped.screen },
  });
  if (event.changedTouches?.length) {
    const touch = map(event.changedTouches[0]);
    Object.defineProperty(event, "changedTouches", { value: [{ ...touch, identifier: event.changedTouches[0].identifier }] });
  }
}

function onScreen(event) {
  if (!event?.scrollyScreen) return event;
  return new Proxy(event, { get: (target, key) => target.scrollyScreen[key] ?? Reflect.get(target, key) });
}

for (const type of POINTER_EVENTS) addEventListener(type, mapPointer, { capture: true, passive: true });

// Escape dismisses a tooltip.
addEventListener("keydown", (event) => {
  if (event.key === "Escape") document.getElementById("vg-tooltip-element")?.classList.remove("visible");
});

// -- stickies: images zoomed and panned, texts and code highlighted --------------------------
// Their changes are CSS transitions of the same length and easing as a chart's tween, so
// they run off the main thread and stop at once under reduced motion (story.css).

/** An image sticky: zoom (1: the whole image) on the point x, y (0–1), kept inside the image. */
class ImageSticky {
  constructor(item) {
    this.img = item.querySelector(".sticky-img");
    this.state = { zoom: 1, x: 0.5, y: 0.5 };
  }

  show(state) {
    this.state = state;
    const zoom = Math.max(1, Number(state.zoom) || 1);
    const room = (zoom - 1) / 2;  // how far the scaled image may move before an edge shows
    const shift = (at) => 100 * Math.max(-room, Math.min(room, -zoom * ((Number(at) || 0.5) - 0.5)));
    this.img.style.transform = zoom === 1 ? "" : `translate(${shift(state.x)}%, ${shift(state.y)}%) scale(${zoom})`;
  }
}

/** A text or code sticky: a phrase (or code lines) lit, the rest dimmed; null lights nothing. */
class TextSticky {
  constructor(item) {
    this.body = item.querySelector(".sticky");
    this.code = this.body.classList.contains("sticky-code");
    this.phrases = this.body.dataset.highlights ? JSON.parse(this.body.dataset.highlights) : [];
    this.state = { highlight: null };
  }

  show(state) {
    this.state = state;
    const wanted = state.highlight ?? null;
    this.body.classList.toggle("is-dimmed", wanted !== null);
    if (this.code) {
      const lines = new Set(wanted === null ? [] : lineNumbers(String(wanted)));
      for (const line of this.body.querySelectorAll(".code-line")) line.classList.toggle("is-lit", lines.has(Number(line.dataset.line)));
      return;
    }
    const number = String(this.phrases.indexOf(wanted));
    for (const span of this.body.querySelectorAll(".hl")) span.classList.toggle("is-lit", span.dataset.hl.split(" ").includes(number));
  }
}

/** "2-4,7" -> [2, 3, 4, 7] */
function lineNumbers(spec) {
  return spec.split(",").flatMap((part) => {
    const [first, last = first] = part.split("-").map(Number);
    return Array.from({ length: Math.max(0, last - first + 1) }, (_, i) => first + i);
  });
}

/** The graphics of one section, stacked in its pinned stage: one is shown at a time. */
class Stage {
  constructor(element, liveCharts) {
    this.element = element;
    this.graphics = new Map();
    for (const item of element.querySelectorAll(".stage-item")) {
      const chart = liveCharts.find((c) => item.contains(c.figure));
      const graphic = chart ?? (item.querySelector(".sticky-img") ? new ImageSticky(item) : new TextSticky(item));
      this.graphics.set(item.dataset.graphic, { item, graphic });
      if (!item.hasAttribute("data-active")) item.inert = true;
    }
    this.current = [...this.graphics.values()].find((entry) => entry.item.hasAttribute("data-active"));
    this.lastChart = this.current?.graphic instanceof LiveChart ? this.current.graphic : null;
  }

  /**
   * Show graphic `name` in `state` (a chart: with the step's `picture` of it); cross-fade
   * to it from the one shown (at once when `instant`).
   */
  show(name, state, alt, instant, picture) {
    const entry = this.graphics.get(name) ?? this.current;
    if (instant) {
      this.element.classList.add("is-instant");
      requestAnimationFrame(() => requestAnimationFrame(() => this.element.classList.remove("is-instant")));
    }
    if (entry !== this.current) {
      for (const other of this.graphics.values()) {
        other.item.toggleAttribute("data-active", other === entry);
        other.item.inert = other !== entry;
      }
      this.current = entry;
    }
    if (entry.graphic instanceof LiveChart) {
      this.lastChart = entry.graphic;
      entry.graphic.label(alt);
    }
    entry.graphic.show(state, picture, instant);
  }
}

// -- one scrolly section: its graphics and its steps ----------------------------------------

class Section {
  constructor(element, chart) {
    this.element = element;
    this.id = element.id;
    this.steps = [...element.querySelectorAll(".step")];
    this.graphic = element.querySelector(".scrolly-graphic");
    this.chart = chart;  // the section's first chart (its stage may show others, and stickies)
    this.stage = new Stage(element.querySelector(".scrolly-stage"), charts);
    this.counter = element.querySelector(".step-counter");
    this.status = element.querySelector(".step-status");
    this.active = -1;
    this.fetchedFor = -1;  // the step whose neighbours' pictures were fetched
    this.target = null;  // the step a button or key is scrolling to
    const controls = element.querySelector(".step-controls");
    for (const button of controls.querySelectorAll("button")) {
      button.addEventListener("click", () => this.move(Number(button.dataset.move)));
    }
    controls.addEventListener("keydown", (event) => this.onControlKey(event));
    controls.hidden = false;
    const section = this;
    api.sections[this.id] = {
      chart: this.chart?.name,
      steps: this.steps.length,
      get active() { return section.active; },
      get graphic() { return section.stage.current?.item.dataset.graphic; },
      get view() { return (section.stage.lastChart ?? section.chart)?.view; },
      go: (index) => section.go(index),
    };
  }

  /**
   * The height, in the viewport, that a step's top must cross to become active: the middle
   * of the screen, or on narrow screens just below the pinned chart (an eighth of the way
   * down the room under it), so that the card just activated fits in that room.
   */
  triggerLine() {
    // the middle of the screen, too, when the graphic is not pinned (a short window)
    if (!narrow.matches || getComputedStyle(this.graphic).position !== "sticky") return innerHeight / 2;
    const pinned = parseFloat(getComputedStyle(this.graphic).top) + this.graphic.offsetHeight;
    return pinned + Math.max(0, innerHeight - pinned) / 8;
  }

  update(atBottom) {
    const line = this.triggerLine();
    let index = 0;
    this.steps.forEach((step, i) => {
      if (step.getBoundingClientRect().top <= line) index = i;
    });
    const last = this.steps[this.steps.length - 1].getBoundingClientRect();
    if (atBottom && last.top < innerHeight) index = this.steps.length - 1;
    if (index === this.target) this.target = null;
    if (index === this.active) return;
    const first = this.active < 0;
    this.active = index;
    this.steps.forEach((step, i) => (i === index ? step.setAttribute("aria-current", "step") : step.removeAttribute("aria-current")));
    this.counter.textContent = `Step ${index + 1} of ${this.steps.length}`;
    const alt = this.steps[index].dataset.alt || "";
    // Screen readers hear what the graphic now shows; not on page load, only when the reader moves.
    if (!first) this.status.textContent = `Step ${index + 1} of ${this.steps.length}: ${alt}`;
    const state = readState(this.steps[index]);
    const shown = this.steps[index].dataset.show;
    try {
      if (state) this.stage.show(shown, state, alt, first, stepPicture(this.steps[index]));
    } catch (error) {  // a state naming a param the chart lacks: the other steps still work
      console.warn(`scrolly: graphic '${shown}' cannot show the state of #${this.steps[index].id}:`, error);
    }
    const detail = { index, graphic: this.stage.current?.item.dataset.graphic, state: this.stage.current?.graphic.state };
    this.element.dispatchEvent(new CustomEvent("scrolly:step", { bubbles: true, detail }));
  }

  /**
   * Once the page has loaded, in idle time, for a section within a viewport of the screen:
   * the pictures of the steps after the active one, and of the one before.
   */
  fetchAhead() {
    const index = this.active, box = this.element.getBoundingClientRect();
    if (index === this.fetchedFor || box.top > 2 * innerHeight || box.bottom < -innerHeight) return;
    this.fetchedFor = index;
    pageLoaded.then(() => whenIdle(() => {
      if (index !== this.active) return;
      for (const step of [...this.steps.slice(index + 1, index + 1 + AHEAD), this.steps[index - 1]]) {
        const picture = step && stepPicture(step);
        if (picture) preload(shownUrl(picture));
      }
    }));
  }

  move(delta) {
    this.go((this.target ?? this.active) + delta);
  }

  /** Scroll so that step `index` sits just past the trigger line (which makes it active). */
  go(index, behavior = reducedMotion.matches ? "instant" : "smooth") {
    index = Math.max(0, Math.min(this.steps.length - 1, index));
    this.target = index;
    const top = this.steps[index].getBoundingClientRect().top + scrollY - this.triggerLine() + 2;
    scrollTo({ top: Math.max(0, top), behavior });
  }

  /** Whether the reader is inside this section (its chart pinned across the middle of the screen). */
  isBeingRead() {
    const box = this.element.getBoundingClientRect();
    return box.top < innerHeight / 2 && box.bottom > innerHeight / 2;
  }

  onControlKey(event) {
    const moves = { ArrowDown: 1, ArrowRight: 1, PageDown: 1, ArrowUp: -1, ArrowLeft: -1, PageUp: -1 };
    if (event.key in moves) this.move(moves[event.key]);
    else if (event.key === "Home") this.go(0);
    else if (event.key === "End") this.go(this.steps.length - 1);
    else return;
    event.preventDefault();
  }

  /** How much of the section is on screen, for keys that act on "the section being read". */
  visibleHeight() {
    const box = this.element.getBoundingClientRect();
    return Math.max(0, Math.min(innerHeight, box.bottom) - Math.max(0, box.top));
  }
}

const charts = [...document.querySelectorAll("figure.chart")].map((figure) => new LiveChart(figure));
const sections = [...document.querySelectorAll(".scrolly")].map(
  (element) => new Section(element, charts.find((chart) => element.contains(chart.figure))),
);

/** window.scrolly.ready(name?): resolves when that chart (or every chart) is live. */
function ready(name) {
  const chosen = charts.filter((chart) => !name || chart.name === name);
  return Promise.all(chosen.map((chart) => chart.load())).then(() => (name ? api.views[name] : api.views));
}

// -- the page: reading progress, current chapter, active steps ------------------------------

const progress = document.querySelector(".progress-bar");
const tocList = document.querySelector(".toc ol");
const chapterLinks = [...document.querySelectorAll(".toc a[href^='#']")];
const chapters = chapterLinks.map((link) => document.getElementById(link.hash.slice(1)));
let currentChapter = null;

function updatePage() {
  const max = document.documentElement.scrollHeight - innerHeight;
  const atBottom = max <= 0 || scrollY >= max - 2;
  progress.style.transform = `scaleX(${max > 0 ? Math.min(1, scrollY / max) : 1})`;
  let here = null;
  chapters.forEach((chapter, i) => {
    if (chapter && chapter.getBoundingClientRect().top <= innerHeight / 3) here = chapterLinks[i];
  });
  if (atBottom && chapters.length) here = chapterLinks[chapters.length - 1];
  if (here !== currentChapter) showChapter(here);
  for (const section of sections) {
    section.update(atBottom);
    section.fetchAhead();
  }
}

/** Show a fade and an arrow at each edge of the chapter bar past which there are more chapters. */
function showTocEdges() {
  const toc = tocList.parentElement;
  toc.classList.toggle("more-before", tocList.scrollLeft > 1);
  toc.classList.toggle("more-after", tocList.scrollLeft + tocList.clientWidth < tocList.scrollWidth - 1);
}
tocList.addEventListener("scroll", showTocEdges, { passive: true });
// A chapter link focused from the keyboard comes fully into view, clear of the fades.
tocList.addEventListener("focusin", (event) => event.target.scrollIntoView({ block: "nearest", inline: "nearest" }));
addEventListener("resize", showTocEdges);
showTocEdges();

function showChapter(link) {
  currentChapter?.removeAttribute("aria-current");
  currentChapter = link;
  if (!link) return;
  link.setAttribute("aria-current", "location");
  const left = link.offsetLeft - tocList.offsetLeft, right = left + link.offsetWidth;
  if (left < tocList.scrollLeft || right > tocList.scrollLeft + tocList.clientWidth) {
    tocList.scrollTo({ left: left - 16, behavior: "instant" });
  }
}

/**
 * A new width re-flows the page (on a phone turned sideways, or a window crossing the
 * narrow breakpoint); bring the step being read back to the trigger line so the reader
 * stays on it.
 */
let lastWidth = innerWidth;
function keepPlace() {
  if (innerWidth !== lastWidth) {
    lastWidth = innerWidth;
    for (const section of sections) if (section.active >= 0 && section.isBeingRead()) section.go(section.active, "instant");
  }
  schedule();
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
addEventListener("resize", keepPlace);
addEventListener("scrollend", () => sections.forEach((section) => (section.target = null)));
narrow.addEventListener("change", schedule);

// j / k step through the section being read, from anywhere but a text field.
addEventListener("keydown", (event) => {
  if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey) return;
  if (event.key !== "j" && event.key !== "k") return;
  if (event.target.closest?.("input, textarea, select, [contenteditable]")) return;
  const reading = sections.reduce((best, s) => (!best || s.visibleHeight() > best.visibleHeight() ? s : best), null);
  if (!reading || !reading.visibleHeight()) return;
  reading.move(event.key === "j" ? 1 : -1);
  event.preventDefault();
});

// A chart with bound inputs goes live once the reader has started and it is within one
// viewport: only Vega draws its inputs.
const nearby = new IntersectionObserver((entries) => {
  for (const entry of entries) {
    if (!entry.isIntersecting) continue;
    nearby.unobserve(entry.target);
    const chart = charts.find((c) => c.figure === entry.target);
    readerStarted.then(() => whenIdle(() => chart.load()));
  }
}, { rootMargin: NEAR });
for (const chart of charts) if (chart.figure.querySelector(".chart-bindings")) nearby.observe(chart.figure);

updatePage();
