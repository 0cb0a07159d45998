// Yimen web hall: the header, the navigation and the hash router. Loaded
// last; starts the page.
'use strict';

var STAFF = ['clerk', 'officer', 'supervisor', 'admin'];

// path → {view, roles (absent = public), nav key}
var ROUTES = {
  catalogue: { view: 'catalogue' },
  item: { view: 'item', arg: 'code' },
  track: { view: 'track' },
  complaint: { view: 'complaint' },
  ask: { view: 'ask' },
  apply: { view: 'apply' },
  appointment: { view: 'appointment' },
  verify: { view: 'verify' },
  notices: { view: 'notices' },
  login: { view: 'login' },
  intake: { view: 'intake', roles: ['clerk', 'admin'] },
  cases: { view: 'cases', roles: STAFF },
  case: { view: 'case', arg: 'no', roles: STAFF },
  tasks: { view: 'tasks', roles: ['officer', 'supervisor', 'admin'] },
  questions: { view: 'questions', roles: STAFF },
  appointments: { view: 'appointments', roles: STAFF },
  'notices-manage': { view: 'noticesManage', roles: ['clerk', 'admin'] },
  dashboard: { view: 'dashboard', roles: ['supervisor', 'admin'] },
  users: { view: 'users', roles: ['admin'] },
  enrol: { view: 'enrol', roles: ['admin'] },
  password: { view: 'password', roles: STAFF },
  calendar: { view: 'calendar' },
  edit: { view: 'edit', arg: 'code', roles: ['admin'] },
};

var NAV = [
  { key: 'catalogue', href: '#/catalogue' },
  { key: 'track', href: '#/track' },
  { key: 'complaint', href: '#/complaint' },
  { key: 'ask', href: '#/ask' },
  { key: 'appointment', href: '#/appointment' },
  { key: 'notices', href: '#/notices' },
  { key: 'verify', href: '#/verify' },
  { key: 'intake', href: '#/intake', roles: ['clerk', 'admin'] },
  { key: 'cases', href: '#/cases', roles: STAFF },
  { key: 'tasks', href: '#/tasks', roles: ['officer', 'supervisor', 'admin'] },
  { key: 'questions', href: '#/questions', roles: STAFF },
  { key: 'appointments', href: '#/appointments', roles: STAFF },
  { key: 'notices-manage', href: '#/notices-manage', roles: ['clerk', 'admin'] },
  { key: 'dashboard', href: '#/dashboard', roles: ['supervisor', 'admin'] },
  { key: 'users', href: '#/users', roles: ['admin'] },
  { key: 'enrol', href: '#/enrol', roles: ['admin'] },
  { key: 'calendar', href: '#/calendar', roles: STAFF },
];

// "#/case/NO?card=red" → {name: 'case', arg: 'NO', params: {card: 'red'}}
function parseHash(hash) {
  var h = (hash || '').replace(/^#\/?/, '');
  var q = '';
  var at = h.indexOf('?');
  if (at >= 0) {
    q = h.slice(at + 1);
    h = h.slice(0, at);
  }
  var parts = h.split('/');
  var params = {};
  q.split('&').forEach(function (kv) {
    if (!kv) return;
    var eq = kv.indexOf('=');
    var k = eq >= 0 ? kv.slice(0, eq) : kv;
    var v = eq >= 0 ? kv.slice(eq + 1) : '';
    try {
      params[decodeURIComponent(k)] = decodeURIComponent(v.replace(/\+/g, ' '));
    } catch (e) {
      params[k] = v;
    }
  });
  var arg = parts.slice(1).join('/');
  try {
    arg = decodeURIComponent(arg);
  } catch (e) {
    /* keep it raw */
  }
  return { name: parts[0] || '', arg: arg, params: params };
}

Y.renderChrome = function () {
  var node = Y.state.node || {};
  var nodeName = document.getElementById('node-name');
  nodeName.textContent = node.name || Y.t('app.name');
  var nodeMeta = document.getElementById('node-meta');
  nodeMeta.textContent = node.id ? node.id + ' · ' + Y.label('level', node.level) + (node.recovering ? ' · ' + Y.t('node.recovering') : '') : '';
  document.title = (node.name ? node.name + ' — ' : '') + Y.t('app.name');
  var cur = parseHash(location.hash).name || 'catalogue';
  var nav = Y.clear(document.getElementById('nav'));
  NAV.forEach(function (n) {
    if (n.roles && !Y.hasRole(n.roles)) return;
    nav.appendChild(Y.h('a', { href: n.href, 'data-test': 'nav-' + n.key, class: cur === n.key || (cur === 'item' && n.key === 'catalogue') || (cur === 'case' && n.key === 'cases') ? 'current' : null, 'aria-current': cur === n.key ? 'page' : null, text: Y.t('nav.' + n.key.replace('-', '_')) }));
  });
  var who = Y.clear(document.getElementById('who'));
  var u = Y.user();
  if (u) {
    who.appendChild(Y.h('a', { href: '#/password', class: 'user', 'data-test': 'who', 'data-role': u.role, title: Y.t('password.title'), text: u.name + ' · ' + Y.label('role', u.role) }));
    who.appendChild(Y.h('button', { type: 'button', class: 'link', 'data-test': 'logout', text: Y.t('nav.logout'), onclick: Y.logout }));
  } else {
    who.appendChild(Y.h('a', { href: '#/login', 'data-test': 'nav-login', text: Y.t('nav.login') }));
  }
  var lang = document.getElementById('lang');
  lang.textContent = Y.state.lang === 'zh' ? 'English' : '中文';
  lang.setAttribute('lang', Y.state.lang === 'zh' ? 'en' : 'zh-CN');
  document.getElementById('skip').textContent = Y.t('skip');
  document.getElementById('footer').textContent = Y.t('footer', { version: node.version || '', today: node.today || '' });
};

var routeSeq = 0;

// What the visitor typed into the page's form fields, in document order.
function typedFields(main) {
  return Array.prototype.slice.call(main.querySelectorAll('input[data-test], select[data-test], textarea[data-test]')).filter(function (el) {
    return el.type !== 'file' && el.type !== 'password';
  });
}

// Switches the language and renders the page again with what was typed kept:
// the fields of the same page get their values back, and a view that keeps
// more (the intake wizard's step) hands it over through Y.langCarry.
async function switchLanguage() {
  var main = document.getElementById('main');
  var view = main.getAttribute('data-view');
  var keep = Y.keepOnLangSwitch ? Y.keepOnLangSwitch() : null;
  var typed = typedFields(main).map(function (el) {
    return { key: el.getAttribute('data-test'), value: el.value, checked: el.checked };
  });
  Y.setLang(Y.state.lang === 'zh' ? 'en' : 'zh');
  Y.langCarry = { view: view, keep: keep };
  try {
    await Y.route();
  } finally {
    Y.langCarry = null;
  }
  if (main.getAttribute('data-view') !== view) return;
  var fields = typedFields(main);
  typed.forEach(function (t, i) {
    var el = fields[i];
    if (!el || el.getAttribute('data-test') !== t.key) return;
    if (el.type === 'checkbox' || el.type === 'radio') {
      if (el.checked !== t.checked) {
        el.checked = t.checked;
        el.dispatchEvent(new Event('change', { bubbles: true }));
      }
    } else if (el.value !== t.value) {
      el.value = t.value;
      el.dispatchEvent(new Event('input', { bubbles: true }));
    }
  });
}

// Renders the page the hash names.
Y.route = async function () {
  var seq = ++routeSeq;
  var r = parseHash(location.hash);
  if (!r.name) {
    location.replace('#/' + (Y.user() ? Y.homeFor(Y.role()).slice(2) : 'catalogue'));
    return;
  }
  var def = ROUTES[r.name];
  var main = document.getElementById('main');
  Y.keepOnLangSwitch = null;
  Y.clear(main);
  main.className = 'main';
  Y.alert('');
  Y.renderChrome();
  if (!def) {
    main.appendChild(Y.h('h1', { text: Y.t('notfound.title') }));
    main.appendChild(Y.h('p', {}, Y.h('a', { href: '#/catalogue', text: Y.t('nav.catalogue') })));
    return;
  }
  if (def.roles && !Y.hasRole(def.roles)) {
    if (!Y.user()) {
      location.replace('#/login?next=' + encodeURIComponent(location.hash));
      return;
    }
    main.appendChild(Y.h('h1', { text: Y.t('forbidden.title') }));
    main.appendChild(Y.h('p', { 'data-test': 'forbidden', text: Y.t('forbidden.text') }));
    return;
  }
  var params = r.params;
  if (def.arg) params[def.arg] = r.arg;
  main.setAttribute('data-view', def.view);
  main.setAttribute('aria-busy', 'true');
  try {
    await Y.views[def.view](main, params);
  } catch (e) {
    if (seq === routeSeq) Y.showError(e);
  } finally {
    if (seq === routeSeq) {
      main.setAttribute('data-render', String(seq));
      main.setAttribute('aria-busy', 'false');
    }
  }
  var h1 = main.querySelector('h1');
  if (h1 && seq === routeSeq) {
    h1.setAttribute('tabindex', '-1');
  }
};

async function start() {
  Y.loadLang();
  document.getElementById('lang').addEventListener('click', switchLanguage);
  window.addEventListener('hashchange', Y.route);
  try {
    // The session first: it sets the cookie that every later call carries.
    Y.state.session = await Y.api('GET', '/session');
    Y.state.node = await Y.api('GET', '/node');
  } catch (e) {
    Y.renderChrome();
    Y.showError(e);
    return;
  }
  document.body.setAttribute('data-ready', 'true');
  await Y.route();
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
else start();
