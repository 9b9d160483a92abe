// The reader runtime, part 2 of 4: one chart, its pictures and its live Vega view.

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
    const other = { source: source?.getAttribute("srcset") ?? "", media: source?.media ?? "" };
    this.shown = shownUrl({ url: this.img.getAttribute("src"), ...other });
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
      const moved = event.movementX || event.movementY;
      if (event.type === "pointermove" && (event.pointerType !== "mouse" || !moved)) return;
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
    holder.querySelector?.("source")?.setAttribute("srcset", picture.source);
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
    this.img.loading = "eager";  // a lazy picture off screen would never decode
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
    const dateSignals = (spec.signals ?? []).filter((s) => s.bind?.input === "date");
    this.dateInputs = new Set(dateSignals.map((s) => s.name));
    // The figure carries the design's full size (that of its static SVG), so the room
    // around the plot is known before the first render: the live view renders once, at
    // the size it will keep.
    const { width, height } = spec;
    const full = ["--w", "--h"].map((side) => Number(this.figure.style.getPropertyValue(side)));
    const resizable = typeof width === "number" && typeof height === "number" && full[0] > 0;
    const fit = spec.usermeta?.scrolly?.fit === true;  // sized by its container: any box
    this.design = resizable
      ? { width, height, padX: full[0] - width, padY: full[1] - height, fit }
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
   * text, or always for a chart sized by its container; the box itself never changes
   * size, so nothing on the page moves.
   */
  async fit() {
    const boxWidth = this.box.clientWidth, boxHeight = this.box.clientHeight;
    if (!this.design || !boxWidth || !boxHeight) return this.view.runAsync();
    if (this.fittedTo === `${boxWidth}x${boxHeight}`) return;
    this.fittedTo = `${boxWidth}x${boxHeight}`;
    const { width, height, padX, padY, fit } = this.design;
    const scale = Math.min(boxWidth / (width + padX), boxHeight / (height + padY));
    const relayout = fit || scale < SHRINK_LIMIT;
    const plotSize = (room) => (relayout
      ? [
          Math.max(MIN_PLOT, Math.floor(boxWidth - room.padX)),
          Math.max(MIN_PLOT, Math.floor(boxHeight - room.padY)),
        ]
      : [width, height]);
    const [plotWidth, plotHeight] = plotSize(this.design);
    await this.view.width(plotWidth).height(plotHeight).runAsync();
    if (!relayout) return;
    // axis labels may have changed: correct once
    const [fixedWidth, fixedHeight] = plotSize(this.room(this.view));
    if (fixedWidth === plotWidth && fixedHeight === plotHeight) return;
    await nextTask();
    await this.view.width(fixedWidth).height(fixedHeight).runAsync();
  }

  /** Name the graphic for the state it shows: what the chart is, then what this state shows. */
  label(alt) {
    const description = this.figure.dataset.description;
    const text = alt ? `${description} ${alt}` : description;
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
      const day = this.dateInputs.has(name) && typeof value === "string";
      this.view.signal(name, day ? value.slice(0, 10) : value);
      return;
    }
    this.chosen[name] = value;
    const point = selection.type === "point";
    this.view.signal(selection.signal, point ? pointTuples(selection, value) : value && { ...value });
  }

  current(name) {
    return name in this.selections ? this.chosen[name] ?? null : this.view.signal(name);
  }

  /**
   * Move the chart to a step's state. Not live: show the step's picture of it (or, with no
   * picture drawn, go live). Live: numbers and dates glide, the rest switch at once.
   */
  show(state, picture = null, instant = false) {
    const keys = Object.keys(state);
    const from = this.view ? Object.fromEntries(keys.map((k) => [k, this.current(k)])) : this.state;
    this.state = state;
    if (!this.view) {
      if (picture) this.swap(picture, instant);
      else this.load();  // a preview (the dev server) draws no step's picture
      return;
    }
    cancelAnimationFrame(this.tween);
    const heavy = () => heavyCharts.has(this.name);
    const still = reducedMotion.matches || heavy();
    const glide = still ? [] : Object.keys(state).filter((k) => canTween(from[k], state[k]));
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
      // the device cannot keep up: finish now, switch from now on
      if (slowFrames >= 2) heavyCharts.add(this.name);
      const t = heavy() ? 1 : Math.min(1, (now - started) / TWEEN_MS);
      const eased = t < 0.5 ? 2 * t * t : 1 - (-2 * t + 2) ** 2 / 2;
      for (const key of glide) {
        this.set(key, t < 1 ? interpolate(from[key], state[key], eased) : state[key]);
      }
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
    const pairTweens = (k) => a[k].every((v, i) => canTween(v, b[k][i]) || v === b[k][i]);
    return keys.length === Object.keys(a).length && keys.every((k) => k in a && pairTweens(k));
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
  if (isInterval(a)) {
    const between = (k) => a[k].map((v, i) => (v === b[k][i] ? v : interpolate(v, b[k][i], t)));
    return Object.fromEntries(Object.keys(b).map((k) => [k, between(k)]));
  }
  if (typeof a === "number") return a + (b - a) * t;
  const x = Date.parse(a), y = Date.parse(b);
  return new Date(x + (y - x) * t).toISOString();
}

/**
 * The store tuples of a point selection's value (a value, a list of values, or of objects by
 * field).
 */
function pointTuples(selection, value) {
  if (value === null || value === undefined) return [];
  const items = Array.isArray(value) ? value : [value];
  return items.map((item) => ({
    unit: selection.unit,
    fields: selection.tuple_fields,
    values: selection.fields.map((field) =>
      item !== null && typeof item === "object" ? item[field] : item),
  }));
}

/** Vega's tooltip handler (vega-tooltip), styled by the page's CSS, not by a <style> it injects. */
function tooltipHandler(vega) {
  if (!vega.Handler) return undefined;
  const handler = new vega.Handler({ disableDefaultStyle: true, theme: "scrolly" });
  // a tooltip stands where the pointer is on screen, not where the chart thinks it is
  return (view, event, item, value) => handler.call(view, onScreen(event), item, value);
}

