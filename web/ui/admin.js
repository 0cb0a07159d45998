// Yimen web hall: the administrator's pages — the city's working-day
// calendar, the catalogue editor (publishes a new version of a guide),
// enrolling child nodes (入网) and, for clerks too, publishing and
// withdrawing public notices (村务公开).
'use strict';

Y.views = Y.views || {};

function dateList(text) {
  return String(text || '').split(/[\s,，、]+/).filter(Boolean);
}

// ---- calendar ----------------------------------------------------------------

// The warning every staff member sees (dashboard, calendar page) while this
// year's calendar, or from 1 November next year's, is not published (null
// when nothing is missing). `howTo`: say how the city publishes it.
Y.calendarWarning = function (outlook, howTo) {
  if (!outlook || !outlook.missing_year) return null;
  var cityAdmin = Y.role() === 'admin' && (Y.state.node || {}).level === 'city';
  return Y.h('div', { class: 'warning', role: 'alert', 'data-test': 'calendar-missing', 'data-year': String(outlook.missing_year) }, [
    Y.h('p', { text: Y.t('calendar.missing', { year: outlook.missing_year, from: outlook.unknown_from }) }),
    howTo ? Y.h('p', { class: 'hint', text: Y.t(cityAdmin ? 'calendar.how_to_publish' : 'calendar.ask_city') })
      : Y.h('a', { href: '#/calendar', 'data-test': 'calendar-missing-link', text: Y.t('calendar.open') }),
  ]);
};

Y.views.calendar = async function (main) {
  main.appendChild(Y.h('h1', { text: Y.t('calendar.title') }));
  main.appendChild(Y.h('p', { class: 'muted', text: Y.t('calendar.explain') }));
  var data = await Y.api('GET', '/calendar');
  var outlook = data.outlook || {};
  Y.append(main, Y.calendarWarning(outlook, true));
  var years = data.years || [];
  if (!years.length) main.appendChild(Y.h('p', { class: 'muted', 'data-test': 'calendar-empty', text: Y.t('calendar.empty') }));
  years.forEach(function (y) {
    main.appendChild(Y.h('section', { class: 'card', 'data-test': 'calendar-year', 'data-year': String(y.year), 'data-provisional': y.provisional ? 'true' : 'false' }, [
      Y.h('h2', {}, [String(y.year) + ' ', y.provisional ? Y.h('span', { class: 'badge badge-yellow', 'data-test': 'calendar-provisional', text: Y.t('calendar.provisional') }) : null]),
      y.provisional ? Y.h('p', { class: 'hint', text: Y.t('calendar.provisional_hint') }) : null,
      Y.h('dl', { class: 'facts' }, [
        Y.row(Y.t('calendar.holidays'), (y.holidays || []).join('、') || Y.t('none')),
        Y.row(Y.t('calendar.makeup'), (y.makeup_working_days || []).join('、') || Y.t('none')),
        Y.row(Y.t('calendar.notice'), y.notice),
      ]),
    ]));
  });
  var node = Y.state.node || {};
  if (Y.role() !== 'admin' || node.level !== 'city') return;
  var suggested = outlook.missing_year || (outlook.this_year ? outlook.this_year + 1 : '');
  var year = Y.h('input', { type: 'number', min: '2000', max: '2100', 'data-test': 'calendar-year-input', value: String(suggested) });
  var holidays = Y.h('textarea', { rows: '4', 'data-test': 'calendar-holidays', placeholder: '2027-01-01 2027-02-06 …' });
  var makeup = Y.h('textarea', { rows: '2', 'data-test': 'calendar-makeup', placeholder: '2027-02-14 …' });
  var notice = Y.h('input', { 'data-test': 'calendar-notice' });
  var form = Y.h('form', { class: 'card form', 'data-test': 'calendar-form' }, [
    Y.h('h2', { text: Y.t('calendar.publish') }),
    Y.field(Y.t('calendar.year'), year),
    Y.field(Y.t('calendar.holidays'), holidays, Y.h('span', { class: 'hint', text: Y.t('calendar.dates_hint') })),
    Y.field(Y.t('calendar.makeup'), makeup),
    Y.field(Y.t('calendar.notice'), notice),
    Y.h('button', { type: 'submit', class: 'primary', 'data-test': 'calendar-submit', text: Y.t('calendar.publish') }),
  ]);
  form.addEventListener('submit', async function (ev) {
    ev.preventDefault();
    Y.alert('');
    try {
      await Y.api('POST', '/calendar', { year: parseInt(year.value, 10), holidays: dateList(holidays.value), makeup_working_days: dateList(makeup.value), notice: notice.value.trim() });
      await Y.route();
      Y.alert(Y.t('calendar.published', { year: year.value }), 'ok');
    } catch (e) {
      Y.showError(e);
    }
  });
  main.appendChild(form);
};

// ---- catalogue editor -----------------------------------------------------------

// The guide as JSON in a text area: the administrator changes it and
// publishes; the API names the first wrong field, which is shown as is.
Y.views.edit = async function (main, params) {
  var code = params.code;
  main.appendChild(Y.h('h1', { text: Y.t('edit.title') }));
  var item = null;
  if (code) {
    item = await Y.api('GET', '/catalogue/' + encodeURIComponent(code));
  }
  main.appendChild(Y.h('p', { class: 'muted', text: Y.t('edit.explain') }));
  if (item) {
    main.appendChild(Y.h('p', {}, [Y.h('strong', { text: item.name }), ' ', Y.h('span', { class: 'code', text: item.code + ' · ' + Y.t('guide.version', { n: item.version }) })]));
  }
  var text = Y.h('textarea', { class: 'json', rows: '28', spellcheck: 'false', 'data-test': 'edit-json' });
  text.value = JSON.stringify(item || {}, null, 2);
  var form = Y.h('form', { class: 'form wide', 'data-test': 'edit-form' }, [
    Y.field(Y.t('edit.json'), text),
    Y.h('div', { class: 'actions' }, [
      Y.h('button', { type: 'submit', class: 'primary', 'data-test': 'edit-publish', text: Y.t('edit.publish') }),
      item ? Y.h('a', { class: 'button', href: '#/item/' + encodeURIComponent(item.code), text: Y.t('cancel') }) : null,
    ]),
  ]);
  form.addEventListener('submit', async function (ev) {
    ev.preventDefault();
    Y.alert('');
    var body;
    try {
      body = JSON.parse(text.value);
    } catch (e) {
      Y.alert(Y.t('edit.bad_json', { error: e.message }));
      return;
    }
    try {
      var published = await Y.api('POST', '/catalogue', body);
      // The guide page shows the new version.
      location.hash = '#/item/' + encodeURIComponent(published.code);
    } catch (e) {
      Y.showError(e);
    }
  });
  main.appendChild(form);
};

// ---- public notices (村务公开): publish and withdraw ---------------------------

Y.views.noticesManage = async function (main) {
  main.appendChild(Y.h('h1', { text: Y.t('notices.manage_title') }));
  main.appendChild(Y.h('p', { class: 'muted' }, [Y.t('notices.manage_explain'), ' ', Y.h('a', { href: '#/notices', text: Y.t('notices.view_public') })]));
  var category = Y.h('select', { 'data-test': 'notice-category' }, Y.NOTICE_CATEGORIES.map(function (c) {
    return Y.h('option', { value: c, text: Y.label('notice_category', c) });
  }));
  var title = Y.h('input', { 'data-test': 'notice-title-input', required: true, maxlength: '60' });
  var body = Y.h('textarea', { rows: '8', 'data-test': 'notice-body-input', required: true, maxlength: '2600' });
  var until = Y.h('input', { type: 'date', 'data-test': 'notice-until', min: (Y.state.node && Y.state.node.today) || null });
  var submit = Y.h('button', { type: 'submit', class: 'primary', 'data-test': 'notice-submit', text: Y.t('notices.publish') });
  var form = Y.h('form', { class: 'card form', 'data-test': 'notice-form' }, [
    Y.h('h2', { text: Y.t('notices.publish') }),
    Y.field(Y.t('notices.category'), category),
    Y.field(Y.t('notices.title_field'), title),
    Y.field(Y.t('notices.body'), body),
    Y.field(Y.t('notices.valid_until_field'), until, Y.h('span', { class: 'hint', text: Y.t('notices.valid_until_hint') })),
    submit,
  ]);
  var listBox = Y.h('div', { 'data-test': 'notices-manage-list' });

  async function load() {
    var data = await Y.api('GET', '/notices?all=1');
    var list = data.notices || [];
    var self = Y.state.node ? Y.state.node.id : '';
    var today = Y.state.node ? Y.state.node.today : '';
    Y.clear(listBox);
    listBox.appendChild(Y.h('h2', { text: Y.t('notices.all', { n: list.length }) }));
    if (!list.length) {
      listBox.appendChild(Y.h('p', { class: 'muted', text: Y.t('notices.empty') }));
      return;
    }
    list.forEach(function (n) {
      var expired = !n.withdrawn && n.valid_until && today && n.valid_until < today;
      var status = n.withdrawn ? 'withdrawn' : expired ? 'expired' : 'current';
      var panel = Y.h('div', { class: 'action-panel' });
      var extra = [
        Y.h('p', {}, [
          Y.h('span', { class: 'badge ' + (status === 'current' ? 'badge-green' : 'badge-none'), 'data-test': 'notice-status', 'data-status': status, text: Y.t('notices.status_' + status) }), ' ',
          Y.label('notice_category', n.category),
          n.node !== self ? Y.h('span', { class: 'code', text: ' · ' + n.node }) : null,
        ]),
        n.withdrawn && n.withdraw_reason ? Y.h('p', { class: 'note', text: Y.t('notices.withdraw_reason') + ': ' + n.withdraw_reason }) : null,
        !n.withdrawn && n.node === self ? Y.h('button', {
          type: 'button', class: 'danger no-print', 'data-test': 'notice-withdraw', 'data-notice': n.notice_no, text: Y.t('notices.withdraw'),
          onclick: function () { withdrawForm(panel, n); },
        }) : null,
        panel,
      ];
      var art = Y.noticeArticle(n, extra);
      art.setAttribute('data-status', status);
      listBox.appendChild(art);
    });
  }

  function withdrawForm(panel, n) {
    Y.clear(panel);
    var reason = Y.h('input', { 'data-test': 'notice-withdraw-reason', maxlength: '160', placeholder: Y.t('notices.withdraw_reason') });
    panel.appendChild(Y.h('div', { class: 'findings' }, [
      Y.field(Y.t('notices.withdraw_reason'), reason),
      Y.h('div', { class: 'actions' }, [
        Y.h('button', {
          type: 'button', class: 'danger', 'data-test': 'notice-withdraw-confirm', text: Y.t('notices.withdraw_confirm'),
          onclick: async function () {
            Y.alert('');
            try {
              await Y.api('POST', '/notices/' + encodeURIComponent(n.notice_no) + '/withdraw', { reason: reason.value.trim() });
              await load();
              Y.alert(Y.t('notices.withdrawn', { title: n.title }), 'ok');
            } catch (e) {
              Y.showError(e);
            }
          },
        }),
        Y.h('button', { type: 'button', text: Y.t('cancel'), onclick: function () { Y.clear(panel); } }),
      ]),
    ]));
    reason.focus();
  }

  form.addEventListener('submit', async function (ev) {
    ev.preventDefault();
    Y.alert('');
    var req = { category: category.value, title: title.value.trim(), body: body.value.trim() };
    if (!req.title || !req.body) {
      Y.alert(Y.t('notices.need_text'));
      return;
    }
    if (until.value) req.valid_until = until.value;
    submit.disabled = true;
    try {
      var r = await Y.api('POST', '/notices', req);
      form.reset();
      await load();
      Y.alert(Y.t('notices.published', { no: r.notice_no }), 'ok');
    } catch (e) {
      Y.showError(e);
    } finally {
      submit.disabled = false;
    }
  });
  main.appendChild(form);
  main.appendChild(listBox);
  await load();
};

// ---- enrolment of child nodes (入网) ---------------------------------------------
// A new town or village prints a request token (`yimen enrol request`); the
// administrator of its parent checks what it asks here, compares the key
// fingerprint with the child's by phone, approves it, and takes the
// certificate token back to it (`yimen enrol install`).

Y.views.enrol = function (main) {
  main.appendChild(Y.h('h1', { text: Y.t('enrol.title') }));
  main.appendChild(Y.h('p', { class: 'muted', text: Y.t('enrol.explain') }));
  var token = Y.h('textarea', { rows: '4', class: 'code', 'data-test': 'enrol-request', required: true, spellcheck: 'false', autocomplete: 'off' });
  var result = Y.h('div', { 'data-test': 'enrol-result' });
  var form = Y.h('form', { class: 'card form no-print', 'data-test': 'enrol-form' }, [
    Y.field(Y.t('enrol.request'), token),
    Y.h('button', { type: 'submit', class: 'primary', 'data-test': 'enrol-check', text: Y.t('enrol.check') }),
  ]);

  async function send(approve) {
    Y.alert('');
    var text = token.value.trim();
    if (!text) {
      Y.alert(Y.t('enrol.request_required'));
      token.focus();
      return;
    }
    try {
      show(await Y.api('POST', '/enrolments', { request: text, approve: approve }));
      if (approve) Y.alert(Y.t('enrol.approved'), 'ok');
    } catch (e) {
      Y.clear(result);
      Y.showError(e);
    }
  }

  function show(r) {
    var install = 'yimen enrol install --data <DIR> ' + (r.certificate || '');
    Y.clear(result).appendChild(Y.h('section', { class: 'card', 'data-test': 'enrol-shown', 'data-child': r.child, 'data-approved': r.approved ? 'true' : 'false' }, [
      Y.h('h2', { text: r.approved ? Y.t('enrol.approved_title', { child: r.child }) : Y.t('enrol.asks') }),
      Y.h('dl', { class: 'facts' }, [
        Y.row(Y.t('enrol.child'), Y.h('span', { class: 'code', text: r.child })),
        Y.row(Y.t('enrol.name'), r.name),
        Y.row(Y.t('enrol.fingerprint'), [Y.h('span', { class: 'code', 'data-test': 'enrol-fingerprint', text: r.key_fingerprint }), Y.h('span', { class: 'hint', text: ' ' + Y.t('enrol.fingerprint_hint') })]),
        Y.row(Y.t('enrol.requested_at'), Y.absoluteTime(r.requested_at)),
      ]),
      r.approved ? [
        Y.h('p', { text: Y.t('enrol.install_hint') }),
        Y.h('textarea', { rows: '6', class: 'code', readonly: true, 'data-test': 'enrol-certificate', text: install }),
        Y.h('button', { type: 'button', class: 'no-print', text: Y.t('print'), onclick: Y.printPage }),
      ] : Y.h('button', { type: 'button', class: 'primary', 'data-test': 'enrol-approve', text: Y.t('enrol.approve'), onclick: function () { send(true); } }),
    ]));
  }

  form.addEventListener('submit', function (ev) {
    ev.preventDefault();
    send(false);
  });
  main.appendChild(form);
  main.appendChild(result);
};
