// Data: one table per served entity with its filters, ordering and paging
// ($limit/$offset/$orderby), forms typed from the schema, relation links.
import * as api from './api.js';
import { h, mount, field, toast, confirmAction, empty, errorBox, stacked } from './dom.js';
import { entities, literal } from './schema.js';

const views = {}; // per entity: {filter: {field, op, value}, orderby, desc, limit, offset}
const OPS = ['EQ', 'NE', 'LT', 'LE', 'GT', 'GE', 'LIKE'];

export async function render(main, params) {
  const all = await entities();
  const names = Object.keys(all).sort();
  if (!names.length) return mount(main, h('h1', {}, 'Data'), empty('This service serves no entities (no models route plugin, or no active entity).'));
  const e = all[params[0]] || all[names[0]];
  const tabs = h('nav', { class: 'tabs', 'aria-label': 'Entities' }, names.map((n) =>
    h('a', { href: `#/data/${n}`, id: `entity-${n}`, class: n === e.name ? 'active' : null }, n)));
  const body = h('div', {});
  mount(main, h('div', { class: 'head' }, h('h1', {}, 'Data')), tabs, body);
  if (params[1] && params[2]) return relationView(body, all, e, params[1], params[2]);
  if (params[1]) return recordView(body, e, params[1]);
  return listView(body, e);
}

function view(e) {
  return (views[e.name] = views[e.name] || { filter: null, orderby: 'id', desc: false, limit: 10, offset: 0 });
}

function display(f, v) {
  if (v === undefined || v === null) return h('span', { class: 'muted' }, '—');
  if (f && f.type === 'boolean') return v ? 'yes' : 'no';
  return String(v);
}

/** id first, href left out, the rest as the schema lists them. */
function ordered(fields) {
  return [...fields.filter((f) => f.name === 'id'), ...fields.filter((f) => f.name !== 'id' && f.name !== 'href')];
}

function idOf(row) {
  return row.id !== undefined ? row.id : row.ID;
}

/** "http://host/book/7" → ["book", "7"]. */
function entityOfHref(href) {
  const m = /\/([a-z0-9_]+)\/(\d+)$/.exec(String(href || ''));
  return m ? [m[1], m[2]] : null;
}

async function listView(body, e) {
  const v = view(e);
  const fields = ordered(e.fields);
  const typed = Object.fromEntries(fields.map((f) => [f.name, f]));
  let base = `/${e.plural}`;
  if (v.filter) base += '/' + api.seg(`${v.filter.field}(${v.filter.op} ${literal(typed[v.filter.field], v.filter.value)})`);
  const cmd = `$limit=${v.limit}$offset=${v.offset}` + (v.orderby ? `$orderby=${v.orderby}` + (v.desc ? '$desc' : '$asc') : '');
  const table = h('div', { id: 'data-table' });
  const editor = h('div', { id: 'data-editor' });
  mount(body, toolbar(e, v), editor, table);
  if (e.ops.has('CREATE')) body.firstChild.append(h('button', { type: 'button', id: 'data-new', onclick: () => form(editor, e, null) }, `New ${e.name}`));
  let rows, total;
  try {
    [rows, total] = await Promise.all([api.get(`${base}/${api.seg(cmd)}`), api.get(`${base}/${api.seg('$count')}`).catch(() => null)]);
  } catch (err) {
    return mount(table, errorBox(err));
  }
  total = total === null ? null : Number(total);
  if (!rows.length) {
    mount(table, empty(v.filter ? `No ${e.name} matches ${v.filter.field} ${v.filter.op} ${v.filter.value}.` : `No ${e.name} yet.` + (e.ops.has('CREATE') ? ` Use “New ${e.name}” to add one.` : '')));
  } else {
    const sortBy = (name) => { if (v.orderby === name) v.desc = !v.desc; else { v.orderby = name; v.desc = false; } v.offset = 0; listView(body, e); };
    mount(table, h('div', { class: 'table-wrap' }, stacked(h('table', { class: 'grid', id: `table-${e.name}` },
      h('thead', {}, h('tr', {}, fields.map((f) => h('th', {},
        h('button', { type: 'button', class: 'sort' + (v.orderby === f.name ? ' on' : ''), onclick: () => sortBy(f.name) },
          f.name, v.orderby === f.name ? (v.desc ? ' ↓' : ' ↑') : ''))),
        e.relations.length ? h('th', {}, 'Relations') : null, h('th', {}, ''))),
      h('tbody', {}, rows.map((r) => h('tr', { dataset: { id: idOf(r) } },
        fields.map((f) => h('td', { class: f.type === 'integer' || f.type === 'number' ? 'num' : null, dataset: { field: f.name } }, display(f, r[f.name]))),
        e.relations.length ? h('td', {}, e.relations.map((rel) => h('a', { class: 'rel', href: `#/data/${e.name}/${idOf(r)}/${rel.name}` }, rel.name))) : null,
        h('td', { class: 'actions' },
          h('a', { class: 'button ghost', href: `#/data/${e.name}/${idOf(r)}` }, 'Open'),
          e.ops.has('UPDATE') ? h('button', { type: 'button', class: 'ghost', onclick: () => form(editor, e, r) }, 'Edit') : null,
          e.ops.has('DELETE') ? h('button', { type: 'button', class: 'ghost danger', onclick: () => remove(e, r, () => listView(body, e)) }, 'Delete') : null))))))));
  }
  const page = Math.floor(v.offset / v.limit) + 1;
  const pages = total === null ? null : Math.max(1, Math.ceil(total / v.limit));
  table.append(h('div', { class: 'pager' },
    h('button', { type: 'button', class: 'ghost', id: 'data-prev', disabled: v.offset === 0, onclick: () => { v.offset = Math.max(0, v.offset - v.limit); listView(body, e); } }, '‹ Previous'),
    h('span', { id: 'data-page' }, pages === null ? `Page ${page}` : `Page ${page} of ${pages} · ${total} row${total === 1 ? '' : 's'}`),
    h('button', { type: 'button', class: 'ghost', id: 'data-next', disabled: rows.length < v.limit || (pages !== null && page >= pages), onclick: () => { v.offset += v.limit; listView(body, e); } }, 'Next ›')));
}

function toolbar(e, v) {
  const fieldSel = h('select', { id: 'filter-field', 'aria-label': 'Filter field' }, h('option', { value: '' }, 'no filter'), e.filters.map((f) => h('option', { value: f }, f)));
  const opSel = h('select', { id: 'filter-op', 'aria-label': 'Operator' }, OPS.map((o) => h('option', { value: o }, o)));
  const value = h('input', { id: 'filter-value', placeholder: 'value', 'aria-label': 'Filter value' });
  const limit = h('select', { id: 'data-limit', 'aria-label': 'Rows per page' }, [10, 25, 50, 100].map((n) => h('option', { value: n }, `${n} per page`)));
  if (v.filter) { fieldSel.value = v.filter.field; opSel.value = v.filter.op; value.value = v.filter.value; }
  limit.value = String(v.limit);
  const rerender = () => listView(document.getElementById('data-table').parentNode, e);
  const apply = (ev) => {
    ev.preventDefault();
    v.filter = fieldSel.value ? { field: fieldSel.value, op: opSel.value, value: value.value } : null;
    v.limit = Number(limit.value);
    v.offset = 0;
    rerender();
  };
  const openId = h('input', { id: 'open-id', type: 'number', min: 1, placeholder: 'id', 'aria-label': `Open ${e.name} by id` });
  const opener = h('form', { class: 'inline-form', id: 'open-form' }, openId, h('button', { type: 'submit', class: 'ghost' }, 'Open'));
  opener.addEventListener('submit', (ev) => { ev.preventDefault(); if (openId.value) location.hash = `#/data/${e.name}/${openId.value}`; });
  const f = h('form', { class: 'inline-form', id: 'filter-form' },
    e.filters.length ? [fieldSel, opSel, value] : h('span', { class: 'muted' }, 'no selectable fields'),
    limit, h('button', { type: 'submit', id: 'filter-apply', class: 'ghost' }, 'Apply'));
  f.addEventListener('submit', apply);
  limit.addEventListener('change', apply);
  return h('div', { class: 'toolbar' }, f, opener);
}

async function recordView(body, e, id) {
  const editor = h('div', { id: 'data-editor' });
  mount(body, h('p', {}, h('a', { href: `#/data/${e.name}` }, `‹ all ${e.plural}`)), editor);
  let row;
  try {
    row = await api.get(`/${e.name}/${api.seg(id)}`);
  } catch (err) {
    return editor.append(errorBox(err));
  }
  const fields = ordered(e.fields);
  editor.append(h('section', { class: 'card', id: 'record' },
    h('h2', {}, `${e.name} ${idOf(row)}`),
    h('dl', { class: 'record' }, fields.map((f) => [h('dt', {}, f.name), h('dd', { dataset: { field: f.name } }, display(f, row[f.name]))])),
    e.relations.length ? h('p', {}, 'Relations: ', e.relations.map((rel) => h('a', { class: 'rel', href: `#/data/${e.name}/${idOf(row)}/${rel.name}` }, rel.name))) : null,
    h('div', { class: 'actions' },
      e.ops.has('UPDATE') ? h('button', { type: 'button', onclick: () => form(editor, e, row) }, 'Edit') : null,
      e.ops.has('DELETE') ? h('button', { type: 'button', class: 'danger', onclick: () => remove(e, row, () => { location.hash = `#/data/${e.name}`; }) }, 'Delete') : null)));
}

async function relationView(body, all, e, id, relName) {
  const rel = e.relations.find((r) => r.name === relName);
  const out = h('div', {});
  mount(body, h('p', {}, h('a', { href: `#/data/${e.name}/${api.seg(id)}` }, `‹ ${e.name} ${id}`)), h('h2', {}, `${e.name} ${id} → ${relName}`), out);
  if (!rel) return mount(out, errorBox(`${e.name} has no relation ${relName}`));
  let rows;
  try {
    rows = await api.get(`/${e.name}/${api.seg(id)}/${api.seg(relName)}`);
  } catch (err) {
    return mount(out, errorBox(err));
  }
  rows = Array.isArray(rows) ? rows : [rows];
  if (!rows.length) return mount(out, empty(`${e.name} ${id} has no ${relName.replace(/^to/, '')}.`));
  const fields = ordered(rel.fields);
  mount(out, h('div', { class: 'table-wrap' }, stacked(h('table', { class: 'grid' },
    h('thead', {}, h('tr', {}, fields.map((f) => h('th', {}, f.name)), h('th', {}, ''))),
    h('tbody', {}, rows.map((r) => {
      const target = entityOfHref(r.href);
      return h('tr', {}, fields.map((f) => h('td', {}, display(f, r[f.name]))),
        h('td', {}, target && all[target[0]] ? h('a', { href: `#/data/${target[0]}/${target[1]}` }, 'Open') : null));
    }))))));
}

async function remove(e, row, then) {
  const id = idOf(row);
  if (!(await confirmAction(`Delete ${e.name} ${id}?`, `${e.name} ${id} will be deleted from the database. This cannot be undone.`))) return;
  try {
    await api.del(`/${e.name}/${id}`);
    toast(`${e.name} ${id} deleted`);
    then();
  } catch (err) { toast(err.message, 'error'); }
}

function inputFor(f, value) {
  const id = `field-${f.name}`;
  if (f.type === 'boolean') return h('input', { id, type: 'checkbox', checked: Boolean(value) });
  if (f.type === 'integer') return h('input', { id, type: 'number', step: 1, min: f.min, value: value ?? '', required: f.required });
  if (f.type === 'number') return h('input', { id, type: 'number', step: 'any', value: value ?? '', required: f.required });
  return h('input', { id, type: f.format === 'date-time' ? 'text' : 'text', value: value ?? '', required: f.required, placeholder: f.format === 'date-time' ? '2024-01-31T12:00:00Z' : null });
}

function form(editor, e, row) {
  const creating = !row;
  const fields = e.create || e.fields.filter((f) => !['id', 'href'].includes(f.name));
  const inputs = fields.map((f) => [f, inputFor(f, row ? row[f.name] : undefined)]);
  const note = h('div', { class: 'form-error', role: 'alert' });
  const el = h('form', { class: 'card editor', id: 'data-form' },
    h('h2', {}, creating ? `New ${e.name}` : `Edit ${e.name} ${idOf(row)}`),
    h('div', { class: 'cols' }, inputs.map(([f, input]) => f.type === 'boolean'
      ? h('label', { class: 'check' }, input, f.name)
      : field(f.name + (f.required ? ' *' : ''), input, f.type === 'integer' ? 'whole number' : f.type === 'number' ? 'number' : null))),
    note,
    h('div', { class: 'actions' },
      h('button', { type: 'button', class: 'ghost', onclick: () => mount(editor) }, 'Cancel'),
      h('button', { type: 'submit', id: 'data-save' }, creating ? 'Create' : 'Save')));
  el.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const out = {};
    try {
      for (const [f, input] of inputs) {
        if (f.type === 'boolean') { out[f.name] = input.checked; continue; }
        const s = input.value;
        if (s === '') { if (f.required && f.type === 'string') out[f.name] = ''; continue; }
        if (f.type === 'integer') {
          if (!/^-?\d+$/.test(s)) throw new Error(`${f.name}: expected a whole number, got “${s}”`);
          out[f.name] = Number(s);
        } else if (f.type === 'number') {
          if (!Number.isFinite(Number(s))) throw new Error(`${f.name}: expected a number, got “${s}”`);
          out[f.name] = Number(s);
        } else out[f.name] = s;
      }
      const saved = creating ? await api.post(`/${e.name}`, out) : await api.put(`/${e.name}/${idOf(row)}`, out);
      toast(`${e.name} ${idOf(saved)} ${creating ? 'created' : 'saved'}`);
      window.dispatchEvent(new HashChangeEvent('hashchange'));
    } catch (err) { mount(note, err.message); }
  });
  mount(editor, el);
  const first = inputs[0] && inputs[0][1];
  if (first) first.focus();
}

export function leave() {}
