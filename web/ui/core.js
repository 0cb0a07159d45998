// Yimen web hall: shared helpers (ES2017, no modules). Everything hangs off
// the global Y: translation, DOM building, the API client, the alert region
// and the ID-number check. The views (public.js, staff.js) and the router
// (app.js) are loaded after this file.
'use strict';

var Y = window.Y || {};
window.Y = Y;

Y.state = {
  lang: 'zh',
  session: null, // {user, csrf}
  node: null, // GET /api/v1/node
};

// ---- translation -------------------------------------------------------

// The UI string for `key` in the current language, with {name} replaced from
// `vars`. A missing key shows itself, so a gap is visible rather than blank.
Y.t = function (key, vars) {
  var dict = Y.I18N[Y.state.lang] || Y.I18N.zh;
  var s = dict[key];
  if (s === undefined) s = Y.I18N.zh[key];
  if (s === undefined) return key;
  if (vars) {
    s = s.replace(/\{(\w+)\}/g, function (m, name) {
      return vars[name] === undefined || vars[name] === null ? '' : String(vars[name]);
    });
  }
  return s;
};

// A domain label: the API's Chinese label in Chinese; in English the
// dictionary's word for the ASCII name (`kind` is e.g. "state", "theme").
Y.label = function (kind, name, zhLabel) {
  if (name === undefined || name === null || name === '') return zhLabel || '';
  var key = kind + '.' + name;
  if (Y.state.lang === 'zh') {
    if (zhLabel) return zhLabel;
    return Y.I18N.zh[key] !== undefined ? Y.I18N.zh[key] : name;
  }
  var en = Y.I18N.en[key];
  return en !== undefined ? en : zhLabel || name;
};

Y.setLang = function (lang) {
  Y.state.lang = lang === 'en' ? 'en' : 'zh';
  try {
    localStorage.setItem('yimen.lang', Y.state.lang);
  } catch (e) {
    /* private mode: the choice lasts for this page only */
  }
  document.documentElement.lang = Y.state.lang === 'en' ? 'en' : 'zh-CN';
};

Y.loadLang = function () {
  var lang = 'zh';
  try {
    lang = localStorage.getItem('yimen.lang') || 'zh';
  } catch (e) {
    lang = 'zh';
  }
  Y.setLang(lang);
};

// A limit {days, kind} as text: "20 个工作日" / "20 working days".
Y.limitText = function (limit) {
  if (!limit) return Y.t('none');
  if (limit.days === 0) return Y.t('limit.same_day');
  return Y.t('limit.' + (limit.kind === 'calendar' ? 'calendar' : 'working'), { n: limit.days });
};

// An instant (Unix seconds) relative to now: "3 分钟前" / "3 min ago".
Y.relativeTime = function (seconds) {
  if (seconds === null || seconds === undefined) return Y.t('never');
  var diff = Math.round(Date.now() / 1000 - seconds);
  if (diff < 0) diff = 0;
  if (diff < 60) return Y.t('ago.seconds', { n: diff });
  if (diff < 3600) return Y.t('ago.minutes', { n: Math.floor(diff / 60) });
  if (diff < 86400) return Y.t('ago.hours', { n: Math.floor(diff / 3600) });
  return Y.t('ago.days', { n: Math.floor(diff / 86400) });
};

Y.absoluteTime = function (seconds) {
  if (seconds === null || seconds === undefined) return '';
  var d = new Date(seconds * 1000);
  function two(n) {
    return n < 10 ? '0' + n : String(n);
  }
  return d.getFullYear() + '-' + two(d.getMonth() + 1) + '-' + two(d.getDate()) + ' ' +
    two(d.getHours()) + ':' + two(d.getMinutes()) + ':' + two(d.getSeconds());
};

// ---- DOM ---------------------------------------------------------------

// h('div', {class: 'x', 'data-test': 'y', onclick: fn}, [child, 'text'])
// builds an element. Attributes whose name starts with "on" and whose value
// is a function become listeners; `text` sets the text; false/null/undefined
// attributes and children are skipped. Never sets style (the CSP forbids it).
Y.h = function (tag, attrs, children) {
  var el = document.createElement(tag);
  Y.applyAttrs(el, attrs);
  Y.append(el, children);
  return el;
};

var SVG_NS = 'http://www.w3.org/2000/svg';
Y.svg = function (tag, attrs, children) {
  var el = document.createElementNS(SVG_NS, tag);
  Y.applyAttrs(el, attrs);
  Y.append(el, children);
  return el;
};

Y.applyAttrs = function (el, attrs) {
  if (!attrs) return;
  Object.keys(attrs).forEach(function (name) {
    var v = attrs[name];
    if (v === undefined || v === null || v === false) return;
    if (name.slice(0, 2) === 'on' && typeof v === 'function') {
      el.addEventListener(name.slice(2), v);
    } else if (name === 'text') {
      el.textContent = String(v);
    } else if (name === 'value' && 'value' in el) {
      el.value = v;
    } else if (name === 'checked' || name === 'disabled' || name === 'selected') {
      el[name] = !!v;
      if (v) el.setAttribute(name, '');
    } else {
      el.setAttribute(name, v === true ? '' : String(v));
    }
  });
};

Y.append = function (el, children) {
  if (children === undefined || children === null || children === false) return;
  if (!Array.isArray(children)) children = [children];
  children.forEach(function (c) {
    if (c === undefined || c === null || c === false) return;
    if (Array.isArray(c)) {
      Y.append(el, c);
    } else if (typeof c === 'string' || typeof c === 'number') {
      el.appendChild(document.createTextNode(String(c)));
    } else {
      el.appendChild(c);
    }
  });
};

Y.clear = function (el) {
  while (el.firstChild) el.removeChild(el.firstChild);
  return el;
};

Y.$ = function (sel, root) {
  return (root || document).querySelector(sel);
};

// A labelled form field: <label>text <input ...></label>.
Y.field = function (labelText, control, extra) {
  return Y.h('label', { class: 'field' }, [Y.h('span', { class: 'field-label', text: labelText }), control, extra]);
};

// A definition row for detail pages.
Y.row = function (term, value, attrs) {
  var a = attrs || {};
  var dt = Y.h('dt', { text: term });
  if (a.unverified) {
    dt.appendChild(Y.h('span', { class: 'unverified', 'data-test': 'unverified', title: Y.t('unverified.title'), text: Y.t('unverified') }));
  }
  return [dt, Y.h('dd', { 'data-field': a.field }, value === '' || value === null || value === undefined ? Y.t('none') : value)];
};

// A deadline card badge: colour class and a word, never colour alone.
Y.cardBadge = function (card, due) {
  if (!card) return Y.h('span', { class: 'badge badge-none', text: due ? Y.t('due', { date: due }) : Y.t('card.none') });
  var text = Y.t('card.' + card) + (due ? ' · ' + Y.t('due', { date: due }) : '');
  return Y.h('span', { class: 'badge badge-' + card, 'data-test': 'card-badge', 'data-card': card, text: text });
};

// The weekday of "YYYY-MM-DD" in the page's language (a civil date: no time zone).
Y.weekdayOf = function (day) {
  var p = String(day || '').split('-').map(Number);
  if (p.length !== 3 || p.some(isNaN)) return '';
  var sundayFirst = new Date(Date.UTC(p[0], p[1] - 1, p[2])).getUTCDay();
  return Y.t('kpi.weekdays').split(',')[(sundayFirst + 6) % 7] || '';
};

Y.stateBadge = function (state, label) {
  return Y.h('span', { class: 'state state-' + state, 'data-test': 'state', 'data-state': state, text: Y.label('state', state, label) });
};

// ---- alerts ------------------------------------------------------------

// Shows `message` in the page's alert region (role="alert"); kind is
// "error" (default) or "ok".
Y.alert = function (message, kind) {
  var box = document.getElementById('alert');
  if (!box) return;
  Y.clear(box);
  if (!message) {
    box.className = 'alert hidden';
    return;
  }
  box.className = 'alert alert-' + (kind || 'error');
  box.appendChild(Y.h('span', { 'data-test': 'alert-text', text: message }));
  box.appendChild(Y.h('button', { type: 'button', class: 'link alert-close', 'aria-label': Y.t('close'), text: '×', onclick: function () { Y.alert(''); } }));
  if (box.scrollIntoView && kind !== 'ok') box.scrollIntoView({ block: 'nearest' });
};

Y.showError = function (err) {
  Y.alert(err && err.message ? err.message : String(err), 'error');
};

// ---- API ---------------------------------------------------------------

// Calls /api/v1 + path. Resolves with the parsed JSON body; rejects with an
// Error carrying status, code and the API's error.message. `body` is sent as
// JSON, or as it is (a File) when `rawType` gives its Content-Type.
// The error of a failed request: the server's {"error":{code,message}} when
// it sent one, else the HTTP status; status 0 and code "network" when the
// request never got an answer. Shared by Y.api and Y.upload (apply.js).
Y.apiError = function (status, statusText, data) {
  if (status === 0) {
    var netErr = new Error(Y.t('error.network'));
    netErr.status = 0;
    netErr.code = 'network';
    return netErr;
  }
  var e = data && data.error ? data.error : {};
  // Answers about load rather than input read alike in every language.
  var known = e.code === 'busy' || e.code === 'rate_limited' ? Y.t('error.' + e.code) : '';
  var err = new Error(known || e.message || status + ' ' + statusText);
  err.status = status;
  err.code = e.code || 'http_' + status;
  return err;
};

// The JSON of an answer's text; null when empty or not JSON.
Y.parseAnswer = function (text) {
  try {
    return text ? JSON.parse(text) : null;
  } catch (e) {
    return null;
  }
};

Y.api = async function (method, path, body, rawType, retried) {
  var headers = { Accept: 'application/json' };
  var opts = { method: method, credentials: 'same-origin', headers: headers };
  if (body !== undefined) {
    headers['Content-Type'] = rawType || 'application/json';
    opts.body = rawType ? body : JSON.stringify(body);
  }
  if (method !== 'GET' && method !== 'HEAD' && Y.state.session) {
    headers['X-CSRF-Token'] = Y.state.session.csrf;
  }
  var res;
  try {
    res = await fetch('/api/v1' + path, opts);
  } catch (e) {
    throw Y.apiError(0);
  }
  var data = Y.parseAnswer(await res.text());
  if (res.status !== 401) Y.lastAnswerAt = Date.now();  // the session was touched
  if (!res.ok) {
    if (res.status === 401 && path !== '/session') {
      // A staff session that ended in the middle of work (idle, a restart):
      // the password is asked in place and the request sent again, so
      // nothing typed on the page is lost.
      var was = Y.user();
      if (was && !retried && await Y.relogin(was.login)) return Y.api(method, path, body, rawType, true);
      // Otherwise forget the user.
      Y.refreshSession().then(Y.renderChrome);
    }
    throw Y.apiError(res.status, res.statusText, data);
  }
  return data;
};

// A few minutes before a staff session would end for want of requests, a
// banner says so and offers to stay logged in (a request touches the
// session). Checked every 30 s; Y.checkSessionExpiry(now) is the check.
Y.lastAnswerAt = Date.now();
Y.expiryWarningSeconds = 5 * 60;
Y.checkSessionExpiry = function (now) {
  var s = Y.state.session;
  var banner = document.getElementById('session-expiry');
  var left = s && s.user && s.idle_seconds ? Math.round(s.idle_seconds - ((now || Date.now()) - Y.lastAnswerAt) / 1000) : null;
  if (left === null || left > Y.expiryWarningSeconds || left <= 0) {
    if (banner) banner.remove();
    return;
  }
  var minutes = Math.max(1, Math.ceil(left / 60));
  if (!banner) {
    banner = Y.h('div', { id: 'session-expiry', class: 'warning session-expiry no-print', role: 'status', 'data-test': 'session-expiry' }, [
      Y.h('span', { 'data-test': 'session-expiry-text' }), ' ',
      Y.h('button', { type: 'button', 'data-test': 'session-keep', text: Y.t('session.keep'), onclick: async function () {
        try {
          await Y.refreshSession();
          Y.checkSessionExpiry();
        } catch (e) {
          Y.showError(e);
        }
      } }),
    ]);
    var main = document.getElementById('main');
    if (main && main.parentNode) main.parentNode.insertBefore(banner, main);
  }
  banner.querySelector('[data-test="session-expiry-text"]').textContent = Y.t('session.expiring', { n: minutes });
};
setInterval(function () { Y.checkSessionExpiry(); }, 30000);

// Asks for the password of `login` in a dialog over the page; resolves true
// once logged in again as that account, false when the person cancels (the
// page stays as it is). Concurrent requests share one dialog.
Y.relogin = function (login) {
  if (Y.reloginPending) return Y.reloginPending;
  Y.reloginPending = new Promise(function (resolve) {
    var pw = Y.h('input', { type: 'password', 'data-test': 'relogin-password', autocomplete: 'current-password', required: true });
    var error = Y.h('p', { class: 'alert alert-error hidden', role: 'alert', 'data-test': 'relogin-error' });
    var form = Y.h('form', { class: 'form', 'data-test': 'relogin-form' }, [
      Y.h('h2', { id: 'relogin-title', text: Y.t('relogin.title') }),
      Y.h('p', { text: Y.t('relogin.explain', { login: login }) }),
      error,
      Y.field(Y.t('login.password'), pw),
      Y.h('div', { class: 'actions' }, [
        Y.h('button', { type: 'submit', class: 'primary', 'data-test': 'relogin-submit', text: Y.t('relogin.submit') }),
        Y.h('button', { type: 'button', 'data-test': 'relogin-cancel', text: Y.t('cancel'), onclick: function () { done(false); } }),
      ]),
    ]);
    var dialog = Y.h('dialog', { class: 'relogin', 'data-test': 'relogin', 'aria-labelledby': 'relogin-title' }, form);
    function done(ok) {
      dialog.close();
      dialog.remove();
      Y.reloginPending = null;
      Y.renderChrome();
      resolve(ok);
    }
    dialog.addEventListener('cancel', function (ev) { ev.preventDefault(); done(false); });
    form.addEventListener('submit', async function (ev) {
      ev.preventDefault();
      try {
        await Y.refreshSession();  // a fresh anonymous session and its CSRF token
        var s = await Y.api('POST', '/session', { login: login, password: pw.value });
        pw.value = '';
        Y.state.session = s;
        if (!s.user || s.user.login !== login) {
          error.className = 'alert alert-error';
          error.textContent = Y.t('relogin.other_account');
          return;
        }
        done(true);
      } catch (e) {
        error.className = 'alert alert-error';
        error.textContent = e && e.message ? e.message : String(e);
      }
    });
    document.body.appendChild(dialog);
    dialog.showModal();
    pw.focus();
  });
  return Y.reloginPending;
};

Y.refreshSession = async function () {
  Y.state.session = await Y.api('GET', '/session');
  return Y.state.session;
};

Y.user = function () {
  return Y.state.session && Y.state.session.user ? Y.state.session.user : null;
};

Y.role = function () {
  var u = Y.user();
  return u ? u.role : 'public';
};

Y.hasRole = function (roles) {
  return roles.indexOf(Y.role()) >= 0;
};

// ---- identity ----------------------------------------------------------

// Checks an 18-character resident ID number (GB 11643): 17 digits and the
// check character. Returns {valid, reason, expected}.
Y.checkId = function (raw) {
  var s = String(raw || '').trim().toUpperCase();
  if (s.length === 0) return { valid: false, reason: 'empty' };
  if (!/^[0-9]*[0-9X]?$/.test(s) || s.slice(0, 17).indexOf('X') >= 0) return { valid: false, reason: 'chars' };
  if (s.length < 18) return { valid: false, reason: 'short', n: s.length, missing: 18 - s.length };
  if (s.length > 18) return { valid: false, reason: 'long', n: s.length };
  var weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  var sum = 0;
  for (var i = 0; i < 17; i++) sum += (s.charCodeAt(i) - 48) * weights[i];
  var expected = '10X98765432'.charAt(sum % 11);
  if (s.charAt(17) !== expected) return { valid: false, reason: 'checksum', expected: expected };
  var y = +s.slice(6, 10), m = +s.slice(10, 12), d = +s.slice(12, 14);
  var date = new Date(Date.UTC(y, m - 1, d));
  if (y < 1900 || date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) {
    return { valid: false, reason: 'birth' };
  }
  return { valid: true };
};

Y.printPage = function () {
  window.print();
};
