// What the data screens know about the served entities, read from
// GET /openapi.json: each entity's routes (by jiffy route name), its fields
// with their JSON types, the fields it can be filtered on and its relations.
import * as api from './api.js';

const AUTH_ENTITIES = new Set(['usr', 'usrgroup', 'auth', 'groupauth']);
let cached = null;

function jsonSchema(op, code, list) {
  const c = op && op.responses && op.responses[code] && op.responses[code].content;
  const s = c && c['application/json'] && c['application/json'].schema;
  return s && (list ? s.items : s);
}

/** { name: {name, plural, fields: [{name, type, format, required, min}], create, filters, relations} } */
export async function entities() {
  if (cached) return cached;
  const doc = await api.get('/openapi.json', { auth: false });
  const out = {};
  const ent = (n) => (out[n] = out[n] || { name: n, fields: [], filters: [], relations: [], ops: new Set() });
  for (const [path, item] of Object.entries(doc.paths || {})) {
    for (const op of Object.values(item)) {
      if (!op || !op.operationId || !op.operationId.includes('.')) continue;
      const [name, action] = op.operationId.split('.', 2);
      if (AUTH_ENTITIES.has(name)) continue;
      const e = ent(name);
      e.ops.add(action);
      if (action === 'GET_SET') {
        e.plural = path.slice(1);
        const s = jsonSchema(op, '200', true);
        if (s) e.fields = fieldsOf(s);
      } else if (action === 'CREATE') {
        const body = op.requestBody && op.requestBody.content && op.requestBody.content['application/json'];
        if (body) e.create = fieldsOf(body.schema);
      } else if (/^STATICFLTR_By/.test(action)) {
        const m = path.match(/\/([A-Za-z0-9_]+)\(\{expr\}\)$/);
        if (m) e.filters.push(m[1]);
      } else if (/^REL_/.test(action) && !/^REL_CMD_/.test(action) && !/_id$/.test(action)) {
        const rel = path.split('/').pop();
        const s = jsonSchema(op, '200', true) || jsonSchema(op, '200', false);
        e.relations.push({ name: rel, fields: s ? fieldsOf(s) : [] });
      }
    }
  }
  for (const [n, e] of Object.entries(out)) if (!e.plural) delete out[n];
  cached = out;
  return out;
}

function fieldsOf(schema) {
  const req = new Set(schema.required || []);
  return Object.entries(schema.properties || {}).map(([name, p]) => ({
    name, type: p.type || 'string', format: p.format || '', required: req.has(name), min: p.minimum,
  }));
}

/** The value of a filter expression: strings quoted, numbers and booleans bare. */
export function literal(field, text) {
  if (field && (field.type === 'integer' || field.type === 'number' || field.type === 'boolean')) return text.trim();
  return `'${text}'`;
}
