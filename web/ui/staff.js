// Yimen web hall: the staff pages — login, the intake wizard (with 代办
// agents) and receipt, the case queue and case page (with findings, the
// one-time notification and the 告知承诺 post-check), the tasks page
// (post-checks, supervision orders, poor ratings, complaints), the dashboard
// with the KPI charts, supervision (督办) and the sync monitor, and users.
'use strict';

Y.views = Y.views || {};

// As hall::is_finished: the queue's "finished" tab.
var FINISHED_CASE_STATES = ['refused', 'withdrawn', 'closed', 'revoked'];
var CASE_STATES = ['submitted', 'accepted', 'awaiting_materials', 'in_notice', 'approved', 'rejected', 'refused', 'result_issued', 'withdrawn', 'closed', 'revoked'];
var PROBLEMS = ['missing', 'incomplete', 'wrong_copies', 'needs_original'];

// ---- login -------------------------------------------------------------

Y.views.login = function (main, params) {
  main.appendChild(Y.h('h1', { text: Y.t('login.title') }));
  if (Y.user()) {
    main.appendChild(Y.h('p', { text: Y.t('login.already', { name: Y.user().name }) }));
  }
  var login = Y.h('input', { name: 'login', 'data-test': 'login-user', autocomplete: 'username', required: true });
  var pw = Y.h('input', { name: 'password', type: 'password', 'data-test': 'login-password', autocomplete: 'current-password', required: true });
  var form = Y.h('form', { class: 'card form narrow', method: 'post', 'data-test': 'login-form' }, [
    Y.field(Y.t('login.login'), login),
    Y.field(Y.t('login.password'), pw),
    Y.h('button', { type: 'submit', class: 'primary', 'data-test': 'login-submit', text: Y.t('login.submit') }),
  ]);
  form.addEventListener('submit', async function (ev) {
    ev.preventDefault();
    Y.alert('');
    try {
      Y.state.session = await Y.api('POST', '/session', { login: login.value.trim(), password: pw.value });
      pw.value = '';
      Y.renderChrome();
      location.hash = params.next ? decodeURIComponent(params.next) : Y.homeFor(Y.role());
    } catch (e) {
      Y.showError(e);
    }
  });
  main.appendChild(form);
  login.focus();
};

Y.homeFor = function (role) {
  if (role === 'clerk') return '#/intake';
  if (role === 'officer') return '#/cases';
  if (role === 'supervisor') return '#/dashboard';
  if (role === 'admin') return '#/dashboard';
  return '#/catalogue';
};

Y.logout = async function () {
  // No intake draft (personal data) stays in this tab for the next person.
  Object.keys(window.sessionStorage).forEach(function (k) {
    if (k.indexOf('yimen.intake.') === 0) window.sessionStorage.removeItem(k);
  });
  try {
    await Y.api('DELETE', '/session');
  } catch (e) {
    Y.showError(e);
  }
  await Y.refreshSession();
  Y.renderChrome();
  location.hash = '#/login';
};

// ---- intake wizard -------------------------------------------------------

// The applicant's history at this node: past cases (fill the form from the
// newest; apply again for the same item) and the e-licences held, which
// materials then come from by data sharing.
function applicantHistory(held, item, fill) {
  var cases = held.cases || [];
  var licences = (held.licences || []).filter(function (l) { return l.usable !== false; });
  if (!cases.length && !licences.length && !held.false_commitment_case) return null;
  var same = cases.filter(function (c) { return item && c.item_code === item.code; })[0];
  return Y.h('div', { class: 'card history', 'data-test': 'intake-history-found' }, [
    Y.h('h3', { text: Y.t('history.title') }),
    held.false_commitment_case ? Y.h('p', { class: 'warning', text: Y.t('case.applicant_false_commitment', { case_no: held.false_commitment_case }) }) : null,
    cases.length ? Y.h('ul', { class: 'plain' }, cases.slice(0, 5).map(function (c) {
      return Y.h('li', {}, [c.submitted_on, ' · ', c.item_name || c.item_code, ' · ', Y.label('state', c.state), ' ', Y.h('span', { class: 'code', text: c.case_no })]);
    })) : null,
    licences.length ? Y.h('p', { class: 'hint', 'data-test': 'intake-history-licences', text: Y.t('history.licences', { list: licences.map(function (l) { return l.type + ' ' + l.number; }).join('、') }) }) : null,
    Y.h('div', { class: 'actions' }, [
      cases.length ? Y.h('button', { type: 'button', 'data-test': 'intake-history-fill', text: Y.t('history.fill'), onclick: function () { fill(cases[0], false); } }) : null,
      same ? Y.h('button', { type: 'button', class: 'primary', 'data-test': 'intake-apply-again', text: Y.t('history.again', { case_no: same.case_no }), onclick: function () { fill(same, true); } }) : null,
    ]),
  ]);
}

Y.views.intake = function (main, params) {
  // After a language switch the wizard goes on where it was.
  var carried = Y.langCarry && Y.langCarry.view === 'intake' ? Y.langCarry.keep : null;
  // A draft survives a reload of the page: kept in this tab's sessionStorage
  // (gone when the tab closes, never sent anywhere) until the case is taken.
  var draftKey = 'yimen.intake.' + ((Y.user() || {}).login || '');
  var draft = null;
  if (!carried) {
    try {
      draft = JSON.parse(window.sessionStorage.getItem(draftKey) || 'null');
    } catch (e) {
      console.warn('intake draft unreadable, starting afresh', e.name);
    }
    if (draft && (!draft.wiz || !draft.wiz.item)) draft = null;
  }
  var kept = carried || draft;
  var wiz = kept ? kept.wiz : { item: null, applicant: null, materials: null, agent: null };
  var current = kept ? kept.step : 0;
  var restoreFields = draft ? draft.fields : null;
  function saveDraft(fields) {
    try {
      if (!wiz.item || wiz.receipt) window.sessionStorage.removeItem(draftKey);
      else window.sessionStorage.setItem(draftKey, JSON.stringify({ wiz: wiz, step: current, fields: fields || null }));
    } catch (e) {
      console.warn('intake draft not kept', e.name);
    }
  }
  // What is typed in the current step, by field.
  function fieldValues() {
    var out = {};
    body.querySelectorAll('input[data-test], select[data-test], textarea[data-test]').forEach(function (el) {
      if (el.type === 'checkbox') out[el.getAttribute('data-test')] = el.checked;
      else if (el.type !== 'file') out[el.getAttribute('data-test')] = el.value;
    });
    return out;
  }
  Y.keepOnLangSwitch = function () { return { wiz: wiz, step: current }; };
  var steps = ['intake.step_item', 'intake.step_applicant', 'intake.step_materials', 'intake.step_receipt'];
  main.appendChild(Y.h('h1', { text: Y.t('intake.title') }));
  if (Y.state.node && Y.state.node.recovering) {
    main.appendChild(Y.h('p', { class: 'warning', 'data-test': 'recovering', text: Y.t('node.recovering') }));
  }
  var bar = Y.h('ol', { class: 'wizard-steps no-print' });
  var body = Y.h('div', { class: 'wizard-body' });
  if (draft) {
    main.appendChild(Y.h('p', { class: 'hint no-print', 'data-test': 'intake-draft' }, [
      Y.t('intake.draft_restored'), ' ',
      Y.h('button', { type: 'button', class: 'link', 'data-test': 'intake-draft-discard', text: Y.t('intake.draft_discard'), onclick: function () {
        window.sessionStorage.removeItem(draftKey);
        Y.route();
      } }),
    ]));
  }
  main.appendChild(bar);
  main.appendChild(body);
  body.addEventListener('input', function () { saveDraft(fieldValues()); });
  body.addEventListener('change', function () { saveDraft(fieldValues()); });

  function show(i) {
    current = i;
    Y.clear(bar);
    steps.forEach(function (k, j) {
      bar.appendChild(Y.h('li', { class: j === i ? 'current' : j < i ? 'done' : '', 'aria-current': j === i ? 'step' : null, text: Y.t(k) }));
    });
    Y.clear(body);
    Y.alert('');
    [stepItem, stepApplicant, stepMaterials][i]();
    if (restoreFields) {
      Object.keys(restoreFields).forEach(function (key) {
        var el = body.querySelector('[data-test="' + key + '"]');
        if (!el) return;
        if (el.type === 'checkbox') el.checked = restoreFields[key] === true;
        else el.value = restoreFields[key];
        el.dispatchEvent(new Event('input', { bubbles: true }));
        el.dispatchEvent(new Event('change', { bubbles: true }));
      });
      restoreFields = null;
    }
    saveDraft(fieldValues());
    window.scrollTo(0, 0);
  }

  function stepItem() {
    body.appendChild(Y.h('p', { class: 'muted', text: Y.t('intake.item_explain') }));
    body.appendChild(Y.catalogueBrowser({ q: '' }, async function (it) {
      try {
        wiz.item = await Y.api('GET', '/catalogue/' + encodeURIComponent(it.code));
        wiz.again = null;
        show(1);
      } catch (e) {
        Y.showError(e);
      }
    }));
  }

  function stepApplicant() {
    var a = wiz.applicant || { id_number: '', name: '', phone: '', domicile: Y.state.node ? Y.state.node.id : '' };
    var id = Y.h('input', { name: 'id_number', 'data-test': 'intake-id', value: a.id_number, maxlength: '18', autocomplete: 'off', spellcheck: 'false', 'aria-describedby': 'id-status' });
    var status = Y.h('span', { id: 'id-status', class: 'id-status', 'data-test': 'intake-id-status', 'aria-live': 'polite' });
    var name = Y.h('input', { name: 'name', 'data-test': 'intake-name', value: a.name, autocomplete: 'off' });
    var phone = Y.h('input', { name: 'phone', type: 'tel', 'data-test': 'intake-phone', value: a.phone, autocomplete: 'off' });
    var dom = Y.h('input', { name: 'domicile', 'data-test': 'intake-domicile', value: a.domicile, maxlength: '12', inputmode: 'numeric' });
    function check() {
      var r = Y.checkId(id.value);
      status.setAttribute('data-valid', r.valid ? 'true' : 'false');
      status.className = 'id-status ' + (r.valid ? 'ok' : id.value ? 'bad' : '');
      if (r.valid) status.textContent = '✓ ' + Y.t('id.valid');
      else if (r.reason === 'empty') status.textContent = Y.t('id.empty');
      else status.textContent = '✗ ' + Y.t('id.' + r.reason, { n: r.n, missing: r.missing, expected: r.expected });
      return r.valid;
    }
    // What this node already holds for the applicant (past cases, licences):
    // fill the form from history, or make a past application again.
    var history = Y.h('div', { class: 'history-box', 'data-test': 'intake-history', 'aria-live': 'polite' });
    var lookedUp = '';
    async function lookUp() {
      var idValue = id.value.trim().toUpperCase();
      if (idValue === lookedUp) return;
      lookedUp = idValue;
      Y.clear(history);
      var held;
      try {
        held = await Y.api('POST', '/applicants/lookup', { id_number: idValue });
      } catch (e) {
        return;  // history is a convenience; the intake goes on without it
      }
      if (idValue !== lookedUp) return;
      Y.append(Y.clear(history), applicantHistory(held, wiz.item, function (past, again) {
        name.value = past.applicant_name;
        phone.value = past.applicant_phone;
        dom.value = past.domicile;
        if (again) wiz.again = past.case_no;
      }));
    }
    id.addEventListener('input', function () {
      if (check()) lookUp();
      else Y.clear(history);
    });
    if (check()) lookUp();

    // 代办: someone applies on the applicant's behalf.
    var ag = wiz.agent || { id_number: '', name: '', phone: '', authorisation: '' };
    var byAgent = Y.h('input', { type: 'checkbox', 'data-test': 'intake-agent-on', checked: !!wiz.agent });
    var agentId = Y.h('input', { 'data-test': 'intake-agent-id', value: ag.id_number, maxlength: '18', autocomplete: 'off', spellcheck: 'false', 'aria-describedby': 'agent-id-status' });
    var agentStatus = Y.h('span', { id: 'agent-id-status', class: 'id-status', 'data-test': 'intake-agent-id-status', 'aria-live': 'polite' });
    var agentName = Y.h('input', { 'data-test': 'intake-agent-name', value: ag.name, autocomplete: 'off' });
    var agentPhone = Y.h('input', { type: 'tel', 'data-test': 'intake-agent-phone', value: ag.phone, autocomplete: 'off' });
    var agentAuth = Y.h('input', { 'data-test': 'intake-agent-authorisation', value: ag.authorisation, autocomplete: 'off', placeholder: Y.t('agent.authorisation_placeholder') });
    var agentBox = Y.h('fieldset', { class: 'plain-set agent-box', 'data-test': 'intake-agent' }, [
      Y.h('legend', { text: Y.t('agent.title') }),
      Y.field(Y.t('agent.id_number'), agentId, agentStatus),
      Y.field(Y.t('agent.name'), agentName),
      Y.field(Y.t('agent.phone'), agentPhone),
      Y.field(Y.t('agent.authorisation'), agentAuth, Y.h('span', { class: 'hint', text: Y.t('agent.authorisation_hint') })),
    ]);
    var visits = Y.h('input', { type: 'number', min: '0', max: '20', class: 'short', 'data-test': 'intake-visits', value: String(wiz.visits !== undefined ? wiz.visits : 1) });
    var visitsTouched = wiz.visits !== undefined;
    visits.addEventListener('input', function () { visitsTouched = true; });
    function checkAgentId() {
      var r = Y.checkId(agentId.value);
      agentStatus.setAttribute('data-valid', r.valid ? 'true' : 'false');
      agentStatus.className = 'id-status ' + (r.valid ? 'ok' : agentId.value ? 'bad' : '');
      if (r.valid) agentStatus.textContent = '✓ ' + Y.t('id.valid');
      else if (r.reason === 'empty') agentStatus.textContent = Y.t('id.empty');
      else agentStatus.textContent = '✗ ' + Y.t('id.' + r.reason, { n: r.n, missing: r.missing, expected: r.expected });
      return r.valid;
    }
    function syncAgent() {
      agentBox.classList.toggle('hidden', !byAgent.checked);
      // The applicant need not come when an agent does.
      if (!visitsTouched) visits.value = byAgent.checked ? '0' : '1';
    }
    agentId.addEventListener('input', checkAgentId);
    byAgent.addEventListener('change', syncAgent);
    checkAgentId();
    agentBox.classList.toggle('hidden', !byAgent.checked);

    var form = Y.h('form', { class: 'card form', 'data-test': 'intake-applicant' }, [
      Y.h('p', {}, [Y.t('intake.item'), ': ', Y.h('strong', { text: wiz.item.name }), ' ', Y.h('span', { class: 'code', text: wiz.item.code })]),
      Y.field(Y.t('applicant.id_number'), id, status),
      history,
      Y.field(Y.t('applicant.name'), name),
      Y.field(Y.t('applicant.phone'), phone),
      Y.field(Y.t('applicant.domicile'), dom, Y.h('span', { class: 'hint', text: Y.t('applicant.domicile_hint') })),
      Y.h('label', { class: 'check agent-toggle' }, [byAgent, ' ', Y.t('agent.toggle')]),
      agentBox,
      Y.field(Y.t('intake.visits'), visits, Y.h('span', { class: 'hint', text: Y.t('intake.visits_hint') })),
      Y.h('div', { class: 'actions' }, [
        Y.h('button', { type: 'button', 'data-test': 'intake-back', text: Y.t('back'), onclick: function () { show(0); } }),
        Y.h('button', { type: 'submit', class: 'primary', 'data-test': 'intake-next', text: Y.t('next') }),
      ]),
    ]);
    form.addEventListener('submit', function (ev) {
      ev.preventDefault();
      if (!check()) {
        Y.alert(Y.t('id.fix_first'));
        id.focus();
        return;
      }
      if (!name.value.trim()) {
        Y.alert(Y.t('applicant.name_required'));
        name.focus();
        return;
      }
      if (!phone.value.trim()) {
        Y.alert(Y.t('applicant.phone_required'));
        phone.focus();
        return;
      }
      if (!/^[0-9]{12}$/.test(dom.value.trim())) {
        Y.alert(Y.t('applicant.domicile_invalid'));
        dom.focus();
        return;
      }
      var v = parseInt(visits.value, 10);
      if (isNaN(v) || v < 0 || v > 20) {
        Y.alert(Y.t('intake.visits_invalid'));
        visits.focus();
        return;
      }
      if (byAgent.checked) {
        if (!checkAgentId()) {
          Y.alert(Y.t('agent.id_fix_first'));
          agentId.focus();
          return;
        }
        var missing = [[agentName, 'agent.name'], [agentPhone, 'agent.phone'], [agentAuth, 'agent.authorisation']].filter(function (p) { return !p[0].value.trim(); })[0];
        if (missing) {
          Y.alert(Y.t('agent.required', { field: Y.t(missing[1]) }));
          missing[0].focus();
          return;
        }
        wiz.agent = { id_number: agentId.value.trim().toUpperCase(), name: agentName.value.trim(), phone: agentPhone.value.trim(), authorisation: agentAuth.value.trim() };
      } else {
        wiz.agent = null;
      }
      wiz.visits = v;
      wiz.applicant = { id_number: id.value.trim().toUpperCase(), name: name.value.trim(), phone: phone.value.trim(), domicile: dom.value.trim() };
      show(2);
    });
    body.appendChild(form);
    id.focus();
  }

  function stepMaterials() {
    var mats = wiz.item.materials || [];
    var rows = mats.map(function (m, i) {
      var index = m.index !== undefined ? m.index : i;
      var opts = [Y.h('option', { value: '', text: Y.t('how.none') }), Y.h('option', { value: 'paper', text: Y.t('how.paper') }), Y.h('option', { value: 'electronic', text: Y.t('how.electronic') })];
      if (m.kind === 'data_sharing') opts.push(Y.h('option', { value: 'shared', text: Y.t('how.shared') }));
      if (m.kind === 'commitment_allowed') opts.push(Y.h('option', { value: 'commitment', text: Y.t('how.commitment') }));
      var sel = Y.h('select', { 'data-test': 'intake-how-' + index, 'data-material': String(index) }, opts);
      var prev = wiz.materials && wiz.materials[index];
      sel.value = prev ? prev.how : m.kind === 'data_sharing' ? 'shared' : 'paper';
      var note = Y.h('input', { 'data-test': 'intake-note-' + index, value: prev ? prev.note : '', placeholder: Y.t('note') });
      return {
        index: index, sel: sel, note: note,
        el: Y.h('li', { class: 'material card' }, [
          Y.h('strong', { text: m.name }),
          Y.h('p', { class: 'meta' }, [Y.label('form', m.form, m.form_label), ' · ', Y.t('guide.copies', { n: m.copies }), ' · ', Y.label('kind', m.kind, m.kind_label)]),
          m.kind === 'data_sharing' && m.sharing_source ? Y.h('p', { class: 'hint', text: Y.t('guide.sharing_source') + ': ' + m.sharing_source }) : null,
          Y.h('div', { class: 'inline' }, [Y.field(Y.t('intake.how'), sel), Y.field(Y.t('note'), note)]),
        ]),
      };
    });
    var form = Y.h('form', { class: 'form', 'data-test': 'intake-materials' }, [
      Y.h('p', {}, [Y.t('intake.item'), ': ', Y.h('strong', { text: wiz.item.name }), ' · ', Y.t('applicant.name'), ': ', wiz.applicant.name]),
      wiz.again ? Y.h('p', { class: 'hint', 'data-test': 'intake-again-hint', text: Y.t('history.again_hint', { case_no: wiz.again }) }) : null,
      mats.length ? Y.h('ol', { class: 'materials' }, rows.map(function (r) { return r.el; })) : Y.h('p', { text: Y.t('guide.no_materials') }),
      Y.h('div', { class: 'actions' }, [
        Y.h('button', { type: 'button', 'data-test': 'intake-back', text: Y.t('back'), onclick: function () { show(1); } }),
        Y.h('button', { type: 'submit', class: 'primary', 'data-test': 'intake-submit', text: Y.t('intake.submit') }),
      ]),
    ]);
    var busy = false;
    form.addEventListener('submit', async function (ev) {
      ev.preventDefault();
      if (busy) return;
      wiz.materials = {};
      var list = [];
      rows.forEach(function (r) {
        wiz.materials[r.index] = { how: r.sel.value, note: r.note.value };
        if (r.sel.value) list.push({ material: r.index, how: r.sel.value, note: r.note.value.trim() });
      });
      busy = true;
      try {
        var req = { item_code: wiz.item.code, applicant: wiz.applicant, channel: 'window', materials: list, visits: wiz.visits };
        if (wiz.agent) req.agent = wiz.agent;
        var res = await Y.api('POST', '/cases', req);
        receipt(res);
      } catch (e) {
        var flagged = e.status === 409 && /false commitment on case (\S+?):/.exec(e.message || '');
        if (flagged) {
          // A false commitment earlier: no 告知承诺 for this applicant.
          Y.alert(Y.t('intake.false_commitment', { case_no: flagged[1] }));
          rows.forEach(function (r) { r.sel.classList.toggle('bad', r.sel.value === 'commitment'); });
        } else {
          Y.showError(e);
        }
      } finally {
        busy = false;
      }
    });
    body.appendChild(form);
  }

  function receipt(res) {
    current = 3;
    wiz.receipt = res;
    saveDraft();
    Y.clear(bar);
    steps.forEach(function (k, j) {
      bar.appendChild(Y.h('li', { class: j === 3 ? 'current' : 'done', text: Y.t(k) }));
    });
    Y.clear(body);
    var node = Y.state.node || {};
    var it = wiz.item;
    var provided = [];
    (it.materials || []).forEach(function (m, i) {
      var index = m.index !== undefined ? m.index : i;
      var got = wiz.materials[index];
      provided.push(Y.h('tr', {}, [Y.h('td', { text: m.name }), Y.h('td', { text: got && got.how ? Y.t('how.' + got.how) : Y.t('how.none') })]));
    });
    body.appendChild(Y.h('div', { class: 'no-print warning', role: 'note', 'data-test': 'receipt-warning', text: Y.t('receipt.once') }));
    body.appendChild(Y.h('section', { class: 'card printable receipt', 'data-test': 'receipt' }, [
      Y.h('h2', { text: Y.t('receipt.title') }),
      Y.h('p', { class: 'muted', text: node.name || '' }),
      Y.h('dl', { class: 'facts' }, [
        Y.row(Y.t('case.no'), Y.h('strong', { class: 'big', 'data-test': 'receipt-case-no', text: res.case_no })),
        Y.row(Y.t('receipt.query_code'), Y.h('strong', { class: 'big', 'data-test': 'receipt-query-code', text: res.query_code })),
        Y.row(Y.t('intake.item'), it.name + ' (' + it.code + ')'),
        Y.row(Y.t('applicant.name'), wiz.applicant.name),
        wiz.agent ? Y.row(Y.t('agent.title'), wiz.agent.name + ' (' + wiz.agent.authorisation + ')') : null,
        Y.row(Y.t('receipt.date'), node.today || ''),
        Y.row(Y.t('receipt.handling_node'), res.handling_node),
        Y.row(Y.t('guide.committed_limit'), Y.limitText(it.committed_limit)),
        res.repeat_of ? Y.row(Y.t('receipt.repeat_of'), res.repeat_of) : null,
        Y.row(Y.t('guide.consultation'), it.consultation ? it.consultation.phone : ''),
        Y.row(Y.t('receipt.clerk'), Y.user() ? Y.user().name : ''),
      ]),
      Y.h('table', { class: 'table' }, [Y.h('thead', {}, Y.h('tr', {}, [Y.h('th', { text: Y.t('guide.materials') }), Y.h('th', { text: Y.t('intake.how') })])), Y.h('tbody', {}, provided)]),
      Y.h('p', { class: 'receipt-note', text: Y.t('receipt.track_hint') }),
    ]));
    body.appendChild(Y.h('div', { class: 'actions no-print' }, [
      Y.h('button', { type: 'button', class: 'primary', 'data-test': 'receipt-print', text: Y.t('print'), onclick: Y.printPage }),
      Y.h('button', { type: 'button', 'data-test': 'intake-new', text: Y.t('intake.new'), onclick: function () { wiz = { item: null, applicant: null, materials: null, agent: null }; show(0); } }),
      Y.h('a', { class: 'button', href: '#/case/' + encodeURIComponent(res.case_no), 'data-test': 'receipt-open-case', text: Y.t('receipt.open_case') }),
    ]));
  }

  if (kept) {
    if (current === 3) receipt(wiz.receipt);
    else show(current);
  } else if (params.item) {
    Y.api('GET', '/catalogue/' + encodeURIComponent(params.item)).then(function (it) {
      wiz.item = it;
      show(1);
    }, function (e) {
      Y.showError(e);
      show(0);
    });
  } else {
    show(0);
  }
};

// ---- case list -----------------------------------------------------------

function casesQuery(p) {
  var parts = [];
  if (p.view) parts.push('view=' + encodeURIComponent(p.view));
  if (p.state) parts.push('state=' + encodeURIComponent(p.state));
  if (p.card) parts.push('card=' + encodeURIComponent(p.card));
  return parts.length ? '?' + parts.join('&') : '';
}

function caseTable(cases) {
  if (!cases.length) return Y.h('p', { class: 'muted', 'data-test': 'cases-empty', text: Y.t('cases.empty') });
  return Y.h('div', { class: 'table-wrap' }, Y.h('table', { class: 'table cases stack', 'data-test': 'cases-table' }, [
    Y.h('thead', {}, Y.h('tr', {}, ['case.no', 'case.item', 'case.state', 'case.applicant', 'case.deadline', 'case.submitted_on', 'case.handling_node'].map(function (k) {
      return Y.h('th', { text: Y.t(k) });
    }))),
    Y.h('tbody', {}, cases.map(function (c) {
      return Y.h('tr', { 'data-test': 'case-row', 'data-case': c.case_no, 'data-state': c.state }, [
        Y.h('td', { class: 'nowrap', 'data-label': Y.t('case.no') }, Y.h('a', { href: '#/case/' + encodeURIComponent(c.case_no), 'data-test': 'case-link', 'data-case': c.case_no, text: c.case_no })),
        Y.h('td', { 'data-label': Y.t('case.item'), text: c.item_name }),
        Y.h('td', { 'data-label': Y.t('case.state') }, Y.stateBadge(c.state, c.state_label)),
        Y.h('td', { 'data-label': Y.t('case.applicant') }, [c.applicant_name, ' ', Y.h('span', { class: 'code', text: c.applicant_id_masked }), c.identity === 'unverified' ? [' ', Y.h('span', { class: 'badge badge-yellow', 'data-test': 'case-row-unverified', text: Y.t('identity.unverified') })] : null]),
        Y.h('td', { 'data-label': Y.t('case.deadline') }, Y.cardBadge(c.card, c.due)),
        Y.h('td', { class: 'nowrap', 'data-label': Y.t('case.submitted_on'), text: c.submitted_on }),
        Y.h('td', { class: 'code', 'data-label': Y.t('case.handling_node'), text: c.handling_node }),
      ]);
    })),
  ]));
}

// The queue: cases still being handled (in order of urgency: red, yellow,
// then by due date) or finished ones, in two tabs; a search by case number,
// ID number or name, sent in the request body.
Y.views.cases = async function (main, params) {
  var view = params.view === 'finished' ? 'finished' : 'open';
  main.appendChild(Y.h('h1', { text: Y.t('cases.title') }));
  main.appendChild(Y.h('nav', { class: 'tabs no-print', 'aria-label': Y.t('cases.title') }, ['open', 'finished'].map(function (v) {
    return Y.h('a', { href: '#/cases' + casesQuery({ view: v }), class: 'tab' + (v === view ? ' current' : ''), 'aria-current': v === view ? 'page' : null, 'data-test': 'cases-tab-' + v, text: Y.t('cases.tab_' + v) });
  })));
  var states = CASE_STATES.filter(function (s) { return (FINISHED_CASE_STATES.indexOf(s) >= 0) === (view === 'finished'); });
  var state = Y.h('select', { 'data-test': 'cases-state' }, [Y.h('option', { value: '', text: Y.t('cases.all_states') })].concat(states.map(function (s) {
    return Y.h('option', { value: s, text: Y.label('state', s) });
  })));
  state.value = params.state || '';
  var card = Y.h('select', { 'data-test': 'cases-card' }, ['', 'green', 'yellow', 'red'].map(function (c) {
    return Y.h('option', { value: c, text: c ? Y.t('card.' + c) : Y.t('cases.all_cards') });
  }));
  card.value = params.card || '';
  function go() {
    location.hash = '#/cases' + casesQuery({ view: view, state: state.value, card: card.value });
  }
  state.addEventListener('change', go);
  card.addEventListener('change', go);
  var query = Y.h('input', { type: 'search', 'data-test': 'cases-query', autocomplete: 'off', placeholder: Y.t('cases.search_hint') });
  var listBox = Y.h('div', { 'data-test': 'cases-list', 'aria-live': 'polite' });
  var searchForm = Y.h('form', { class: 'search no-print', 'data-test': 'cases-search', role: 'search' }, [
    Y.field(Y.t('cases.search'), query),
    Y.h('button', { type: 'submit', 'data-test': 'cases-search-submit', text: Y.t('search') }),
  ]);
  function show(data, base, searched) {
    Y.clear(listBox);
    listBox.setAttribute('data-query', searched || '');
    listBox.appendChild(cardTiles(data.cards || {}, base, params.card, view));
    listBox.appendChild(Y.h('p', { class: 'muted', 'data-test': 'cases-total', 'data-total': String(data.total || 0), text: Y.t('cases.total', { shown: (data.cases || []).length, n: data.total || 0 }) }));
    listBox.appendChild(caseTable(data.cases || []));
  }
  searchForm.addEventListener('submit', async function (ev) {
    ev.preventDefault();
    Y.alert('');
    if (!query.value.trim()) { Y.route(); return; }
    try {
      show(await Y.api('POST', '/cases/search', { query: query.value.trim(), view: view }), '#/cases', query.value.trim());
    } catch (e) {
      Y.showError(e);
    }
  });
  main.appendChild(searchForm);
  main.appendChild(Y.h('div', { class: 'search no-print' }, [
    Y.field(Y.t('case.state'), state),
    Y.field(Y.t('case.deadline'), card),
    Y.h('button', { type: 'button', 'data-test': 'cases-refresh', text: Y.t('refresh'), onclick: function () { Y.route(); } }),
  ]));
  main.appendChild(listBox);
  show(await Y.api('GET', '/cases' + casesQuery({ view: view, state: params.state, card: params.card })), '#/cases');
};

function cardTiles(cards, base, current, view) {
  return Y.h('div', { class: 'tiles', 'data-test': 'card-tiles' }, ['green', 'yellow', 'red'].map(function (c) {
    return Y.h('a', { class: 'tile tile-' + c + (current === c ? ' current' : ''), href: base + casesQuery({ view: view, card: c }), 'data-test': 'tile-' + c, 'data-count': String(cards[c] || 0) }, [
      Y.h('span', { class: 'tile-count', text: String(cards[c] || 0) }),
      Y.h('span', { class: 'tile-label', text: Y.t('card.' + c) }),
    ]);
  }));
}

// ---- one case ------------------------------------------------------------

Y.views.case = async function (main, params) {
  var no = params.no;
  var c = await Y.api('GET', '/cases/' + encodeURIComponent(no));
  renderCase(main, c);
};

function renderCase(main, c) {
  Y.clear(main);
  main.classList.remove('has-notice');
  var ap = c.applicant || {};
  main.appendChild(Y.h('p', { class: 'no-print' }, Y.h('a', { href: '#/cases', text: '← ' + Y.t('cases.title') })));
  main.appendChild(Y.h('h1', { 'data-test': 'case-title' }, [c.item_name, ' ', Y.stateBadge(c.state, c.state_label)]));
  main.appendChild(Y.h('div', { class: 'grid2' }, [
    Y.h('section', { class: 'card' }, [
      Y.h('h2', { text: Y.t('case.summary') }),
      Y.h('dl', { class: 'facts' }, [
        Y.row(Y.t('case.no'), Y.h('span', { 'data-test': 'case-no', text: c.case_no })),
        Y.row(Y.t('case.item'), c.item_name + ' (' + c.item_code + (c.item_version ? ' v' + c.item_version : '') + ')'),
        Y.row(Y.t('case.state'), Y.stateBadge(c.state, c.state_label)),
        Y.row(Y.t('case.deadline'), [Y.cardBadge(c.card, c.due), unknownDeadline(c)]),
        Y.row(Y.t('guide.committed_limit'), Y.limitText(c.committed_limit)),
        Y.row(Y.t('case.submitted_on'), c.submitted_on),
        Y.row(Y.t('case.channel'), Y.label('channel', c.channel)),
        Y.row(Y.t('case.intake_node'), c.intake_node),
        Y.row(Y.t('case.handling_node'), c.handling_node),
        Y.row(Y.t('case.responsible'), Y.h('span', { 'data-test': 'case-responsible', text: c.responsible_name })),
        Y.row(Y.t('case.handler'), Y.h('span', { 'data-test': 'case-handler', text: c.handler ? [c.handler.name, c.handler.office, c.handler.phone].filter(Boolean).join(' · ') : Y.t('case.no_handler') })),
        c.decision ? Y.row(Y.t('case.decision'), c.decision) : null,
        c.result ? Y.row(Y.t('case.result'), c.result) : null,
        c.returned ? Y.row(Y.t('case.returned'), Y.t('yes')) : null,
        c.withdrawal_requested ? Y.row(Y.t('case.withdrawal_requested'), Y.t('yes')) : null,
        c.repeat_of ? Y.row(Y.t('receipt.repeat_of'), c.repeat_of) : null,
        c.visits !== undefined && c.visits !== null ? Y.row(Y.t('case.visits'), Y.h('span', { 'data-test': 'case-visits', text: String(c.visits) })) : null,
        Y.row(Y.t('case.commitment'), Y.h('span', { 'data-test': 'case-commitment', 'data-commitment': c.commitment ? 'true' : 'false', 'data-post-check': c.post_check || '' }, commitmentText(c))),
        c.approved_on ? Y.row(Y.t('case.approved_on'), c.approved_on) : null,
        c.finished_on ? Y.row(Y.t('case.finished_on'), c.finished_on) : null,
      ]),
    ]),
    Y.h('section', { class: 'card' }, [
      Y.h('h2', { text: Y.t('case.applicant') }),
      Y.h('dl', { class: 'facts' }, [
        Y.row(Y.t('applicant.name'), ap.name),
        Y.row(Y.t('applicant.id_number'), ap.id_number),
        Y.row(Y.t('applicant.phone'), ap.phone),
        Y.row(Y.t('applicant.domicile'), ap.domicile),
        c.identity ? Y.row(Y.t('case.identity'), Y.h('span', { class: c.identity === 'unverified' ? 'badge badge-yellow' : '', 'data-test': 'case-identity', 'data-identity': c.identity }, [Y.t('identity.' + c.identity), c.identity_note ? ' · ' + c.identity_note : ''])) : null,
      ]),
      c.applicant_false_commitment ? Y.h('p', { class: 'warning', 'data-test': 'case-false-commitment', text: Y.t('case.applicant_false_commitment', { case_no: c.applicant_false_commitment }) }) : null,
      c.agent ? Y.h('div', { 'data-test': 'case-agent' }, [
        Y.h('h3', { text: Y.t('agent.title') }),
        Y.h('dl', { class: 'facts' }, [
          Y.row(Y.t('agent.name'), c.agent.name),
          Y.row(Y.t('agent.id_number'), Y.h('span', { class: 'code', text: c.agent.id_number_masked })),
          Y.row(Y.t('agent.authorisation'), c.agent.authorisation),
        ]),
      ]) : null,
    ]),
  ]));

  // Actions.
  var actions = c.actions || [];
  var panel = Y.h('div', { class: 'action-panel' });
  var note = Y.h('input', { 'data-test': 'action-note', placeholder: Y.t('note') });
  var buttons = actions.map(function (a) {
    var needsFindings = a === 'request_materials' || a === 'return_incomplete';
    return Y.h('button', {
      type: 'button', class: actionClass(a), 'data-test': 'action-' + a, 'data-action': a, text: Y.label('action', a),
      onclick: function () {
        if (needsFindings) findingsForm(panel, c, a, note);
        else if (a === 'supply_materials') supplyForm(panel, c, note);
        else if (a === 'confirm_commitment' || a === 'false_commitment') commitmentForm(panel, c, a, note);
        else doAction(main, c, { action: a, note: note.value.trim() });
      },
    });
  });
  main.appendChild(Y.h('section', { class: 'card case-actions', 'data-test': 'case-actions' }, [
    Y.h('h2', { class: 'no-print', text: Y.t('case.actions') }),
    actions.length ? Y.h('div', { class: 'no-print' }, [Y.field(Y.t('note'), note), Y.h('div', { class: 'actions' }, buttons)]) : Y.h('p', { class: 'muted no-print', 'data-test': 'no-actions', text: Y.t('case.no_actions') }),
    panel,
  ]));

  if (c.parallel && c.parallel.length) main.appendChild(parallelSection(main, c));
  if (['approved', 'result_issued', 'closed'].indexOf(c.state) >= 0 && c.handling_node === (Y.state.node || {}).id && Y.hasRole(['officer', 'admin'])) {
    main.appendChild(Y.licenceIssueSection(c));
  }
  if (c.rating) main.appendChild(ratingSection(c.rating));
  if (c.supervision && c.supervision.length) main.appendChild(caseSupervision(c.supervision));

  // Materials, with how each was supplied and the files uploaded for them.
  var supplied = {};
  (c.supplied || []).forEach(function (s) { supplied[s.material] = s; });
  main.appendChild(Y.h('section', { class: 'card', 'data-test': 'case-materials' }, [
    Y.h('h2', { text: Y.t('guide.materials') }),
    Y.h('ol', { class: 'materials' }, (c.materials || []).map(function (m, i) {
      var s = supplied[i];
      var file = s && s.file;
      return Y.h('li', { 'data-test': 'case-material', 'data-how': s ? s.how : 'none' }, [
        Y.h('strong', { text: m.name }), ' ',
        Y.h('span', { class: 'meta', text: Y.label('form', m.form, m.form_label) + ' · ' + Y.t('guide.copies', { n: m.copies }) + ' · ' + Y.label('kind', m.kind, m.kind_label) }),
        Y.h('div', {}, [
          Y.h('span', { class: 'how', text: Y.t('case.supplied') + ': ' + Y.label('how', s ? s.how : 'none') + (s && s.note ? ' · ' + s.note : '') }),
          file && file.here ? [' ', Y.h('a', { href: '/api/v1/cases/' + encodeURIComponent(c.case_no) + '/materials/' + i, target: '_blank', rel: 'noopener', 'data-test': 'case-file', text: Y.t('case.open_file') + ' (' + file.name + ')' })] : null,
          file && !file.here ? Y.h('span', { class: 'hint', 'data-test': 'case-file-pending', text: ' ' + Y.t('case.file_not_here') }) : null,
        ]),
      ]);
    })),
  ]));

  // Requests for materials (补正) and incomplete returns: what was found, by
  // when to supply it, and the one-time notification to print again.
  var requests = (c.history || []).filter(function (ev) { return ev.findings && ev.findings.length; }).reverse();
  if (requests.length) {
    var noticeBox = Y.h('div', { 'data-test': 'request-notice-out' });
    main.appendChild(Y.h('section', { class: 'card', 'data-test': 'case-requests' }, [
      Y.h('h2', { text: Y.t('requests.title') }),
      requests.map(function (ev) {
        return Y.h('div', { class: 'request', 'data-test': 'case-request', 'data-position': String(ev.position) }, [
          Y.h('p', {}, [
            Y.h('strong', { text: Y.label('action', ev.action) }), ' ',
            Y.h('span', { class: 'muted', text: [ev.on, ev.actor_office, ev.actor_name].filter(Boolean).join(' · ') }),
          ]),
          ev.supply_by ? Y.h('p', { 'data-test': 'request-supply-by', text: Y.t('requests.supply_by', { date: ev.supply_by }) }) : null,
          Y.findingsList(ev.findings),
          Y.h('button', {
            type: 'button', class: 'no-print', 'data-test': 'request-print', text: Y.t('requests.print'),
            onclick: async function () {
              Y.alert('');
              try {
                var n = await Y.api('GET', '/cases/' + encodeURIComponent(c.case_no) + '/notices/' + ev.position);
                Y.clear(noticeBox).appendChild(noticeView(n));
                document.getElementById('main').classList.add('has-notice');
              } catch (e) {
                Y.showError(e);
              }
            },
          }),
        ]);
      }),
      noticeBox,
    ]));
  }

  // History.
  main.appendChild(Y.h('section', { class: 'card' }, [
    Y.h('h2', { text: Y.t('case.history') }),
    Y.h('ol', { class: 'timeline', 'data-test': 'history' }, (c.history || []).map(function (ev) {
      return Y.h('li', { 'data-action': ev.action }, [
        Y.h('span', { class: 'when', text: ev.at ? Y.absoluteTime(ev.at) : ev.on }), ' ',
        Y.h('strong', { text: Y.label('action', ev.action) }), ' ',
        Y.h('span', { class: 'muted', text: [ev.actor_name, ev.actor_office].filter(Boolean).join(' · ') }),
        ev.half ? Y.h('span', { class: 'half', text: ' ' + Y.label('half', ev.half) }) : null,
        ev.note ? Y.h('p', { class: 'note', text: ev.note }) : null,
      ]);
    })),
  ]));
}

// 并联审批: each parallel department with its deadline and opinion; at the
// handling node an officer gives their department's opinion (an
// administrator records one received on paper).
function parallelSection(main, c) {
  var user = (Y.state.session && Y.state.session.user) || {};
  var canGive = c.state === 'accepted' && c.handling_node === (Y.state.node || {}).id && Y.hasRole(['officer', 'admin']);
  var note = Y.h('input', { 'data-test': 'opinion-note', placeholder: Y.t('parallel.note') });
  async function give(department, agreed) {
    Y.alert('');
    try {
      var updated = await Y.api('POST', '/cases/' + encodeURIComponent(c.case_no) + '/opinions', { department: department, agreed: agreed, note: note.value.trim() });
      renderCase(main, updated);
      Y.alert(Y.t('parallel.recorded', { department: department }), 'ok');
    } catch (e) {
      Y.showError(e);
    }
  }
  var rows = c.parallel.map(function (t) {
    var mine = canGive && !t.opinion && (user.role === 'admin' || user.department === t.department);
    return Y.h('tr', { 'data-test': 'parallel-row', 'data-department': t.department }, [
      Y.h('td', { text: t.department }),
      Y.h('td', { text: Y.limitText(t.limit) }),
      Y.h('td', {}, t.opinion ? Y.t('parallel.done') : Y.cardBadge(t.card, t.due)),
      Y.h('td', { 'data-test': 'parallel-opinion' }, t.opinion ? [
        Y.h('strong', { text: t.opinion.agreed ? Y.t('parallel.agreed') : Y.t('parallel.disagreed') }), ' ',
        t.opinion.note, ' ',
        Y.h('span', { class: 'muted', text: [t.opinion.by_name, t.opinion.on].filter(Boolean).join(' · ') }),
      ] : (mine ? Y.h('span', { class: 'actions' }, [
        Y.h('button', { type: 'button', class: 'primary', 'data-test': 'opinion-agree', text: Y.t('parallel.agree'), onclick: function () { give(t.department, true); } }),
        Y.h('button', { type: 'button', class: 'danger', 'data-test': 'opinion-disagree', text: Y.t('parallel.disagree'), onclick: function () { give(t.department, false); } }),
      ]) : Y.t('parallel.awaited'))),
    ]);
  });
  return Y.h('section', { class: 'card', 'data-test': 'case-parallel' }, [
    Y.h('h2', { text: Y.t('parallel.title') }),
    Y.h('p', { class: 'hint', text: Y.t('parallel.explain') }),
    Y.h('div', { class: 'table-wrap' }, Y.h('table', { class: 'table' }, [
      Y.h('thead', {}, Y.h('tr', {}, ['parallel.department', 'guide.committed_limit', 'case.deadline', 'parallel.opinion'].map(function (k) { return Y.h('th', { text: Y.t(k) }); }))),
      Y.h('tbody', {}, rows),
    ])),
    canGive ? Y.h('div', { class: 'no-print' }, Y.field(Y.t('parallel.note'), note)) : null,
  ]);
}

// Why a case has no due date, in the reader's language (the API's reason,
// in English, is kept as the tooltip).
function unknownDeadline(c) {
  if (!c.unknown_reason) return null;
  var key = !c.accepted_on ? 'deadline.not_accepted'
    : c.state === 'awaiting_materials' || c.state === 'in_notice' ? 'deadline.paused'
      : 'deadline.no_calendar';
  return Y.h('span', { class: 'hint', 'data-test': 'case-unknown-reason', 'data-reason': key, title: c.unknown_reason, text: ' ' + Y.t(key) });
}

function actionClass(a) {
  if (a === 'approve' || a === 'accept' || a === 'accept_supplement' || a === 'issue_result' || a === 'confirm_commitment') return 'primary';
  if (a === 'refuse' || a === 'reject' || a === 'withdraw' || a === 'false_commitment') return 'danger';
  return '';
}

// 告知承诺 on a case: none, waiting for its post-check, or checked.
function commitmentText(c) {
  if (!c.commitment) return Y.t('no');
  if (!c.post_check) return Y.t('commitment.pending');
  return Y.label('post_check', c.post_check);
}

// The post-check of a commitment: what was checked (required), then
// confirm it, or find it false (which revokes the decision).
function commitmentForm(panel, c, action, noteInput) {
  Y.clear(panel);
  var text = Y.h('textarea', { rows: '3', 'data-test': 'commitment-note', required: true, placeholder: Y.t('commitment.note_placeholder') });
  text.value = noteInput.value.trim();
  panel.appendChild(Y.h('div', { class: 'findings', 'data-test': 'commitment-form', 'data-action': action }, [
    Y.h('h3', { text: Y.label('action', action) }),
    Y.h('p', { class: action === 'false_commitment' ? 'warning' : 'hint', text: Y.t('commitment.' + action + '_explain') }),
    Y.field(Y.t('commitment.note'), text),
    Y.h('div', { class: 'actions' }, [
      Y.h('button', {
        type: 'button', class: actionClass(action), 'data-test': 'commitment-submit', text: Y.label('action', action),
        onclick: function () {
          if (!text.value.trim()) {
            Y.alert(Y.t('commitment.note_required'));
            text.focus();
            return;
          }
          doAction(document.getElementById('main'), c, { action: action, note: text.value.trim() });
        },
      }),
      Y.h('button', { type: 'button', text: Y.t('cancel'), onclick: function () { Y.clear(panel); } }),
    ]),
  ]));
  text.focus();
}

// Stars as text: "★★★★☆" with the score in words beside it.
Y.starsText = function (score) {
  var s = '';
  for (var i = 1; i <= 5; i++) s += i <= score ? '★' : '☆';
  return s;
};

function ratingFacts(r) {
  return [
    Y.row(Y.t('rating.score'), Y.h('span', { 'data-test': 'rating-score', 'data-score': String(r.score) }, [
      Y.h('span', { class: 'stars-text', 'aria-hidden': 'true', text: Y.starsText(r.score) }), ' ', Y.t('rating.score_' + r.score),
    ])),
    r.tags && r.tags.length ? Y.row(Y.t('rating.tags'), r.tags.map(function (t) { return Y.label('tag', t); }).join('、')) : null,
    r.comment ? Y.row(Y.t('rating.comment'), Y.h('span', { class: 'pre', text: r.comment })) : null,
    Y.row(Y.t('rating.rated_on'), r.rated_on),
  ];
}

function ratingSection(r) {
  return Y.h('section', { class: 'card', 'data-test': 'case-rating' }, [
    Y.h('h2', { text: Y.t('rating.title') }),
    Y.h('dl', { class: 'facts' }, [
      ratingFacts(r),
      r.follow_up_due || r.follow_up ? Y.row(Y.t('followup.title'), r.follow_up ? Y.h('span', { class: 'pre', text: r.follow_up }) : Y.cardBadge(null, r.follow_up_due)) : null,
    ]),
  ]);
}

function caseSupervision(orders) {
  return Y.h('section', { class: 'card', 'data-test': 'case-supervision' }, [
    Y.h('h2', { text: Y.t('supervision.title') }),
    Y.h('ol', { class: 'plain' }, orders.map(function (o) {
      return Y.h('li', { 'data-order': o.order_no }, [
        Y.h('p', {}, [Y.h('strong', { text: Y.t('supervision.order_no') + ' ' + o.order_no }), ' ', Y.h('span', { class: 'muted', text: o.ordered_on + ' · ' + o.ordered_by_node })]),
        Y.h('p', { class: 'pre', text: o.instruction }),
        o.response ? Y.h('p', { class: 'note pre', text: Y.t('supervision.response') + ': ' + o.response }) : Y.h('p', {}, [Y.t('supervision.awaiting'), ' ', Y.cardBadge(null, o.due)]),
      ]);
    })),
  ]);
}

async function doAction(main, c, body) {
  Y.alert('');
  try {
    var updated = await Y.api('POST', '/cases/' + encodeURIComponent(c.case_no) + '/actions', body);
    renderCase(main, updated);
    Y.alert(Y.t('case.action_done', { action: Y.label('action', body.action) }), 'ok');
  } catch (e) {
    Y.showError(e);
  }
}

// The findings form for request_materials / return_incomplete: one row per
// material (checked = something is wrong with it), a preview of the
// one-time notification, and the action itself.
function findingsForm(panel, c, action, noteInput) {
  Y.clear(panel);
  var mats = c.materials || [];
  var rows = mats.map(function (m, i) {
    var index = m.index !== undefined ? m.index : i;
    var on = Y.h('input', { type: 'checkbox', 'data-test': 'finding-on-' + index });
    var problem = Y.h('select', { 'data-test': 'finding-problem-' + index }, PROBLEMS.map(function (p) {
      return Y.h('option', { value: p, text: Y.label('problem', p) });
    }));
    var note = Y.h('input', { 'data-test': 'finding-note-' + index, placeholder: Y.t('note') });
    var copies = Y.h('input', { type: 'number', min: '0', max: '20', value: '0', 'data-test': 'finding-copies-' + index, class: 'short' });
    var copiesField = Y.field(Y.t('findings.copies_received'), copies);
    var details = Y.h('div', { class: 'inline' }, [Y.field(Y.t('findings.problem'), problem), Y.field(Y.t('note'), note), copiesField]);
    function sync() {
      copiesField.classList.toggle('hidden', problem.value !== 'wrong_copies');
      details.classList.toggle('hidden', !on.checked);
    }
    problem.addEventListener('change', sync);
    on.addEventListener('change', sync);
    sync();
    return {
      index: index, on: on, problem: problem, note: note, copies: copies,
      el: Y.h('li', { class: 'finding' }, [
        Y.h('label', { class: 'check' }, [on, ' ', Y.h('strong', { text: m.name })]),
        details,
      ]),
    };
  });
  function findings() {
    return rows.filter(function (r) { return r.on.checked; }).map(function (r) {
      var f = { material: r.index, problem: r.problem.value, note: r.note.value.trim() };
      if (r.problem.value === 'wrong_copies') f.copies_received = parseInt(r.copies.value, 10) || 0;
      return f;
    });
  }
  var preview = Y.h('div', { 'data-test': 'notice-out' });
  panel.appendChild(Y.h('div', { class: 'findings', 'data-test': 'findings-form' }, [
    Y.h('h3', { text: Y.t('findings.title', { action: Y.label('action', action) }) }),
    Y.h('p', { class: 'hint', text: Y.t('findings.explain') }),
    Y.h('ol', { class: 'plain' }, rows.map(function (r) { return r.el; })),
    Y.h('div', { class: 'actions' }, [
      Y.h('button', {
        type: 'button', 'data-test': 'findings-preview', text: Y.t('findings.preview'),
        onclick: async function () {
          Y.alert('');
          try {
            var n = await Y.api('POST', '/cases/' + encodeURIComponent(c.case_no) + '/notice', { findings: findings() });
            Y.clear(preview).appendChild(noticeView(n));
            document.getElementById('main').classList.add('has-notice');
          } catch (e) {
            Y.showError(e);
          }
        },
      }),
      Y.h('button', {
        type: 'button', class: 'primary', 'data-test': 'findings-submit', text: Y.label('action', action),
        onclick: function () {
          var f = findings();
          if (!f.length) {
            Y.alert(Y.t('findings.none'));
            return;
          }
          doAction(document.getElementById('main'), c, { action: action, note: noteInput.value.trim(), findings: f });
        },
      }),
      Y.h('button', { type: 'button', text: Y.t('cancel'), onclick: function () { Y.clear(panel); } }),
    ]),
    preview,
  ]));
}

// What the applicant brought after a request for materials: per material,
// how it was provided (or not now).
function supplyForm(panel, c, noteInput) {
  Y.clear(panel);
  var rows = (c.materials || []).map(function (m, i) {
    var index = m.index !== undefined ? m.index : i;
    var opts = [Y.h('option', { value: '', text: Y.t('how.not_now') }), Y.h('option', { value: 'paper', text: Y.t('how.paper') }), Y.h('option', { value: 'electronic', text: Y.t('how.electronic') })];
    if (m.kind === 'data_sharing') opts.push(Y.h('option', { value: 'shared', text: Y.t('how.shared') }));
    if (m.kind === 'commitment_allowed') opts.push(Y.h('option', { value: 'commitment', text: Y.t('how.commitment') }));
    var sel = Y.h('select', { 'data-test': 'supply-how-' + index }, opts);
    return { index: index, sel: sel, el: Y.h('li', {}, Y.field(m.name, sel)) };
  });
  panel.appendChild(Y.h('div', { class: 'findings', 'data-test': 'supply-form' }, [
    Y.h('h3', { text: Y.label('action', 'supply_materials') }),
    Y.h('p', { class: 'hint', text: Y.t('supply.explain') }),
    Y.h('ol', { class: 'plain' }, rows.map(function (r) { return r.el; })),
    Y.h('div', { class: 'actions' }, [
      Y.h('button', {
        type: 'button', class: 'primary', 'data-test': 'supply-submit', text: Y.label('action', 'supply_materials'),
        onclick: function () {
          var list = rows.filter(function (r) { return r.sel.value; }).map(function (r) {
            return { material: r.index, how: r.sel.value, note: '' };
          });
          var body = { action: 'supply_materials', note: noteInput.value.trim() };
          if (list.length) body.materials = list;
          doAction(document.getElementById('main'), c, body);
        },
      }),
      Y.h('button', { type: 'button', text: Y.t('cancel'), onclick: function () { Y.clear(panel); } }),
    ]),
  ]));
}

// The one-time notification as a printable sheet (the server's text, which
// is what the office prints and records).
function noticeView(n) {
  var text = n.text || '';
  // The text starts with the title; it is shown as a heading instead.
  if (n.title && text.indexOf(n.title) === 0) text = text.slice(n.title.length).replace(/^\s*\n/, '');
  return Y.h('section', { class: 'printable notice', 'data-test': 'notice' }, [
    Y.h('div', { class: 'actions no-print' }, Y.h('button', { type: 'button', 'data-test': 'notice-print', text: Y.t('print'), onclick: Y.printPage })),
    Y.h('h2', { class: 'notice-title', text: n.title }),
    text ? Y.h('pre', { class: 'notice-text', 'data-test': 'notice-text', text: text }) : Y.h('ol', {}, (n.lines || []).map(function (l) {
      return Y.h('li', { text: l.material_name + ' — ' + (l.problem_label || l.problem) + (l.note ? ': ' + l.note : '') });
    })),
  ]);
}

// ---- dashboard -----------------------------------------------------------

Y.views.dashboard = async function (main, params) {
  main.appendChild(Y.h('h1', { text: Y.t('dashboard.title') }));
  var calendar = await Y.api('GET', '/calendar');
  Y.append(main, Y.calendarWarning(calendar.outlook, false));
  var kpiBox = Y.h('div', { 'data-test': 'kpis', 'aria-live': 'polite' });
  main.appendChild(Y.h('section', { class: 'section kpi-section' }, [
    Y.h('h2', { text: Y.t('kpi.title') }),
    kpiRangeForm(params, kpiBox),
    kpiBox,
  ]));
  await loadKpis(kpiBox, params.from, params.to);
  // The cards of the cases in progress; each tile opens the queue with that
  // card (the dashboard does not embed the case list).
  var data = await Y.api('GET', '/cases' + casesQuery({ view: 'open' }));
  main.appendChild(Y.h('section', { class: 'section' }, [
    Y.h('h2', { text: Y.t('dashboard.cards') }),
    cardTiles(data.cards || {}, '#/cases', null, 'open'),
    Y.h('p', {}, Y.h('a', { href: '#/cases', 'data-test': 'dashboard-queue', text: Y.t('dashboard.open_queue', { n: data.total || 0 }) })),
  ]));
  var supBox = Y.h('div', { 'data-test': 'supervision' });
  main.appendChild(Y.h('section', { class: 'section' }, [Y.h('h2', { text: Y.t('supervision.title') }), supBox]));
  await loadSupervision(supBox);
  var syncBox = Y.h('div', { 'data-test': 'sync-monitor' }, Y.h('p', { class: 'muted', text: Y.t('loading') }));
  main.appendChild(Y.h('section', { class: 'section no-print' }, [Y.h('h2', { text: Y.t('sync.title') }), syncBox]));
  try {
    var s = await Y.api('GET', '/sync');
    Y.clear(syncBox).appendChild(syncTable(s.nodes || []));
  } catch (e) {
    Y.clear(syncBox);
    Y.showError(e);
  }
};

// ---- KPIs -------------------------------------------------------------------

var KPI_TARGETS = ['items_fully_online', 'applied_online', 'completed_online', 'online_at_most_one_visit', 'zero_visits'];

Y.percent = function (v) {
  if (v === null || v === undefined) return '—';
  return (Math.round(v * 1000) / 10) + '%';
};

function kpiRangeForm(params, box) {
  var from = Y.h('input', { type: 'date', 'data-test': 'kpi-from', value: params.from || '' });
  var to = Y.h('input', { type: 'date', 'data-test': 'kpi-to', value: params.to || '' });
  var form = Y.h('form', { class: 'search no-print', 'data-test': 'kpi-range' }, [
    Y.field(Y.t('kpi.from'), from),
    Y.field(Y.t('kpi.to'), to),
    Y.h('button', { type: 'submit', class: 'primary', 'data-test': 'kpi-apply', text: Y.t('kpi.apply') }),
  ]);
  form.addEventListener('submit', async function (ev) {
    ev.preventDefault();
    Y.alert('');
    if (from.value && to.value && from.value > to.value) {
      Y.alert(Y.t('kpi.bad_range'));
      return;
    }
    var parts = [];
    if (from.value) parts.push('from=' + from.value);
    if (to.value) parts.push('to=' + to.value);
    var hash = '#/dashboard' + (parts.length ? '?' + parts.join('&') : '');
    if (location.hash !== hash) history.replaceState(null, '', hash);
    await loadKpis(box, from.value, to.value);
  });
  box.rangeForm = form;
  return form;
}

async function loadKpis(box, from, to) {
  var q = [];
  if (from) q.push('from=' + encodeURIComponent(from));
  if (to) q.push('to=' + encodeURIComponent(to));
  box.setAttribute('aria-busy', 'true');
  Y.clear(box).appendChild(Y.h('p', { class: 'muted', text: Y.t('loading') }));
  var k;
  try {
    k = await Y.api('GET', '/kpis' + (q.length ? '?' + q.join('&') : ''));
  } catch (e) {
    Y.clear(box);
    box.setAttribute('aria-busy', 'false');
    Y.showError(e);
    return;
  }
  // The range the node used (the year so far by default) fills the pickers.
  if (box.rangeForm) {
    box.rangeForm.querySelector('[data-test="kpi-from"]').value = k.from;
    box.rangeForm.querySelector('[data-test="kpi-to"]').value = k.to;
  }
  Y.clear(box);
  box.setAttribute('data-from', k.from);
  box.setAttribute('data-to', k.to);
  box.appendChild(Y.h('p', { class: 'muted', 'data-test': 'kpi-range-text', text: Y.t('kpi.range', { from: k.from, to: k.to, cases: k.cases, finished: k.finished }) }));
  var targets = k.targets || {};
  box.appendChild(Y.h('div', { class: 'kpi-grid', 'data-test': 'kpi-targets' }, KPI_TARGETS.map(function (key) {
    return kpiCard(key, targets[key] || {});
  })));
  box.appendChild(Y.h('div', { class: 'tiles kpi-tiles', 'data-test': 'kpi-summary' }, [
    kpiTile('kpi-average-days', Y.t('kpi.average_days'), k.average_handling_working_days === null || k.average_handling_working_days === undefined ? '—' : Y.t('kpi.days', { n: Math.round(k.average_handling_working_days * 10) / 10 }), ''),
    kpiTile('kpi-on-time', Y.t('kpi.on_time'), Y.percent(k.on_time ? k.on_time.value : null), k.on_time ? k.on_time.numerator + ' / ' + k.on_time.denominator : ''),
    kpiTile('kpi-satisfied', Y.t('kpi.satisfied'), Y.percent(k.satisfied ? k.satisfied.value : null), Y.t('kpi.ratings', { n: k.ratings || 0, score: k.average_score === null || k.average_score === undefined ? '—' : Math.round(k.average_score * 10) / 10 })),
  ]));
  var weekdays = Y.t('kpi.weekdays').split(',');
  box.appendChild(Y.h('div', { class: 'kpi-charts' }, [
    Y.h('section', { class: 'card kpi-wide' }, [
      Y.h('h3', { text: Y.t('kpi.by_hour') }),
      barChart(k.by_hour || [], function (i) { return String(i); }, 'hour', Y.t('kpi.by_hour'), 3),
    ]),
    Y.h('section', { class: 'card' }, [
      Y.h('h3', { text: Y.t('kpi.by_weekday') }),
      barChart(k.by_weekday || [], function (i) { return weekdays[i] || String(i + 1); }, 'weekday', Y.t('kpi.by_weekday'), 1),
    ]),
    Y.h('section', { class: 'card' }, [
      Y.h('h3', { text: Y.t('kpi.top_items') }),
      countBars(k.top_items || [], 'top-item', function (c) { return c.label || c.key; }),
    ]),
    Y.h('section', { class: 'card' }, [
      Y.h('h3', { text: Y.t('kpi.channels') }),
      countBars(k.channels || [], 'channel', function (c) { return Y.label('channel', c.key); }),
    ]),
    Y.h('section', { class: 'card' }, [
      Y.h('h3', { text: Y.t('kpi.rejection_reasons') }),
      countBars(k.rejection_reasons || [], 'reason', function (c) { return c.label || c.key; }),
    ]),
  ]));
  box.setAttribute('aria-busy', 'false');
}

function kpiTile(test, label, value, sub) {
  return Y.h('div', { class: 'tile tile-kpi', 'data-test': test }, [
    Y.h('span', { class: 'tile-count', text: value }),
    Y.h('span', { class: 'tile-label', text: label }),
    sub ? Y.h('span', { class: 'tile-sub', text: sub }) : null,
  ]);
}

// One target: the value as a bar, the target as a line across it; met in
// green, unmet in red, and said in words too.
function kpiCard(key, r) {
  var W = 300, top = 18, barH = 24;
  var v = r.value === null || r.value === undefined ? null : r.value;
  var met = !!r.met;
  var x = function (f) { return Math.round(Math.max(0, Math.min(1, f)) * W * 10) / 10; };
  var svg = Y.svg('svg', {
    class: 'kpi-svg', viewBox: '0 0 ' + W + ' 64', role: 'img', 'data-test': 'kpi-svg',
    'aria-label': Y.t('kpi.' + key) + ': ' + Y.percent(v) + ', ' + Y.t('kpi.target', { target: Y.percent(r.target) }),
  }, [
    Y.svg('rect', { x: 0, y: top, width: W, height: barH, class: 'kpi-track' }),
    v === null ? null : Y.svg('rect', { x: 0, y: top, width: x(v), height: barH, class: 'kpi-bar ' + (met ? 'kpi-bar-met' : 'kpi-bar-unmet'), 'data-test': 'kpi-bar' }),
    Y.svg('line', { x1: x(r.target), x2: x(r.target), y1: top - 4, y2: top + barH + 4, class: 'kpi-target', 'data-test': 'kpi-target' }),
    Y.svg('text', { x: x(r.target) > W - 90 ? x(r.target) - 4 : x(r.target) + 4, y: 13, class: 'kpi-target-text', 'text-anchor': x(r.target) > W - 90 ? 'end' : 'start', text: Y.t('kpi.target_short', { target: Y.percent(r.target) }) }),
    Y.svg('text', { x: 0, y: 62, class: 'kpi-axis', text: '0' }),
    Y.svg('text', { x: W, y: 62, class: 'kpi-axis', 'text-anchor': 'end', text: '100%' }),
  ]);
  return Y.h('article', { class: 'card kpi-card ' + (v === null ? 'kpi-none' : met ? 'kpi-met' : 'kpi-unmet'), 'data-test': 'kpi-chart', 'data-kpi': key, 'data-met': met ? 'true' : 'false' }, [
    Y.h('h3', { text: Y.t('kpi.' + key) }),
    Y.h('p', { class: 'kpi-value' }, [
      Y.h('strong', { class: 'kpi-number', 'data-test': 'kpi-value', text: Y.percent(v) }), ' ',
      v === null
        ? Y.h('span', { class: 'badge badge-none', 'data-test': 'kpi-met', text: Y.t('kpi.no_value') })
        : Y.h('span', { class: 'badge ' + (met ? 'badge-green' : 'badge-red'), 'data-test': 'kpi-met', text: met ? Y.t('kpi.met') : Y.t('kpi.unmet') }),
    ]),
    svg,
    Y.h('p', { class: 'meta', text: Y.t('kpi.fraction', { n: r.numerator || 0, d: r.denominator || 0 }) + ' · ' + Y.t('kpi.target', { target: Y.percent(r.target) }) }),
  ]);
}

// Counts as vertical bars (hours, weekdays); the busiest is marked and
// every bar has its number as a tooltip and in the accessible name.
function barChart(values, labelOf, kind, title, labelEvery) {
  var n = values.length || 1;
  var slot = kind === 'hour' ? 20 : 40;
  var W = n * slot, chartH = 110, top = 14, H = top + chartH + 18;
  var max = Math.max.apply(null, values.concat([1]));
  var peak = values.length ? values.indexOf(Math.max.apply(null, values)) : -1;
  var parts = [];
  parts.push(Y.svg('line', { x1: 0, x2: W, y1: top + chartH + 0.5, y2: top + chartH + 0.5, class: 'chart-axis' }));
  values.forEach(function (v, i) {
    var h = Math.round((v / max) * chartH);
    var bx = i * slot + slot * 0.15, bw = slot * 0.7;
    var label = labelOf(i);
    var cls = 'chart-bar' + (i === peak && v > 0 ? ' chart-peak' : '');
    parts.push(Y.svg('rect', { x: bx, y: top + chartH - h, width: bw, height: Math.max(h, v > 0 ? 1 : 0), class: cls, 'data-test': kind + '-bar', 'data-count': String(v) }, Y.svg('title', { text: label + ': ' + v })));
    if (v > 0 && (kind !== 'hour' || i === peak)) {
      parts.push(Y.svg('text', { x: i * slot + slot / 2, y: top + chartH - h - 3, class: 'chart-count', 'text-anchor': 'middle', text: String(v) }));
    }
    if (i % labelEvery === 0) parts.push(Y.svg('text', { x: i * slot + slot / 2, y: H - 4, class: 'chart-label', 'text-anchor': 'middle', text: label }));
  });
  return Y.h('div', { class: 'chart-wrap' }, Y.svg('svg', {
    class: 'bar-chart bar-chart-' + kind, viewBox: '0 0 ' + W + ' ' + H, role: 'img', 'data-test': kind + '-chart',
    'aria-label': title + ': ' + values.map(function (v, i) { return labelOf(i) + ' ' + v; }).join(', '),
  }, parts));
}

// A ranked list of counts with a bar each (top items, channels, reasons).
function countBars(counts, kind, labelOf) {
  if (!counts.length) return Y.h('p', { class: 'muted', 'data-test': kind + '-empty', text: Y.t('kpi.no_data') });
  var max = Math.max.apply(null, counts.map(function (c) { return c.count; }).concat([1]));
  return Y.h('ol', { class: 'count-bars', 'data-test': kind + '-list' }, counts.map(function (c) {
    return Y.h('li', { 'data-test': kind, 'data-key': c.key }, [
      Y.h('span', { class: 'count-label', text: labelOf(c) }),
      Y.h('span', { class: 'count-n', text: String(c.count) }),
      Y.svg('svg', { class: 'count-svg', viewBox: '0 0 100 6', preserveAspectRatio: 'none', 'aria-hidden': 'true' },
        Y.svg('rect', { x: 0, y: 0, width: Math.max(1, Math.round((c.count / max) * 100)), height: 6, class: 'chart-bar' })),
    ]);
  }));
}

// ---- supervision (督办) ---------------------------------------------------------

async function loadSupervision(box) {
  Y.clear(box).appendChild(Y.h('p', { class: 'muted', text: Y.t('loading') }));
  var orders = [], red = [];
  try {
    var o = await Y.api('GET', '/supervision?all=1');
    orders = o.orders || [];
    var r = await Y.api('GET', '/cases?card=red');
    red = (r.cases || []).filter(function (c) { return c.card === 'red'; });
  } catch (e) {
    Y.clear(box);
    Y.showError(e);
    return;
  }
  Y.clear(box);
  box.appendChild(Y.h('h3', { text: Y.t('supervision.orders') }));
  box.appendChild(ordersTable(orders));
  box.appendChild(Y.h('h3', { text: Y.t('supervision.red_cases') }));
  if (!red.length) {
    box.appendChild(Y.h('p', { class: 'muted', 'data-test': 'red-cases-empty', text: Y.t('supervision.no_red') }));
    return;
  }
  var mayOrder = Y.hasRole(['supervisor']);
  box.appendChild(Y.h('ul', { class: 'red-cases plain-list', 'data-test': 'red-cases' }, red.map(function (c) {
    var open = orders.filter(function (o) { return o.case_no === c.case_no && !o.response; }).length;
    var panel = Y.h('div', { class: 'order-panel' });
    return Y.h('li', { class: 'card', 'data-test': 'red-case', 'data-case': c.case_no }, [
      Y.h('p', {}, [
        Y.h('a', { href: '#/case/' + encodeURIComponent(c.case_no), text: c.case_no }), ' ',
        c.item_name, ' · ', c.applicant_name, ' ', Y.cardBadge(c.card, c.due), ' ',
        Y.h('span', { class: 'code', text: c.handling_node }),
        open ? Y.h('span', { class: 'badge badge-none', text: Y.t('supervision.open_orders', { n: open }) }) : null,
      ]),
      mayOrder ? Y.h('button', {
        type: 'button', class: 'danger no-print', 'data-test': 'supervise', 'data-case': c.case_no, text: Y.t('supervision.order'),
        onclick: function () { orderForm(panel, c, box); },
      }) : null,
      panel,
    ]);
  })));
}

function ordersTable(orders) {
  if (!orders.length) return Y.h('p', { class: 'muted', 'data-test': 'orders-empty', text: Y.t('supervision.no_orders') });
  // Five columns that fit 1280 px: the order with its case and handling
  // node, the instruction, when ordered, the deadline, the response.
  var cols = ['supervision.order_no', 'supervision.instruction', 'supervision.ordered_on', 'case.deadline', 'supervision.response'];
  return Y.h('div', { class: 'table-wrap' }, Y.h('table', { class: 'table stack orders', 'data-test': 'orders-table' }, [
    Y.h('thead', {}, Y.h('tr', {}, cols.map(function (k) { return Y.h('th', { text: Y.t(k) }); }))),
    Y.h('tbody', {}, orders.map(function (o) {
      return Y.h('tr', { 'data-test': 'order-row', 'data-order': o.order_no, 'data-answered': o.response ? 'true' : 'false' }, [
        Y.h('td', { 'data-label': Y.t('supervision.order_no') }, [
          Y.h('span', { class: 'code', text: o.order_no }), Y.h('br'),
          Y.t('case.no') + ' ', Y.h('a', { href: '#/case/' + encodeURIComponent(o.case_no), text: o.case_no }), Y.h('br'),
          Y.h('span', { class: 'muted', text: Y.t('case.handling_node') + ' ' + o.handling_node }),
        ]),
        Y.h('td', { class: 'pre', 'data-label': Y.t('supervision.instruction'), text: o.instruction }),
        Y.h('td', { 'data-label': Y.t('supervision.ordered_on') }, [Y.h('span', { class: 'nowrap', text: o.ordered_on }), Y.h('br'), Y.t('supervision.within', { n: o.respond_within })]),
        Y.h('td', { 'data-label': Y.t('case.deadline') }, o.response ? Y.t('supervision.answered_on', { date: o.responded_on || '' }) : Y.cardBadge(o.card, o.due)),
        Y.h('td', { class: 'pre', 'data-label': Y.t('supervision.response'), text: o.response || Y.t('supervision.awaiting') }),
      ]);
    })),
  ]));
}

function orderForm(panel, c, box) {
  Y.clear(panel);
  var instruction = Y.h('textarea', { rows: '3', 'data-test': 'order-instruction', required: true, placeholder: Y.t('supervision.instruction_placeholder') });
  var within = Y.h('input', { type: 'number', min: '1', max: '20', value: '3', class: 'short', 'data-test': 'order-within' });
  var form = Y.h('form', { class: 'form findings', 'data-test': 'order-form' }, [
    Y.field(Y.t('supervision.instruction'), instruction),
    Y.field(Y.t('supervision.respond_within'), within, Y.h('span', { class: 'hint', text: Y.t('supervision.respond_within_hint') })),
    Y.h('div', { class: 'actions' }, [
      Y.h('button', { type: 'submit', class: 'primary', 'data-test': 'order-submit', text: Y.t('supervision.order_send') }),
      Y.h('button', { type: 'button', text: Y.t('cancel'), onclick: function () { Y.clear(panel); } }),
    ]),
  ]);
  form.addEventListener('submit', async function (ev) {
    ev.preventDefault();
    Y.alert('');
    var n = parseInt(within.value, 10);
    if (!instruction.value.trim()) {
      Y.alert(Y.t('supervision.instruction_required'));
      instruction.focus();
      return;
    }
    if (isNaN(n) || n < 1 || n > 20) {
      Y.alert(Y.t('supervision.within_invalid'));
      within.focus();
      return;
    }
    try {
      var r = await Y.api('POST', '/supervision', { case_no: c.case_no, instruction: instruction.value.trim(), respond_within: n });
      await loadSupervision(box);
      Y.alert(Y.t('supervision.ordered', { order_no: r.order_no, case_no: c.case_no }), 'ok');
    } catch (e) {
      Y.showError(e);
    }
  });
  panel.appendChild(form);
  instruction.focus();
}

// ---- tasks ----------------------------------------------------------------------

// A note-and-send form for a task; `send(text, checked)` posts it.
function replyForm(test, label, button, send, checkLabel) {
  var text = Y.h('textarea', { rows: '3', required: true, 'data-test': test + '-text' });
  var check = checkLabel ? Y.h('input', { type: 'checkbox', 'data-test': test + '-check' }) : null;
  var submit = Y.h('button', { type: 'submit', class: 'primary', 'data-test': test + '-submit', text: button });
  var form = Y.h('form', { class: 'form reply no-print', 'data-test': test + '-form' }, [
    Y.field(label, text),
    check ? Y.h('label', { class: 'check' }, [check, ' ', checkLabel]) : null,
    submit,
  ]);
  form.addEventListener('submit', async function (ev) {
    ev.preventDefault();
    Y.alert('');
    if (!text.value.trim()) {
      Y.alert(Y.t('tasks.text_required', { what: label }));
      text.focus();
      return;
    }
    submit.disabled = true;
    try {
      await send(text.value.trim(), check ? check.checked : false);
    } catch (e) {
      submit.disabled = false;
      Y.showError(e);
    }
  });
  return form;
}

function taskSection(key, items, render, emptyKey) {
  return Y.h('section', { class: 'section', 'data-test': 'tasks-' + key, 'data-count': String(items.length) }, [
    Y.h('h2', {}, [Y.t('tasks.' + key), ' ', Y.h('span', { class: 'count', text: '(' + items.length + ')' })]),
    items.length ? render(items) : Y.h('p', { class: 'muted', 'data-test': 'tasks-' + key + '-empty', text: Y.t(emptyKey || 'tasks.none') }),
  ]);
}

async function taskData(path, field) {
  try {
    var d = await Y.api('GET', path);
    return d[field] || [];
  } catch (e) {
    Y.showError(e);
    return [];
  }
}

Y.views.tasks = async function (main) {
  main.appendChild(Y.h('h1', { text: Y.t('tasks.title') }));
  main.appendChild(Y.h('p', { class: 'muted', text: Y.t('tasks.explain') }));
  main.appendChild(Y.h('div', { class: 'actions no-print' }, [
    Y.h('button', { type: 'button', 'data-test': 'tasks-refresh', text: Y.t('refresh'), onclick: function () { Y.route(); } }),
    Y.h('button', { type: 'button', text: Y.t('print'), onclick: Y.printPage }),
  ]));
  var self = Y.state.node ? Y.state.node.id : '';
  var postChecks = await taskData('/post-checks', 'post_checks');
  var orders = (await taskData('/supervision', 'orders')).filter(function (o) { return o.handling_node === self && !o.response; });
  var followUps = (await taskData('/ratings/follow-ups', 'follow_ups')).filter(function (f) { return !f.follow_up; });
  var complaints = await taskData('/complaints', 'complaints');
  var open = complaints.filter(function (c) { return !c.answer; });
  var answered = complaints.filter(function (c) { return c.answer; });
  var mayRespond = Y.hasRole(['officer', 'admin']);
  var mayFollow = Y.hasRole(['officer', 'supervisor', 'admin']);

  async function done(key, vars) {
    await Y.route();
    Y.alert(Y.t(key, vars), 'ok');
  }
  function caseLink(no) {
    return Y.h('a', { href: '#/case/' + encodeURIComponent(no), 'data-case': no, text: no });
  }

  main.appendChild(taskSection('post_checks', postChecks, function (list) {
    return Y.h('div', { class: 'table-wrap' }, Y.h('table', { class: 'table stack', 'data-test': 'post-checks-table' }, [
      Y.h('thead', {}, Y.h('tr', {}, ['case.no', 'case.applicant', 'case.item', 'case.approved_on', 'case.deadline'].map(function (k) { return Y.h('th', { text: Y.t(k) }); }))),
      Y.h('tbody', {}, list.map(function (t) {
        return Y.h('tr', { 'data-test': 'post-check', 'data-case': t.case_no }, [
          Y.h('td', { class: 'nowrap', 'data-label': Y.t('case.no') }, caseLink(t.case_no)),
          Y.h('td', { 'data-label': Y.t('case.applicant'), text: t.applicant_name }),
          Y.h('td', { class: 'code', 'data-label': Y.t('case.item'), text: t.item_code }),
          Y.h('td', { class: 'nowrap', 'data-label': Y.t('case.approved_on'), text: t.approved_on }),
          Y.h('td', { 'data-label': Y.t('case.deadline') }, Y.cardBadge(t.card, t.due)),
        ]);
      })),
    ]));
  }));

  main.appendChild(taskSection('orders', orders, function (list) {
    return Y.h('ul', { class: 'plain-list' }, list.map(function (o) {
      return Y.h('li', { class: 'card task', 'data-test': 'order-task', 'data-order': o.order_no }, [
        Y.h('p', {}, [Y.h('strong', { text: Y.t('supervision.order_no') + ' ' + o.order_no }), ' · ', caseLink(o.case_no), ' ', Y.cardBadge(o.card, o.due)]),
        Y.h('p', { class: 'meta', text: Y.t('supervision.from', { node: o.ordered_by_node, date: o.ordered_on, n: o.respond_within }) }),
        Y.h('p', { class: 'pre', text: o.instruction }),
        mayRespond ? replyForm('order-response', Y.t('supervision.response'), Y.t('supervision.respond'), async function (text) {
          await Y.api('POST', '/supervision/' + encodeURIComponent(o.order_no) + '/response', { response: text });
          await done('supervision.responded', { order_no: o.order_no });
        }) : null,
      ]);
    }));
  }));

  main.appendChild(taskSection('follow_ups', followUps, function (list) {
    return Y.h('ul', { class: 'plain-list' }, list.map(function (f) {
      return Y.h('li', { class: 'card task', 'data-test': 'follow-up', 'data-case': f.case_no }, [
        Y.h('p', {}, [caseLink(f.case_no), ' ', Y.cardBadge(f.card, f.follow_up_due)]),
        Y.h('dl', { class: 'facts' }, ratingFacts(f)),
        mayFollow && f.handling_node === self ? replyForm('follow-up', Y.t('followup.note'), Y.t('followup.submit'), async function (text) {
          await Y.api('POST', '/ratings/' + encodeURIComponent(f.case_no) + '/follow-up', { note: text });
          await done('followup.done', { case_no: f.case_no });
        }) : Y.h('p', { class: 'muted', text: Y.t('tasks.handled_by', { node: f.handling_node }) }),
      ]);
    }));
  }));

  function complaintCard(c, withForm) {
    return Y.h('li', { class: 'card task', 'data-test': 'complaint-task', 'data-complaint': c.complaint_no, 'data-answered': c.answer ? 'true' : 'false' }, [
      Y.h('p', {}, [
        Y.h('strong', { text: Y.label('complaint_kind', c.kind) + ' · ' + c.subject }), ' ',
        c.answer ? null : Y.cardBadge(c.card, c.due),
      ]),
      Y.h('dl', { class: 'facts' }, [
        Y.row(Y.t('complaint.no'), Y.h('span', { class: 'code', text: c.complaint_no })),
        Y.row(Y.t('complaint.filed_on'), c.filed_on + ' · ' + c.taken_by),
        Y.row(Y.t('complaint.about'), c.about),
        c.case_no ? Y.row(Y.t('case.no'), caseLink(c.case_no)) : null,
        Y.row(Y.t('complaint.contact'), c.anonymous ? Y.t('complaint.anonymous') : [c.contact_name, c.contact_phone].filter(Boolean).join(' · ')),
        Y.row(Y.t('complaint.body'), Y.h('span', { class: 'pre', text: c.body })),
        c.answer ? Y.row(Y.t('complaint.answer'), Y.h('span', { class: 'pre', text: c.answer })) : null,
        c.answer ? Y.row(Y.t('complaint.upheld'), c.upheld ? Y.t('yes') : Y.t('no')) : null,
        c.answer ? Y.row(Y.t('complaint.answered_on'), (c.answered_on || '') + (c.answered_by ? ' · ' + c.answered_by : '')) : null,
      ]),
      withForm && mayFollow && c.handler === self ? replyForm('complaint-answer', Y.t('complaint.answer'), Y.t('complaint.answer_submit'), async function (text, upheld) {
        await Y.api('POST', '/complaints/' + encodeURIComponent(c.complaint_no) + '/answer', { answer: text, upheld: upheld });
        await done('complaint.answer_done', { complaint_no: c.complaint_no });
      }, Y.t('complaint.upheld')) : null,
    ]);
  }
  main.appendChild(taskSection('complaints', open, function (list) {
    return Y.h('ul', { class: 'plain-list' }, list.map(function (c) { return complaintCard(c, true); }));
  }));
  if (answered.length) {
    main.appendChild(Y.h('details', { class: 'section', 'data-test': 'complaints-answered' }, [
      Y.h('summary', { text: Y.t('tasks.answered_complaints', { n: answered.length }) }),
      Y.h('ul', { class: 'plain-list' }, answered.map(function (c) { return complaintCard(c, false); })),
    ]));
  }
};

// ---- consultations (咨询答复) ---------------------------------------------------------

var QUESTION_STATES = ['open', 'answered', 'all'];

// Questions asked here or about items this node publishes: those this node
// must answer first, each with an answer box for clerks, officers and
// administrators.
Y.views.questions = async function (main, params) {
  var state = QUESTION_STATES.indexOf(params.state) >= 0 ? params.state : 'open';
  main.appendChild(Y.h('h1', { text: Y.t('questions.title') }));
  main.appendChild(Y.h('p', { class: 'muted', text: Y.t('questions.explain') }));
  main.appendChild(Y.h('div', { class: 'actions no-print', 'data-test': 'questions-filter' }, QUESTION_STATES.map(function (s) {
    return Y.h('a', { class: 'button' + (s === state ? ' primary' : ''), href: '#/questions?state=' + s, 'data-test': 'questions-state-' + s, 'aria-current': s === state ? 'page' : null, text: Y.t('questions.state_' + s) });
  })));
  var data = await Y.api('GET', '/questions?state=' + state);
  var list = data.questions || [];
  var mayAnswer = Y.hasRole(['clerk', 'officer', 'admin']);
  main.appendChild(Y.h('p', { class: 'muted', 'data-test': 'questions-count', text: Y.t('questions.count', { n: list.length }) }));
  if (!list.length) {
    main.appendChild(Y.h('p', { class: 'muted', 'data-test': 'questions-empty', text: Y.t('questions.empty') }));
    return;
  }
  main.appendChild(Y.h('ul', { class: 'plain-list' }, list.map(function (q) {
    var a = q.answer;
    return Y.h('li', { class: 'card task', 'data-test': 'question-task', 'data-question': q.question_no, 'data-answered': a ? 'true' : 'false' }, [
      Y.h('p', {}, [
        Y.h('strong', { text: q.item_name || q.item_code }), ' ',
        q.must_answer ? Y.h('span', { class: 'flag', 'data-test': 'question-must-answer', text: Y.t('questions.must_answer') }) : null,
      ]),
      Y.h('dl', { class: 'facts' }, [
        Y.row(Y.t('ask.no'), Y.h('span', { class: 'code', text: q.question_no })),
        Y.row(Y.t('ask.item'), Y.h('span', { class: 'code', text: q.item_code })),
        Y.row(Y.t('ask.asked_on'), q.asked_on + ' · ' + q.asking_node),
        Y.row(Y.t('ask.contact'), [q.contact_name, q.contact_phone].filter(Boolean).join(' · ') || Y.t('questions.contact_none')),
        Y.row(Y.t('ask.question'), Y.h('span', { class: 'pre', text: q.question })),
        a ? Y.row(Y.t('ask.answer'), Y.h('span', { class: 'pre', text: a.text })) : null,
        a ? Y.row(Y.t('ask.answered_on'), (a.answered_on || '') + (q.answered_by ? ' · ' + q.answered_by : '')) : null,
      ]),
      !a && q.must_answer && mayAnswer ? replyForm('question-answer', Y.t('ask.answer'), Y.t('questions.answer_submit'), async function (text) {
        await Y.api('POST', '/questions/' + encodeURIComponent(q.question_no) + '/answer', { answer: text });
        await Y.route();
        Y.alert(Y.t('questions.answer_done', { question_no: q.question_no }), 'ok');
      }) : null,
      !a && !q.must_answer ? Y.h('p', { class: 'muted', text: Y.t('questions.answered_by_other', { node: q.answering_node }) }) : null,
    ]);
  })));
};

function syncTable(nodes) {
  var cols = ['sync.node', 'sync.level', 'sync.link', 'sync.last_contact', 'sync.backlog', 'sync.quarantined', 'sync.refused', 'sync.conflicts', 'sync.clock_offset', 'sync.software'];
  return Y.h('div', { class: 'table-wrap' }, Y.h('table', { class: 'table sync stack', 'data-test': 'sync-table' }, [
    Y.h('thead', {}, Y.h('tr', {}, cols.map(function (k) { return Y.h('th', { text: Y.t(k) }); }))),
    Y.h('tbody', {}, nodes.map(function (n) {
      var depth = Math.min(n.depth || 0, 6);
      var offset = n.clock_offset_ms || 0;
      return Y.h('tr', { class: (n.stale ? 'stale ' : '') + 'depth-' + depth, 'data-test': 'sync-row', 'data-node': n.id, 'data-stale': n.stale ? 'true' : 'false' }, [
        Y.h('td', { class: 'tree depth-' + depth }, [
          depth ? Y.h('span', { class: 'tree-branch', 'aria-hidden': 'true', text: '└ ' }) : null,
          Y.h('span', { text: n.name || n.id }), Y.h('br'), Y.h('span', { class: 'code', text: n.id }),
          n.stale ? Y.h('span', { class: 'badge badge-red', 'data-test': 'stale', text: Y.t('sync.stale') }) : null,
        ]),
        Y.h('td', { 'data-label': Y.t('sync.level'), text: Y.label('level', n.level) }),
        Y.h('td', { 'data-label': Y.t('sync.link') }, Y.h('span', { class: 'link link-' + n.link, text: Y.t('sync.link_' + n.link) })),
        Y.h('td', { 'data-label': Y.t('sync.last_contact'), title: Y.absoluteTime(n.last_contact), text: Y.relativeTime(n.last_contact) }),
        Y.h('td', { 'data-label': Y.t('sync.backlog'), class: n.backlog ? 'num warn' : 'num', text: String(n.backlog || 0) }),
        Y.h('td', { 'data-label': Y.t('sync.quarantined'), class: n.quarantined ? 'num warn' : 'num', text: String(n.quarantined || 0) }),
        Y.h('td', { 'data-label': Y.t('sync.refused'), class: n.refused ? 'num warn' : 'num', text: String(n.refused || 0) }),
        Y.h('td', { 'data-label': Y.t('sync.conflicts'), class: n.conflicts ? 'num warn' : 'num', 'data-test': 'sync-conflicts', title: n.conflicts ? Y.t('sync.conflicts_hint') : '', text: String(n.conflicts || 0) }),
        Y.h('td', { 'data-label': Y.t('sync.clock_offset'), class: Math.abs(offset) > 5000 ? 'num warn' : 'num', text: Y.t('sync.ms', { n: offset }) }),
        Y.h('td', { 'data-label': Y.t('sync.software'), text: n.software || '' }),
      ]);
    })),
  ]));
}

// ---- users ---------------------------------------------------------------

// ---- one's own password ------------------------------------------------------

Y.views.password = function (main) {
  main.appendChild(Y.h('h1', { text: Y.t('password.title') }));
  main.appendChild(Y.h('p', { class: 'muted', text: Y.t('password.explain') }));
  var current = Y.h('input', { type: 'password', 'data-test': 'password-current', autocomplete: 'current-password', required: true });
  var fresh = Y.h('input', { type: 'password', 'data-test': 'password-new', autocomplete: 'new-password', required: true });
  var again = Y.h('input', { type: 'password', 'data-test': 'password-again', autocomplete: 'new-password', required: true });
  var form = Y.h('form', { class: 'card form narrow', 'data-test': 'password-form' }, [
    Y.field(Y.t('password.current'), current),
    Y.field(Y.t('users.new_password'), fresh),
    Y.field(Y.t('password.again'), again),
    Y.h('button', { type: 'submit', class: 'primary', 'data-test': 'password-submit', text: Y.t('password.submit') }),
  ]);
  form.addEventListener('submit', async function (ev) {
    ev.preventDefault();
    Y.alert('');
    if (fresh.value !== again.value) {
      Y.alert(Y.t('password.mismatch'));
      again.focus();
      return;
    }
    try {
      await Y.api('POST', '/session/password', { current_password: current.value, new_password: fresh.value });
      current.value = fresh.value = again.value = '';
      Y.alert(Y.t('password.changed'), 'ok');
    } catch (e) {
      Y.showError(e);
    }
  });
  main.appendChild(form);
};

// An account's buttons: disable or enable it (not one's own), and give it a
// new password, which ends its open sessions.
function userManagement(u, reload) {
  var panel = Y.h('div', { class: 'user-panel' });
  var self = Y.user() && Y.user().login === u.login;
  async function setActive(active) {
    Y.alert('');
    if (!active && !window.confirm(Y.t('users.disable_confirm', { login: u.login, name: u.name || u.login }))) return;
    try {
      await Y.api('POST', '/users/' + encodeURIComponent(u.login) + '/active', { active: active });
      Y.alert(Y.t(active ? 'users.enabled' : 'users.disabled', { login: u.login }), 'ok');
      await reload();
    } catch (e) {
      Y.showError(e);
    }
  }
  function passwordForm() {
    Y.clear(panel);
    var password = Y.h('input', { type: 'password', 'data-test': 'user-new-password', autocomplete: 'new-password', required: true });
    var form = Y.h('form', { class: 'inline', 'data-test': 'user-password-form' }, [
      Y.field(Y.t('users.new_password'), password),
      Y.h('button', { type: 'submit', class: 'primary', 'data-test': 'user-password-submit', text: Y.t('users.set_password') }),
      Y.h('button', { type: 'button', text: Y.t('cancel'), onclick: function () { Y.clear(panel); } }),
    ]);
    form.addEventListener('submit', async function (ev) {
      ev.preventDefault();
      Y.alert('');
      try {
        await Y.api('POST', '/users/' + encodeURIComponent(u.login) + '/password', { password: password.value });
        Y.clear(panel);
        Y.alert(Y.t('users.password_set', { login: u.login }), 'ok');
      } catch (e) {
        Y.showError(e);
      }
    });
    panel.appendChild(form);
    password.focus();
  }
  return [
    self ? null : Y.h('button', { type: 'button', class: u.active ? 'danger' : '', 'data-test': u.active ? 'user-disable' : 'user-enable', text: Y.t(u.active ? 'users.disable' : 'users.enable'), onclick: function () { setActive(!u.active); } }),
    ' ',
    Y.h('button', { type: 'button', 'data-test': 'user-reset-password', text: Y.t('users.reset_password'), onclick: passwordForm }),
    panel,
  ];
}

Y.views.users = async function (main) {
  main.appendChild(Y.h('h1', { text: Y.t('users.title') }));
  var listBox = Y.h('div', { 'data-test': 'users-list' });
  main.appendChild(listBox);
  async function load() {
    var data = await Y.api('GET', '/users');
    Y.clear(listBox).appendChild(Y.h('div', { class: 'table-wrap' }, Y.h('table', { class: 'table' }, [
      Y.h('thead', {}, Y.h('tr', {}, ['users.login', 'users.name', 'users.role', 'users.department', 'users.phone', 'users.active', 'users.manage'].map(function (k) { return Y.h('th', { text: Y.t(k) }); }))),
      Y.h('tbody', {}, (data.users || []).map(function (u) {
        return Y.h('tr', { 'data-test': 'user-row', 'data-login': u.login, 'data-active': u.active ? 'true' : 'false' }, [
          Y.h('td', { class: 'code', text: u.login }), Y.h('td', { text: u.name }), Y.h('td', { text: Y.label('role', u.role) }),
          Y.h('td', { text: u.department || '' }), Y.h('td', { text: u.office_phone || '' }), Y.h('td', { text: u.active ? Y.t('yes') : Y.t('no') }),
          Y.h('td', {}, userManagement(u, load)),
        ]);
      })),
    ])));
  }
  var f = {
    login: Y.h('input', { 'data-test': 'user-login', required: true, autocomplete: 'off' }),
    name: Y.h('input', { 'data-test': 'user-name', required: true }),
    role: Y.h('select', { 'data-test': 'user-role' }, ['clerk', 'officer', 'supervisor', 'admin'].map(function (r) { return Y.h('option', { value: r, text: Y.label('role', r) }); })),
    department: Y.h('input', { 'data-test': 'user-department' }),
    office_phone: Y.h('input', { 'data-test': 'user-phone', type: 'tel' }),
    password: Y.h('input', { 'data-test': 'user-password', type: 'password', required: true, autocomplete: 'new-password' }),
  };
  var form = Y.h('form', { class: 'card form', 'data-test': 'user-form' }, [
    Y.h('h2', { text: Y.t('users.add') }),
    Y.field(Y.t('users.login'), f.login), Y.field(Y.t('users.name'), f.name), Y.field(Y.t('users.role'), f.role),
    Y.field(Y.t('users.department'), f.department, Y.h('span', { class: 'hint', text: Y.t('users.department_hint') })),
    Y.field(Y.t('users.phone'), f.office_phone), Y.field(Y.t('login.password'), f.password),
    Y.h('button', { type: 'submit', class: 'primary', 'data-test': 'user-submit', text: Y.t('users.add') }),
  ]);
  form.addEventListener('submit', async function (ev) {
    ev.preventDefault();
    Y.alert('');
    var body = {};
    Object.keys(f).forEach(function (k) { body[k] = f[k].value.trim ? (k === 'password' ? f[k].value : f[k].value.trim()) : f[k].value; });
    try {
      await Y.api('POST', '/users', body);
      f.password.value = '';
      Y.alert(Y.t('users.added', { login: body.login }), 'ok');
      await load();
    } catch (e) {
      Y.showError(e);
    }
  });
  main.appendChild(form);
  await load();
};
