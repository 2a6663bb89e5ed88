// Cluster: members with status, incarnation and PID, the leader and the term,
// from GET /cluster, redrawn every ping cycle (its "ping_cycle_ms"), so a
// member turning SUSPECT or FAILED shows without reloading. A jiffyd without a cluster
// answers 404: the panel then says "single instance".
import * as api from './api.js';
import { h, mount, empty, errorBox, stacked } from './dom.js';

let timer = 0;

export async function render(main) {
  const box = h('div', { id: 'cluster' });
  mount(main, h('div', { class: 'head' }, h('h1', {}, 'Cluster')), box);
  clearTimeout(timer);
  const tick = async () => {
    let every = 5000;
    try {
      const c = await api.get('/cluster');
      draw(box, c);
      every = refreshMs(c);
    } catch (e) {
      if (e.status === 404) mount(box, singleInstance());
      else mount(box, errorBox(e));
    }
    if (main.isConnected) timer = setTimeout(tick, every);
  };
  await tick();
}

function singleInstance() {
  return h('section', { class: 'card', id: 'cluster-single' }, h('h2', {}, 'Single instance'),
    h('p', { class: 'muted' }, 'This jiffyd runs on its own: it answers no cluster membership (GET /cluster is 404). Members, leader and term appear here once instances form a group.'));
}

/** Redraw once per ping cycle, between 1 and 30 s (1 s when jiffyd does not say). */
const refreshMs = (c) => Math.max(1000, Math.min(30000, Number(c.ping_cycle_ms) || 1000));

const statusClass = { ALIVE: 'ok', SUSPECT: 'warn', FAILED: 'bad', DEPARTING: 'off', DEPARTED: 'off' };
const statusOrder = ['ALIVE', 'SUSPECT', 'FAILED', 'DEPARTING', 'DEPARTED'];

const pidOf = (v) => (v === undefined || v === null || String(v) === '0' ? null : String(v));

/** A PID with the member's address beside it, when the list has it. */
function who(id, pid, members, none) {
  if (!pid) return [h('span', { id }, none)];
  const m = members.find((x) => String(x.pid) === pid);
  return [h('span', { id }, pid), m ? h('code', { class: 'muted' }, ' ' + String(m.address)) : null];
}

/** "2 ALIVE · 1 FAILED": how many members are in each status, as badges. */
function tally(members) {
  const n = {};
  for (const m of members) n[m.status] = (n[m.status] || 0) + 1;
  const known = statusOrder.filter((s) => n[s]).concat(Object.keys(n).filter((s) => !statusOrder.includes(s)));
  return known.map((s) => h('span', { class: 'badge ' + (statusClass[s] || 'off'), dataset: { count: s } }, `${n[s]} ${s}`));
}

/** c: {"self", "leader", "term", "ping_cycle_ms", "members": [{"pid", "address", "status", "incarnation"}]} */
export function draw(box, c) {
  const members = Array.isArray(c.members) ? c.members : [];
  const self = pidOf(c.self), leader = pidOf(c.leader);
  const every = refreshMs(c);
  mount(box,
    h('section', { class: 'card' }, h('dl', { class: 'record', id: 'cluster-summary' },
      h('dt', {}, 'This instance'), h('dd', {}, who('cluster-self', self, members, 'not joined yet')),
      h('dt', {}, 'Leader'), h('dd', {}, who('cluster-leader', leader, members, 'none elected')),
      h('dt', {}, 'Term'), h('dd', { id: 'cluster-term' }, c.term ? String(c.term) : '—'),
      h('dt', {}, 'Members'), h('dd', { id: 'cluster-tally', class: 'tally' }, members.length ? tally(members) : 'none')),
      h('p', { class: 'muted small', id: 'cluster-updated' },
        `Updated ${new Date().toLocaleTimeString()}, every ${every / 1000} s (the ping cycle).`)),
    h('section', { class: 'card' }, h('h2', {}, `Members (${members.length})`),
      members.length ? h('div', { class: 'table-wrap' }, stacked(h('table', { class: 'grid cluster', id: 'cluster-members' },
        h('thead', {}, h('tr', {}, [['PID', 'num'], ['Address'], ['Status'], ['Incarnation', 'num'], ['']].map(([t, cls]) => h('th', { class: cls }, t)))),
        h('tbody', {}, members.map((m) => h('tr', { dataset: { pid: m.pid, status: m.status } },
          h('td', { class: 'num' }, String(m.pid)), h('td', {}, h('code', {}, String(m.address))),
          h('td', {}, h('span', { class: 'badge ' + (statusClass[m.status] || 'off') }, String(m.status))),
          h('td', { class: 'num' }, String(m.incarnation)),
          h('td', { class: 'marks' }, [String(m.pid) === leader || m.address === c.leader ? h('span', { class: 'chip' }, 'leader') : null,
            String(m.pid) === self || m.address === c.self ? h('span', { class: 'chip' }, 'this one') : null])))))))
        : empty('No members reported.')));
}

export function leave() {
  clearTimeout(timer);
  timer = 0;
}
