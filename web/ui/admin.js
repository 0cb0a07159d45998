// Yimen web hall: the administrator's pages — the city's working-day
// calendar and the catalogue editor (publishes a new version of a guide).
'use strict';

Y.views = Y.views || {};

function dateList(text) {
  return String(text || '').split(/[\s,，、]+/).filter(Boolean);
}

// ---- calendar ----------------------------------------------------------------

Y.views.calendar = async function (main) {
  main.appendChild(Y.h('h1', { text: Y.t('calendar.title') }));
  main.appendChild(Y.h('p', { class: 'muted', text: Y.t('calendar.explain') }));
  var data = await Y.api('GET', '/calendar');
  var years = data.years || [];
  if (!years.length) main.appendChild(Y.h('p', { class: 'muted', 'data-test': 'calendar-empty', text: Y.t('calendar.empty') }));
  years.forEach(function (y) {
    main.appendChild(Y.h('section', { class: 'card', 'data-test': 'calendar-year', 'data-year': String(y.year) }, [
      Y.h('h2', { text: String(y.year) }),
      Y.h('dl', { class: 'facts' }, [
        Y.row(Y.t('calendar.holidays'), (y.holidays || []).join('、')),
        Y.row(Y.t('calendar.makeup'), (y.makeup_working_days || []).join('、')),
        Y.row(Y.t('calendar.notice'), y.notice),
      ]),
    ]));
  });
  var node = Y.state.node || {};
  if (Y.role() !== 'admin' || node.level !== 'city') return;
  var year = Y.h('input', { type: 'number', min: '2000', max: '2100', 'data-test': 'calendar-year-input', value: String(new Date().getFullYear() + 1) });
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
