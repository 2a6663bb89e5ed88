// Reads jiffyd's /metrics (Prometheus text) into per-route request counts and
// latency histograms, and turns two samples into a rate and a p99.

/** Parses `name{a="x",b="y"} value` lines; returns [{name, labels, value}]. */
export function parse(text) {
  const out = [];
  for (const line of text.split('\n')) {
    if (!line || line[0] === '#') continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/.exec(line);
    if (!m) continue;
    const labels = {};
    for (const l of (m[2] || '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]] = l[2].replace(/\\(.)/g, '$1');
    out.push({ name: m[1], labels, value: Number(m[3]) });
  }
  return out;
}

/** Per route label: {count, buckets: [[le, cumulative]]} summed over methods and codes. */
export function byRoute(samples) {
  const routes = {};
  const r = (k) => (routes[k] = routes[k] || { count: 0, buckets: new Map() });
  for (const s of samples) {
    const k = s.labels.route;
    if (k === undefined) continue;
    if (s.name === 'jiffy_http_requests_total') r(k).count += s.value;
    else if (s.name === 'jiffy_http_request_duration_seconds_bucket') {
      const le = s.labels.le === '+Inf' ? Infinity : Number(s.labels.le);
      const b = r(k).buckets;
      b.set(le, (b.get(le) || 0) + s.value);
    }
  }
  return routes;
}

/** The 99th percentile (seconds) of cumulative buckets `now` minus `before`, or null. */
export function p99(now, before) {
  const les = [...now.keys()].sort((a, b) => a - b);
  const d = les.map((le) => [le, (now.get(le) || 0) - ((before && before.get(le)) || 0)]);
  const total = d.length ? d[d.length - 1][1] : 0;
  if (total <= 0) return null;
  const want = 0.99 * total;
  let prevLe = 0;
  let prevC = 0;
  for (const [le, c] of d) {
    if (c >= want) {
      if (le === Infinity) return prevLe;
      // linear inside the bucket, as Prometheus' histogram_quantile does
      return prevLe + (le - prevLe) * ((want - prevC) / Math.max(c - prevC, 1e-9));
    }
    prevLe = le;
    prevC = c;
  }
  return prevLe;
}
