// Health: /readyz per plugin, and request rate and p99 latency per route from
// /metrics, sampled every few seconds while the screen is open.
import * as api from './api.js';
import { h, mount, empty, errorBox, stacked } from './dom.js';
import { parse, byRoute, p99 } from './metrics.js';
import { sparkline } from './charts.js';

const EVERY_MS = 2000;
const KEEP = 40;
const history = []; // [{t, routes}] kept across visits, so the charts resume
let timer = 0;

export async function render(main) {
  const ready = h('section', { class: 'card', id: 'health-ready' }, h('h2', {}, 'Readiness'));
  const routes = h('section', { class: 'card', id: 'health-routes' }, h('h2', {}, 'Routes'));
  mount(main, h('div', { class: 'head' }, h('h1', {}, 'Health')), ready, routes);
  const tick = async () => {
    await Promise.all([drawReady(ready), sample(routes)]);
    if (main.isConnected) timer = setTimeout(tick, EVERY_MS);
  };
  clearTimeout(timer);
  await tick();
}

async function drawReady(box) {
  let r;
  try {
    r = await fetch('/readyz', { cache: 'no-store' }).then(async (resp) => ({ code: resp.status, body: await resp.json() }));
  } catch (e) {
    return mount(box, h('h2', {}, 'Readiness'), errorBox(`GET /readyz: ${e.message}`));
  }
  const checks = Object.entries((r.body && r.body.checks) || {});
  mount(box, h('h2', {}, 'Readiness ', h('span', { class: r.code === 200 ? 'badge ok' : 'badge bad', id: 'ready-status' }, (r.body && r.body.status) || String(r.code))),
    checks.length ? h('ul', { class: 'checks' }, checks.map(([name, state]) => h('li', {},
      h('span', { class: state === 'ok' ? 'dot ok' : 'dot bad', 'aria-hidden': 'true' }), h('code', {}, name), ' ', h('span', { class: 'muted' }, String(state)))))
      : empty('No plugin checks reported.'));
}

async function sample(box) {
  let text;
  try {
    text = await api.get('/metrics', { auth: false });
  } catch (e) {
    return mount(box, h('h2', {}, 'Routes'), errorBox(e));
  }
  history.push({ t: Date.now(), routes: byRoute(parse(String(text))) });
  while (history.length > KEEP) history.shift();
  const latest = history[history.length - 1].routes;
  const names = Object.keys(latest).filter((n) => n !== '(unmatched)').sort((a, b) => latest[b].count - latest[a].count);
  if (!names.length) return mount(box, h('h2', {}, 'Routes'), empty('No route has been called yet.'));
  const series = (name) => history.slice(1).map((s, i) => {
    const prev = history[i];
    const a = prev.routes[name];
    const b = s.routes[name];
    if (!b) return [s.t, null, null];
    const dt = (s.t - prev.t) / 1000;
    return [s.t, Math.max(0, (b.count - (a ? a.count : 0)) / dt), p99(b.buckets, a && a.buckets)];
  });
  const ms = (v) => (v * 1000 < 10 ? (v * 1000).toFixed(2) : (v * 1000).toFixed(0)) + ' ms';
  const rps = (v) => (v < 10 ? v.toFixed(2) : v.toFixed(0)) + '/s';
  mount(box, h('h2', {}, 'Routes'),
    h('p', { class: 'muted' }, history.length < 2 ? 'Collecting a second sample…' : `Sampled every ${EVERY_MS / 1000} s; rate and p99 over each interval.`),
    h('div', { class: 'table-wrap' }, stacked(h('table', { class: 'grid', id: 'routes-table' },
      h('thead', {}, h('tr', {}, ['Route', 'Requests', 'Rate', 'p99 (all time)', 'p99'].map((c) => h('th', {}, c)))),
      h('tbody', {}, names.slice(0, 30).map((n) => {
        const s = series(n);
        const allTime = p99(latest[n].buckets, null);
        return h('tr', { dataset: { route: n } }, h('td', {}, h('code', {}, n)), h('td', { class: 'num' }, latest[n].count),
          h('td', {}, sparkline(s.map((p) => [p[0], p[1]]), { label: `${n} requests per second`, format: rps })),
          h('td', { class: 'num' }, allTime === null ? '—' : ms(allTime)),
          h('td', {}, sparkline(s.map((p) => [p[0], p[2]]), { label: `${n} p99 latency`, format: ms })));
      }))))));
}

export function leave() {
  clearTimeout(timer);
  timer = 0;
}
