// A small line chart drawn as SVG by the page (no chart library).
import { svg } from './dom.js';

/** points: [[t, y]] (y may be null = gap). Returns an <svg> sized w×h. */
export function sparkline(points, { w = 220, h = 52, label = '', format = String } = {}) {
  const ys = points.map((p) => p[1]).filter((y) => y !== null);
  const max = Math.max(1e-9, ...ys);
  const t0 = points.length ? points[0][0] : 0;
  const t1 = points.length ? points[points.length - 1][0] : 1;
  const x = (t) => (t1 === t0 ? w : ((t - t0) / (t1 - t0)) * (w - 2) + 1);
  const y = (v) => h - 4 - (v / max) * (h - 20);
  let d = '';
  let pen = false;
  for (const [t, v] of points) {
    if (v === null) { pen = false; continue; }
    d += `${pen ? 'L' : 'M'}${x(t).toFixed(1)},${y(v).toFixed(1)}`;
    pen = true;
  }
  const last = ys.length ? ys[ys.length - 1] : null;
  const lastPoint = [...points].reverse().find((p) => p[1] !== null);
  return svg('svg', { class: 'spark', viewBox: `0 0 ${w} ${h}`, width: w, height: h, role: 'img', 'aria-label': `${label}: ${last === null ? 'no data' : format(last)}` },
    svg('line', { x1: 0, x2: w, y1: h - 4, y2: h - 4, class: 'axis' }),
    d ? svg('path', { d, class: 'line' }) : null,
    lastPoint ? svg('circle', { cx: x(lastPoint[0]).toFixed(1), cy: y(lastPoint[1]).toFixed(1), r: 2.5, class: 'now' }) : null,
    svg('text', { x: 2, y: 10, class: 'peak' }, ys.length ? `max ${format(Math.max(...ys))}` : 'no requests while open'),
    last === null ? null : svg('text', { x: w - 2, y: 10, class: 'peak', 'text-anchor': 'end' }, `last ${format(last)}`));
}
