// Groups and grants: a matrix of authorization names × groups whose boxes
// create and delete groupauth rows, group creation and deletion, and jiffyd
// -rs's "Super holds every authorization" as a button.
import * as api from './api.js';
import { h, mount, field, toast, confirmAction, empty, stacked } from './dom.js';

let filter = '';

export async function render(main) {
  const [groups, auths, grants] = await Promise.all([api.get('/usrgroups'), api.get('/auths'), api.get('/groupauths')]);
  groups.sort((a, b) => a.id - b.id);
  auths.sort((a, b) => a.auth_name.localeCompare(b.auth_name));
  const grantOf = new Map(grants.map((g) => [`${g.group_id}/${g.auth_id}`, g]));
  const super_ = groups.find((g) => g.group_name === 'Super');
  const missing = super_ ? auths.filter((a) => !grantOf.has(`${super_.id}/${a.id}`)) : [];

  const search = h('input', { type: 'search', id: 'grants-search', placeholder: 'Filter authorizations (e.g. library.)', value: filter, 'aria-label': 'Filter authorizations' });
  const matrix = h('div', { class: 'table-wrap matrix-wrap', id: 'grants-matrix' });
  const draw = () => drawMatrix(matrix, groups, auths, grantOf);
  search.addEventListener('input', () => { filter = search.value; draw(); });

  const name = h('input', { id: 'group-name', required: true, placeholder: 'e.g. readers' });
  const description = h('input', { id: 'group-description', placeholder: 'what its members do' });
  const create = h('form', { class: 'inline-form', id: 'group-form' },
    field('New group', name), field('Description', description), h('button', { type: 'submit', id: 'group-create' }, 'Create group'));
  create.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    try {
      await api.post('/usrgroup', { group_name: name.value.trim(), description: description.value });
      toast(`group ${name.value.trim()} created`);
      reload();
    } catch (e) { toast(e.message, 'error'); }
  });

  let superButton = null;
  if (super_ && missing.length)
    superButton = h('button', { type: 'button', id: 'grants-super', onclick: () => giveSuperEverything(super_, missing) },
      `Give Super everything (${missing.length} missing)`);
  else if (super_) superButton = h('span', { class: 'badge ok', id: 'grants-super' }, 'Super holds everything');

  mount(main,
    h('div', { class: 'head' }, h('h1', {}, 'Groups & grants'), superButton),
    h('p', { class: 'muted' }, `${groups.length} groups, ${auths.length} authorizations. A checked box lets the group's members call that route; changes apply at once on every instance.`),
    h('section', { class: 'card' }, h('h2', {}, 'Groups'), drawGroups(groups, grants), create),
    h('section', { class: 'card' }, h('h2', {}, 'Grants'), h('div', { class: 'toolbar' }, search), matrix));
  draw();
}

function reload() {
  window.dispatchEvent(new HashChangeEvent('hashchange'));
}

function drawGroups(groups, grants) {
  if (!groups.length) return empty('No groups yet.');
  const count = (g) => grants.filter((x) => x.group_id === g.id).length;
  return h('div', { class: 'table-wrap' }, stacked(h('table', { class: 'grid', id: 'groups-table' },
    h('thead', {}, h('tr', {}, ['ID', 'Group', 'Description', 'Grants', ''].map((c) => h('th', {}, c)))),
    h('tbody', {}, groups.map((g) => h('tr', { dataset: { group: g.group_name } },
      h('td', { class: 'num' }, g.id), h('td', {}, h('strong', {}, g.group_name)), h('td', {}, g.description || '—'),
      h('td', { class: 'num' }, count(g)),
      h('td', { class: 'actions' }, g.group_name === 'Super' ? h('span', { class: 'muted' }, 'built in')
        : h('button', { type: 'button', class: 'ghost danger', onclick: () => removeGroup(g) }, 'Delete'))))))));
}

function drawMatrix(matrix, groups, auths, grantOf) {
  const shown = auths.filter((a) => a.auth_name.toLowerCase().includes(filter.toLowerCase()));
  if (!groups.length) return mount(matrix, empty('Create a group first.'));
  if (!shown.length) return mount(matrix, empty(`No authorization matches “${filter}”.`));
  mount(matrix, h('table', { class: 'grid matrix' },
    h('thead', {}, h('tr', {}, h('th', { class: 'sticky' }, 'Authorization'), groups.map((g) => h('th', { class: 'center' }, g.group_name)))),
    h('tbody', {}, shown.map((a) => h('tr', {},
      h('th', { class: 'sticky', scope: 'row', title: a.description || '' }, a.auth_name),
      groups.map((g) => {
        const box = h('input', {
          type: 'checkbox', checked: grantOf.has(`${g.id}/${a.id}`),
          'aria-label': `${g.group_name} may ${a.auth_name}`,
          dataset: { group: g.group_name, auth: a.auth_name },
        });
        box.addEventListener('change', () => toggle(box, g, a, grantOf));
        return h('td', { class: 'center' }, box);
      }))))));
}

async function toggle(box, g, a, grantOf) {
  const key = `${g.id}/${a.id}`;
  box.disabled = true;
  try {
    if (box.checked) {
      const row = await api.post('/groupauth', { group_id: g.id, auth_id: a.id });
      grantOf.set(key, row);
      toast(`${g.group_name} may now ${a.auth_name}`);
    } else {
      if (g.group_name === 'Super' && !(await confirmAction('Take this from Super?', `Super will no longer hold ${a.auth_name}; administrators may lose access to it.`, 'Revoke'))) {
        box.checked = true;
        return;
      }
      await api.del(`/groupauth/${grantOf.get(key).id}`);
      grantOf.delete(key);
      toast(`${g.group_name} may no longer ${a.auth_name}`);
    }
  } catch (e) {
    box.checked = !box.checked;
    toast(e.message, 'error');
  } finally {
    box.disabled = false;
    box.dataset.saved = String(box.checked);
    const cell = document.querySelector(`#groups-table tr[data-group="${CSS.escape(g.group_name)}"] td:nth-child(4)`);
    if (cell) cell.textContent = String([...grantOf.keys()].filter((k) => k.startsWith(`${g.id}/`)).length);
  }
}

async function removeGroup(g) {
  if (!(await confirmAction('Delete group?', `Group ${g.group_name} and all its grants will be deleted. Its members keep the name in their groups but get nothing from it.`))) return;
  try {
    await api.del(`/groupauths/${g.id}`);
    await api.del(`/usrgroup/${g.id}`);
    toast(`group ${g.group_name} deleted`);
    reload();
  } catch (e) { toast(e.message, 'error'); }
}

// jiffyd -rs deletes Super's grants and inserts one per authorization. Done
// over REST that would take Super's own groupauth.CREATE away halfway, so the
// console adds only the missing grants: the same end state, never locked out.
async function giveSuperEverything(super_, missing) {
  if (!(await confirmAction('Give Super everything?', `Group Super will be granted the ${missing.length} authorization(s) it does not hold yet.`, 'Grant all'))) return;
  let done = 0;
  try {
    for (const a of missing) {
      await api.post('/groupauth', { group_id: super_.id, auth_id: a.id });
      done++;
    }
    toast(`Super now holds every authorization (${done} added)`);
  } catch (e) {
    toast(`${done} added, then: ${e.message}`, 'error');
  }
  reload();
}

export function leave() {}
