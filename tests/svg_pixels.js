async ([a, b, radius]) => {
  // Two PNGs' difference as a reader would see it: per channel, the mean difference over a
  // (2r+1)^2 box round each pixel (an edge moved by a fraction of a pixel averages out, a
  // missing island or a bent coastline does not). Returns the worst box and how many exceed 16.
  const load = (s) => new Promise((ok, no) => { const i = new Image(); i.onload = () => ok(i);
    i.onerror = no; i.src = 'data:image/png;base64,' + s; });
  const pixels = (img) => { const c = document.createElement('canvas'); c.width = img.naturalWidth;
    c.height = img.naturalHeight; const g = c.getContext('2d'); g.fillStyle = '#fff';
    g.fillRect(0, 0, c.width, c.height); g.drawImage(img, 0, 0);
    return g.getImageData(0, 0, c.width, c.height).data; };
  const images = await Promise.all([load(a), load(b)]);
  const [w, h] = [images[0].naturalWidth, images[0].naturalHeight];
  if (images[1].naturalWidth !== w || images[1].naturalHeight !== h) return null;
  const [p, q] = images.map(pixels);
  let worst = 0, over = 0;
  for (let k = 0; k < 3; k++) {
    const sums = new Float64Array((w + 1) * (h + 1));
    for (let y = 0; y < h; y++) { let row = 0;
      for (let x = 0; x < w; x++) { const i = (y * w + x) * 4 + k; row += p[i] - q[i];
        sums[(y + 1) * (w + 1) + x + 1] = sums[y * (w + 1) + x + 1] + row; } }
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
      const x0 = Math.max(0, x - radius), x1 = Math.min(w, x + radius + 1);
      const y0 = Math.max(0, y - radius), y1 = Math.min(h, y + radius + 1);
      const s = sums[y1 * (w + 1) + x1] - sums[y0 * (w + 1) + x1] - sums[y1 * (w + 1) + x0]
        + sums[y0 * (w + 1) + x0];
      const d = Math.abs(s) / ((x1 - x0) * (y1 - y0));
      if (d > worst) worst = d; if (d > 16) over++; } }
  return {worst: Math.round(worst), share: over / (w * h)};
}
