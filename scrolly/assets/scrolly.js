// The reader runtime, part 4 of 4 (after scrolly-base.js, scrolly-chart.js, scrolly-stage.js):
// scrolly sections and the page.

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

  /**
   * Where the page position puts the section: the step it makes active, and whether the
   * section is within a viewport of the screen. It only reads the layout, so that every
   * section is measured before any is changed (one layout a frame, not one a section).
   */
  measure(atBottom) {
    const line = this.triggerLine();
    let index = 0;
    this.steps.forEach((step, i) => {
      if (step.getBoundingClientRect().top <= line) index = i;
    });
    const last = this.steps[this.steps.length - 1].getBoundingClientRect();
    if (atBottom && last.top < innerHeight) index = this.steps.length - 1;
    const box = this.element.getBoundingClientRect();
    return { index, near: box.top <= 2 * innerHeight && box.bottom >= -innerHeight };
  }

  update({ index }) {
    if (index === this.target) this.target = null;
    if (index === this.active) return;
    const first = this.active < 0;
    this.active = index;
    for (const [i, step] of this.steps.entries()) {
      if (i === index) step.setAttribute("aria-current", "step");
      else step.removeAttribute("aria-current");
    }
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
    const current = this.stage.current;
    const detail = { index, graphic: current?.item.dataset.graphic, state: current?.graphic.state };
    this.element.dispatchEvent(new CustomEvent("scrolly:step", { bubbles: true, detail }));
  }

  /**
   * Once the page has loaded, in idle time, for a section within a viewport of the screen:
   * the pictures of the steps after the active one, and of the one before.
   */
  fetchAhead({ near }) {
    const index = this.active;
    if (index === this.fetchedFor || !near) return;
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

  /**
   * Whether the reader is inside this section (its chart pinned across the middle of the screen).
   */
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
  const places = sections.map((section) => section.measure(atBottom));
  if (here !== currentChapter) showChapter(here);
  sections.forEach((section, i) => {
    section.update(places[i]);
    section.fetchAhead(places[i]);
  });
}

/** Show a fade and an arrow at each edge of the chapter bar past which there are more chapters. */
function showTocEdges() {
  const toc = tocList.parentElement;
  toc.classList.toggle("more-before", tocList.scrollLeft > 1);
  toc.classList.toggle("more-after", tocList.scrollLeft + tocList.clientWidth < tocList.scrollWidth - 1);
}
tocList.addEventListener("scroll", showTocEdges, { passive: true });
// A chapter link focused from the keyboard comes fully into view, clear of the fades.
tocList.addEventListener("focusin", (event) =>
  event.target.scrollIntoView({ block: "nearest", inline: "nearest" }));
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
    for (const section of sections) {
      if (section.active >= 0 && section.isBeingRead()) section.go(section.active, "instant");
    }
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
  const larger = (best, s) => (!best || s.visibleHeight() > best.visibleHeight() ? s : best);
  const reading = sections.reduce(larger, null);
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
// The runtime runs once the page has painted (the story's loader fetches it then), which may
// be after the page's load event: a script of the author's that needs it waits for this.
document.dispatchEvent(new Event("scrolly:ready"));
