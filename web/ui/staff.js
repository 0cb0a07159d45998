// Yimen web hall: the staff pages — login, the intake wizard and receipt,
// the case queue and case page (with findings and the one-time
// notification), the dashboard with the sync monitor, and users.
'use strict';

Y.views = Y.views || {};

var CASE_STATES = ['submitted', 'accepted', 'awaiting_materials', 'in_notice', 'approved', 'rejected', 'refused', 'result_issued', 'withdrawn', 'closed'];
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

Y.views.intake = function (main, params) {
  var wiz = { item: null, applicant: null, materials: null };
  var steps = ['intake.step_item', 'intake.step_applicant', 'intake.step_materials', 'intake.step_receipt'];
  main.appendChild(Y.h('h1', { text: Y.t('intake.title') }));
  if (Y.state.node && Y.state.node.recovering) {
    main.appendChild(Y.h('p', { class: 'warning', 'data-test': 'recovering', text: Y.t('node.recovering') }));
  }
  var bar = Y.h('ol', { class: 'wizard-steps no-print' });
  var body = Y.h('div', { class: 'wizard-body' });
  main.appendChild(bar);
  main.appendChild(body);

  function show(i) {
    Y.clear(bar);
    steps.forEach(function (k, j) {
      bar.appendChild(Y.h('li', { class: j === i ? 'current' : j < i ? 'done' : '', 'aria-current': j === i ? 'step' : null, text: Y.t(k) }));
    });
    Y.clear(body);
    Y.alert('');
    [stepItem, stepApplicant, stepMaterials][i]();
    window.scrollTo(0, 0);
  }

  function stepItem() {
    body.appendChild(Y.h('p', { class: 'muted', text: Y.t('intake.item_explain') }));
    body.appendChild(Y.catalogueBrowser({ q: '' }, async function (it) {
      try {
        wiz.item = await Y.api('GET', '/catalogue/' + encodeURIComponent(it.code));
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
      else status.textContent = '✗ ' + Y.t('id.' + r.reason, { n: r.n, expected: r.expected });
      return r.valid;
    }
    id.addEventListener('input', check);
    check();
    var form = Y.h('form', { class: 'card form', 'data-test': 'intake-applicant' }, [
      Y.h('p', {}, [Y.t('intake.item'), ': ', Y.h('strong', { text: wiz.item.name }), ' ', Y.h('span', { class: 'code', text: wiz.item.code })]),
      Y.field(Y.t('applicant.id_number'), id, status),
      Y.field(Y.t('applicant.name'), name),
      Y.field(Y.t('applicant.phone'), phone),
      Y.field(Y.t('applicant.domicile'), dom, Y.h('span', { class: 'hint', text: Y.t('applicant.domicile_hint') })),
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
        var res = await Y.api('POST', '/cases', { item_code: wiz.item.code, applicant: wiz.applicant, channel: 'window', materials: list });
        receipt(res);
      } catch (e) {
        Y.showError(e);
      } finally {
        busy = false;
      }
    });
    body.appendChild(form);
  }

  function receipt(res) {
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
      Y.h('button', { type: 'button', 'data-test': 'intake-new', text: Y.t('intake.new'), onclick: function () { wiz = { item: null, applicant: null, materials: null }; show(0); } }),
      Y.h('a', { class: 'button', href: '#/case/' + encodeURIComponent(res.case_no), 'data-test': 'receipt-open-case', text: Y.t('receipt.open_case') }),
    ]));
  }

  if (params.item) {
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
        Y.h('td', { 'data-label': Y.t('case.applicant') }, [c.applicant_name, ' ', Y.h('span', { class: 'code', text: c.applicant_id_masked })]),
        Y.h('td', { 'data-label': Y.t('case.deadline') }, Y.cardBadge(c.card, c.due)),
        Y.h('td', { class: 'nowrap', 'data-label': Y.t('case.submitted_on'), text: c.submitted_on }),
        Y.h('td', { class: 'code', 'data-label': Y.t('case.handling_node'), text: c.handling_node }),
      ]);
    })),
  ]));
}

Y.views.cases = async function (main, params) {
  main.appendChild(Y.h('h1', { text: Y.t('cases.title') }));
  var state = Y.h('select', { 'data-test': 'cases-state' }, [Y.h('option', { value: '', text: Y.t('cases.all_states') })].concat(CASE_STATES.map(function (s) {
    return Y.h('option', { value: s, text: Y.label('state', s) });
  })));
  state.value = params.state || '';
  var card = Y.h('select', { 'data-test': 'cases-card' }, ['', 'green', 'yellow', 'red'].map(function (c) {
    return Y.h('option', { value: c, text: c ? Y.t('card.' + c) : Y.t('cases.all_cards') });
  }));
  card.value = params.card || '';
  function go() {
    location.hash = '#/cases' + casesQuery({ state: state.value, card: card.value });
  }
  state.addEventListener('change', go);
  card.addEventListener('change', go);
  main.appendChild(Y.h('div', { class: 'search no-print' }, [
    Y.field(Y.t('case.state'), state),
    Y.field(Y.t('case.deadline'), card),
    Y.h('button', { type: 'button', 'data-test': 'cases-refresh', text: Y.t('refresh'), onclick: function () { Y.route(); } }),
  ]));
  var data = await Y.api('GET', '/cases' + casesQuery(params));
  main.appendChild(cardTiles(data.cards || {}, '#/cases', params.card));
  main.appendChild(caseTable(data.cases || []));
};

function cardTiles(cards, base, current) {
  return Y.h('div', { class: 'tiles', 'data-test': 'card-tiles' }, ['green', 'yellow', 'red'].map(function (c) {
    return Y.h('a', { class: 'tile tile-' + c + (current === c ? ' current' : ''), href: base + '?card=' + c, 'data-test': 'tile-' + c, 'data-count': String(cards[c] || 0) }, [
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
        Y.row(Y.t('case.deadline'), [Y.cardBadge(c.card, c.due), c.unknown_reason ? Y.h('span', { class: 'hint', text: ' ' + c.unknown_reason }) : null]),
        Y.row(Y.t('guide.committed_limit'), Y.limitText(c.committed_limit)),
        Y.row(Y.t('case.submitted_on'), c.submitted_on),
        Y.row(Y.t('case.channel'), Y.label('channel', c.channel)),
        Y.row(Y.t('case.intake_node'), c.intake_node),
        Y.row(Y.t('case.handling_node'), c.handling_node),
        Y.row(Y.t('case.responsible'), c.responsible_name),
        c.decision ? Y.row(Y.t('case.decision'), c.decision) : null,
        c.result ? Y.row(Y.t('case.result'), c.result) : null,
        c.returned ? Y.row(Y.t('case.returned'), Y.t('yes')) : null,
        c.withdrawal_requested ? Y.row(Y.t('case.withdrawal_requested'), Y.t('yes')) : null,
        c.repeat_of ? Y.row(Y.t('receipt.repeat_of'), c.repeat_of) : null,
      ]),
    ]),
    Y.h('section', { class: 'card' }, [
      Y.h('h2', { text: Y.t('case.applicant') }),
      Y.h('dl', { class: 'facts' }, [
        Y.row(Y.t('applicant.name'), ap.name),
        Y.row(Y.t('applicant.id_number'), ap.id_number),
        Y.row(Y.t('applicant.phone'), ap.phone),
        Y.row(Y.t('applicant.domicile'), ap.domicile),
      ]),
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
        else doAction(main, c, { action: a, note: note.value.trim() });
      },
    });
  });
  main.appendChild(Y.h('section', { class: 'card case-actions', 'data-test': 'case-actions' }, [
    Y.h('h2', { class: 'no-print', text: Y.t('case.actions') }),
    actions.length ? Y.h('div', { class: 'no-print' }, [Y.field(Y.t('note'), note), Y.h('div', { class: 'actions' }, buttons)]) : Y.h('p', { class: 'muted no-print', 'data-test': 'no-actions', text: Y.t('case.no_actions') }),
    panel,
  ]));

  // Materials.
  main.appendChild(Y.h('section', { class: 'card' }, [
    Y.h('h2', { text: Y.t('guide.materials') }),
    Y.h('ol', { class: 'materials' }, (c.materials || []).map(function (m) {
      return Y.h('li', {}, [Y.h('strong', { text: m.name }), ' ', Y.h('span', { class: 'meta', text: Y.label('form', m.form, m.form_label) + ' · ' + Y.t('guide.copies', { n: m.copies }) + ' · ' + Y.label('kind', m.kind, m.kind_label) })]);
    })),
  ]));

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

function actionClass(a) {
  if (a === 'approve' || a === 'accept' || a === 'accept_supplement' || a === 'issue_result') return 'primary';
  if (a === 'refuse' || a === 'reject' || a === 'withdraw') return 'danger';
  return '';
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
  var data = await Y.api('GET', '/cases' + casesQuery({ card: params.card }));
  main.appendChild(Y.h('section', { class: 'section' }, [
    Y.h('h2', { text: Y.t('dashboard.cards') }),
    cardTiles(data.cards || {}, '#/dashboard', params.card),
    params.card ? Y.h('p', {}, [Y.t('dashboard.filtered', { card: Y.t('card.' + params.card) }), ' ', Y.h('a', { href: '#/dashboard', 'data-test': 'dashboard-all', text: Y.t('dashboard.show_all') })]) : null,
    Y.h('div', { 'data-test': 'dashboard-cases' }, caseTable(data.cases || [])),
  ]));
  var syncBox = Y.h('div', { 'data-test': 'sync-monitor' }, Y.h('p', { class: 'muted', text: Y.t('loading') }));
  main.appendChild(Y.h('section', { class: 'section' }, [Y.h('h2', { text: Y.t('sync.title') }), syncBox]));
  try {
    var s = await Y.api('GET', '/sync');
    Y.clear(syncBox).appendChild(syncTable(s.nodes || []));
  } catch (e) {
    Y.clear(syncBox);
    Y.showError(e);
  }
};

function syncTable(nodes) {
  var cols = ['sync.node', 'sync.level', 'sync.link', 'sync.last_contact', 'sync.backlog', 'sync.quarantined', 'sync.refused', 'sync.clock_offset', 'sync.software'];
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
        Y.h('td', { 'data-label': Y.t('sync.clock_offset'), class: Math.abs(offset) > 5000 ? 'num warn' : 'num', text: Y.t('sync.ms', { n: offset }) }),
        Y.h('td', { 'data-label': Y.t('sync.software'), text: n.software || '' }),
      ]);
    })),
  ]));
}

// ---- users ---------------------------------------------------------------

Y.views.users = async function (main) {
  main.appendChild(Y.h('h1', { text: Y.t('users.title') }));
  var listBox = Y.h('div', { 'data-test': 'users-list' });
  main.appendChild(listBox);
  async function load() {
    var data = await Y.api('GET', '/users');
    Y.clear(listBox).appendChild(Y.h('div', { class: 'table-wrap' }, Y.h('table', { class: 'table' }, [
      Y.h('thead', {}, Y.h('tr', {}, ['users.login', 'users.name', 'users.role', 'users.department', 'users.phone', 'users.active'].map(function (k) { return Y.h('th', { text: Y.t(k) }); }))),
      Y.h('tbody', {}, (data.users || []).map(function (u) {
        return Y.h('tr', { 'data-test': 'user-row', 'data-login': u.login }, [
          Y.h('td', { class: 'code', text: u.login }), Y.h('td', { text: u.name }), Y.h('td', { text: Y.label('role', u.role) }),
          Y.h('td', { text: u.department || '' }), Y.h('td', { text: u.office_phone || '' }), Y.h('td', { text: u.active ? Y.t('yes') : Y.t('no') }),
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
