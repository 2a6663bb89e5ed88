// Cluster: members with status, incarnation and PID, the leader and the term,
// from GET /cluster, refreshed every ping cycle. A jiffyd without a cluster
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
      every = Math.max(1000, Math.min(30000, Number(c.ping_cycle_ms) || 1000));
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

const statusClass = { ALIVE: 'ok', SUSPECT: 'warn', FAILED: 'bad' };

/** c: {"self", "leader", "term", "members": [{"pid", "address", "status", "incarnation"}]} */
export function draw(box, c) {
  const members = Array.isArray(c.members) ? c.members : [];
  mount(box,
    h('section', { class: 'card' }, h('dl', { class: 'record', id: 'cluster-summary' },
      h('dt', {}, 'This instance'), h('dd', { id: 'cluster-self' }, String(c.self ?? '—')),
      h('dt', {}, 'Leader'), h('dd', { id: 'cluster-leader' }, String(c.leader ?? 'none elected')),
      h('dt', {}, 'Term'), h('dd', { id: 'cluster-term' }, String(c.term ?? '—')))),
    h('section', { class: 'card' }, h('h2', {}, `Members (${members.length})`),
      members.length ? h('div', { class: 'table-wrap' }, stacked(h('table', { class: 'grid', id: 'cluster-members' },
        h('thead', {}, h('tr', {}, ['PID', 'Address', 'Status', 'Incarnation', ''].map((t) => h('th', {}, t)))),
        h('tbody', {}, members.map((m) => h('tr', { dataset: { pid: m.pid, status: m.status } },
          h('td', { class: 'num' }, String(m.pid)), h('td', {}, h('code', {}, String(m.address))),
          h('td', {}, h('span', { class: 'badge ' + (statusClass[m.status] || 'off') }, String(m.status))),
          h('td', { class: 'num' }, String(m.incarnation)),
          h('td', {}, [String(m.pid) === String(c.leader) || m.address === c.leader ? h('span', { class: 'chip' }, 'leader') : null,
            String(m.pid) === String(c.self) || m.address === c.self ? h('span', { class: 'chip' }, 'this one') : null])))))))
        : empty('No members reported.')));
}

export function leave() {
  clearTimeout(timer);
  timer = 0;
}
