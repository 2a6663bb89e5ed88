// The console's shell: sign-in, the navigation and the hash router. Each
// screen is a module exporting render(main, params) and, optionally, leave().
import * as api from './api.js';
import { h, mount, field, errorBox } from './dom.js';
import * as users from './users.js';
import * as groups from './groups.js';
import * as data from './data.js';
import * as health from './health.js';
import * as cluster from './cluster.js';

const screens = [
  { path: 'users', label: 'Users', mod: users },
  { path: 'groups', label: 'Groups & grants', mod: groups },
  { path: 'data', label: 'Data', mod: data },
  { path: 'health', label: 'Health', mod: health },
  { path: 'cluster', label: 'Cluster', mod: cluster },
];

const main = document.getElementById('main');
let config = { groups: ['Super'] };
let current = null;
let signInNote = ''; // why the user was signed out, shown until the next sign-in

/** True when the token's groups include one the console admits. */
function admitted(claims) {
  const mine = api.groupsOf(claims);
  return config.groups.some((g) => mine.includes(g));
}

function showSignIn(message, kind = 'error') {
  leaveCurrent();
  document.getElementById('top').hidden = true;
  const email = h('input', { name: 'email', id: 'signin-email', autocomplete: 'username', required: true, autofocus: true });
  const password = h('input', { name: 'password', id: 'signin-password', type: 'password', autocomplete: 'current-password', required: true });
  const note = h('div', { id: 'signin-message', role: 'alert', class: message ? kind : '' }, message || '');
  const button = h('button', { type: 'submit', id: 'signin-submit' }, 'Sign in');
  const form = h('form', { class: 'signin card', id: 'signin' },
    h('h1', {}, 'jiffy ', h('span', {}, 'console')),
    h('p', { class: 'muted' }, `Sign in with a user of group ${config.groups.join(' or ')}.`),
    field('Email', email), field('Password', password), note, button);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    button.disabled = true;
    note.className = '';
    note.textContent = 'Signing in…';
    try {
      const r = await api.post('/usr/login', { email: email.value, password: password.value }, { auth: false });
      const claims = api.claimsOf(r.token);
      if (!claims || !admitted(claims)) {
        note.className = 'error';
        note.textContent = `${email.value} is not a member of ${config.groups.join(' or ')}: the console is for administrators.`;
        return;
      }
      signInNote = '';
      api.keepToken(r.token);
      if (!location.hash || location.hash === '#/' || location.hash === '#') location.hash = '#/users';
      route();
    } catch (e) {
      note.className = 'error';
      note.textContent = e.status === 400 ? 'Wrong email or password, or the user is not active.' : e.message;
    } finally {
      button.disabled = false;
    }
  });
  mount(main, h('div', { class: 'signin-wrap' }, form));
  email.focus();
}

function decodePart(p) {
  try {
    return decodeURIComponent(p);
  } catch {
    return p;
  }
}

function leaveCurrent() {
  if (current && current.leave) current.leave();
  current = null;
}

function renderNav(active) {
  const nav = document.getElementById('nav');
  mount(nav, screens.map((s) => h('a', { href: '#/' + s.path, id: 'nav-' + s.path, class: s.path === active ? 'active' : null, 'aria-current': s.path === active ? 'page' : null }, s.label)));
}

async function route() {
  const claims = api.claims();
  if (!claims || !admitted(claims)) return showSignIn(signInNote);
  if (claims.exp && claims.exp * 1000 <= Date.now()) {
    api.dropToken();
    return showSignIn('Your session has expired; sign in again.');
  }
  const [path, ...rest] = (location.hash.replace(/^#\/?/, '') || 'users').split('/').map(decodePart);
  const screen = screens.find((s) => s.path === path) || screens[0];
  leaveCurrent();
  document.getElementById('top').hidden = false;
  document.getElementById('who').textContent = claims.email || '';
  renderNav(screen.path);
  current = screen.mod;
  document.title = `${screen.label} · jiffy console`;
  // Each visit renders into a view of its own: a slower earlier visit that
  // finishes late writes into a detached element, never over this one.
  const view = h('div', { class: 'view' }, h('p', { class: 'muted' }, 'Loading…'));
  mount(main, view);
  try {
    await screen.mod.render(view, rest);
  } catch (e) {
    if (view.isConnected && api.token()) mount(view, h('h1', {}, screen.label), errorBox(e));
    // else: signed out meanwhile (the sign-in screen is showing) or another visit took over
  }
}

async function start() {
  try {
    config = await api.get('/_/console-config.json', { auth: false });
  } catch { /* keep the default */ }
  api.setExpiredHandler((msg) => {
    signInNote = msg;
    showSignIn(msg);
  });
  const t = api.token();
  if (t) api.keepToken(t); // re-arms the expiry timer after a reload
  document.getElementById('signout').addEventListener('click', () => {
    api.dropToken();
    signInNote = '';
    showSignIn('Signed out.', 'ok');
  });
  window.addEventListener('hashchange', route);
  route();
}

start();
