// Users: search, paging, create, edit, activate/deactivate, password, groups.
import * as api from './api.js';
import { h, mount, field, toast, confirmAction, empty, stacked } from './dom.js';

const PAGE = 20;
let state = { query: '', page: 0 };

export async function render(main) {
  const [users, groups] = await Promise.all([api.get('/usrs'), api.get('/usrgroups')]);
  users.sort((a, b) => a.ID - b.ID);
  const list = h('div', { id: 'users-list' });
  const search = h('input', { type: 'search', id: 'users-search', placeholder: 'Search name, email or group', value: state.query, 'aria-label': 'Search users' });
  const editor = h('div', { id: 'user-editor' });
  const draw = () => drawList(list, users, groups, editor);
  search.addEventListener('input', () => { state.query = search.value; state.page = 0; draw(); });
  mount(main,
    h('div', { class: 'head' }, h('h1', {}, 'Users'),
      h('button', { type: 'button', id: 'user-new', onclick: () => edit(editor, null, groups) }, 'New user')),
    h('div', { class: 'toolbar' }, search),
    editor, list);
  draw();
}

function matches(u, q) {
  if (!q) return true;
  q = q.toLowerCase();
  return [u.Name, u.Email, u.groups].some((v) => String(v || '').toLowerCase().includes(q));
}

function drawList(list, users, groups, editor) {
  const found = users.filter((u) => matches(u, state.query));
  const pages = Math.max(1, Math.ceil(found.length / PAGE));
  state.page = Math.min(state.page, pages - 1);
  const shown = found.slice(state.page * PAGE, state.page * PAGE + PAGE);
  if (!found.length) return mount(list, empty(state.query ? `No user matches “${state.query}”.` : 'No users yet.'));
  const rows = shown.map((u) => h('tr', { dataset: { email: u.Email } },
    h('td', { class: 'num' }, u.ID),
    h('td', {}, u.Name || '—'),
    h('td', {}, u.Email),
    h('td', {}, (u.groups || '').split(';').filter(Boolean).map((g) => h('span', { class: 'chip' }, g))),
    h('td', {}, h('span', { class: u.Active ? 'badge ok' : 'badge off' }, u.Active ? 'active' : 'inactive')),
    h('td', { class: 'actions' },
      h('button', { type: 'button', class: 'ghost', onclick: () => edit(editor, u, groups) }, 'Edit'),
      h('button', { type: 'button', class: 'ghost', onclick: () => setActive(u, !u.Active) }, u.Active ? 'Deactivate' : 'Activate'),
      h('button', { type: 'button', class: 'ghost danger', onclick: () => remove(u) }, 'Delete'))));
  mount(list,
    h('div', { class: 'table-wrap' }, stacked(h('table', { class: 'grid' },
      h('thead', {}, h('tr', {}, ['ID', 'Name', 'Email', 'Groups', 'Status', ''].map((c) => h('th', {}, c)))),
      h('tbody', {}, rows)))),
    pager(found.length, pages, () => drawList(list, users, groups, editor)));
}

function pager(total, pages, redraw) {
  return h('div', { class: 'pager' },
    h('button', { type: 'button', class: 'ghost', disabled: state.page === 0, onclick: () => { state.page--; redraw(); } }, '‹ Previous'),
    h('span', {}, `Page ${state.page + 1} of ${pages} · ${total} user${total === 1 ? '' : 's'}`),
    h('button', { type: 'button', class: 'ghost', disabled: state.page >= pages - 1, onclick: () => { state.page++; redraw(); } }, 'Next ›'));
}

function reload() {
  window.dispatchEvent(new HashChangeEvent('hashchange'));
}

async function setActive(u, active) {
  if (!active && !(await confirmAction('Deactivate user?', `${u.Email} will not be able to sign in until activated again.`, 'Deactivate'))) return;
  try {
    await api.put(`/usr/${u.ID}`, { active });
    toast(`${u.Email} ${active ? 'activated' : 'deactivated'}`);
    reload();
  } catch (e) { toast(e.message, 'error'); }
}

async function remove(u) {
  if (!(await confirmAction('Delete user?', `User ${u.Email} (id ${u.ID}) will be deleted. This cannot be undone.`))) return;
  try {
    await api.del(`/usr/${u.ID}`);
    toast(`${u.Email} deleted`);
    reload();
  } catch (e) { toast(e.message, 'error'); }
}

function edit(editor, u, groups) {
  const creating = !u;
  const mine = new Set(String((u && u.groups) || '').split(';').filter(Boolean));
  const name = h('input', { id: 'user-name', value: u ? u.Name : '' });
  const email = h('input', { id: 'user-email', value: u ? u.Email : '', required: true, autocomplete: 'off' });
  const password = h('input', { id: 'user-password', type: 'password', autocomplete: 'new-password', minlength: 6, required: creating });
  const active = h('input', { id: 'user-active', type: 'checkbox', checked: u ? u.Active : true });
  const boxes = groups.map((g) => h('label', { class: 'check' },
    h('input', { type: 'checkbox', name: 'group', value: g.group_name, checked: mine.has(g.group_name) }), g.group_name));
  const note = h('div', { class: 'form-error', role: 'alert' });
  const form = h('form', { class: 'card editor', id: 'user-form' },
    h('h2', {}, creating ? 'New user' : `Edit ${u.Email}`),
    h('div', { class: 'cols' },
      field('Name', name), field('Email', email, 'an address, or “admin”'),
      field(creating ? 'Password' : 'New password', password, creating ? 'at least 6 characters' : 'leave empty to keep the current one')),
    h('fieldset', { class: 'groups' }, h('legend', {}, 'Groups'), boxes.length ? boxes : h('span', { class: 'muted' }, 'No groups yet.')),
    h('label', { class: 'check' }, active, 'Active (may sign in)'),
    note,
    h('div', { class: 'actions' },
      h('button', { type: 'button', class: 'ghost', onclick: () => mount(editor) }, 'Cancel'),
      h('button', { type: 'submit', id: 'user-save' }, creating ? 'Create user' : 'Save')));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const body = {
      name: name.value, email: email.value, active: active.checked,
      groups: boxes.map((b) => b.firstChild).filter((c) => c.checked).map((c) => c.value).join(';'),
    };
    if (password.value) body.password = password.value;
    try {
      if (creating) await api.post('/usr', body);
      else await api.put(`/usr/${u.ID}`, body);
      toast(creating ? `${body.email} created` : `${body.email} saved`);
      reload();
    } catch (e) { mount(note, e.message); }
  });
  mount(editor, form);
  (creating ? email : name).focus();
}

export function leave() {}

