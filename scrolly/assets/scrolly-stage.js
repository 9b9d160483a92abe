// The reader runtime, part 3 of 4: pointer input, stickies and the stage of a section.

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

