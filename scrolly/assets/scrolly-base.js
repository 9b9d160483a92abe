// scrolly's reader runtime: sticky charts that follow the prose. No framework; the build joins
// scrolly-base.js, scrolly-chart.js, scrolly-stage.js and scrolly.js, in that order, into one
// script.
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

const api = { views: {}, sections: {}, ready };
window.scrolly = api;

let vegaPromise = null;
function loadVega() {
  vegaPromise ??= import(vegaUrl).then(() => window.vega);
  return vegaPromise;
}

/**
 * Resolves once the reader does something (or arrives mid-page), so a reader who only looks pays
 * for no Vega.
 */
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

/**
 * Resolves in a new task, so work split by it never adds up to one long task while the reader
 * scrolls.
 */
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
  const { picture, pictureSource, pictureMedia } = step.dataset;
  return picture ? { url: picture, source: pictureSource ?? "", media: pictureMedia ?? "" } : null;
}

/**
 * The address the browser shows for a picture: its <source>'s on the screens that take it
 * (a phone's picture on a phone, a PNG's dark twin in dark mode), else its own.
 */
function shownUrl(picture) {
  return picture.source && matchMedia(picture.media).matches ? picture.source : picture.url;
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

