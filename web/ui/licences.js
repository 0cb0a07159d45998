// Yimen web hall: e-licences (电子证照). Anyone verifies a licence file or QR
// payload offline at this node; the handling office issues one on an
// approved case.
'use strict';

// #/verify — public: paste the licence file's text or the QR payload, or open
// the file.
Y.views.verify = function (main) {
  main.appendChild(Y.h('h1', { text: Y.t('licence.verify_title') }));
  main.appendChild(Y.h('p', { class: 'muted', text: Y.t('licence.verify_explain') }));
  var text = Y.h('textarea', { rows: '6', 'data-test': 'verify-document', spellcheck: 'false', autocomplete: 'off' });
  var file = Y.h('input', { type: 'file', 'data-test': 'verify-file', accept: '.txt,.yml,.licence,text/plain' });
  file.addEventListener('change', function () {
    var f = file.files && file.files[0];
    if (!f) return;
    if (f.size > 64 * 1024) {
      Y.alert(Y.t('licence.file_too_large'));
      return;
    }
    var reader = new FileReader();
    reader.onload = function () { text.value = String(reader.result || ''); };
    reader.readAsText(f);
  });
  var out = Y.h('div', { 'data-test': 'verify-out', 'aria-live': 'polite' });
  var form = Y.h('form', { class: 'card form', 'data-test': 'verify-form' }, [
    Y.field(Y.t('licence.document'), text, Y.h('span', { class: 'hint', text: Y.t('licence.document_hint') })),
    Y.field(Y.t('licence.open_file'), file),
    Y.h('button', { type: 'submit', class: 'primary', 'data-test': 'verify-submit', text: Y.t('licence.verify') }),
  ]);
  form.addEventListener('submit', async function (ev) {
    ev.preventDefault();
    Y.alert('');
    Y.clear(out);
    if (!text.value.trim()) {
      Y.alert(Y.t('licence.need_document'));
      return;
    }
    try {
      var r = await Y.api('POST', '/licences/verify', { document: text.value.trim() });
      out.appendChild(verdict(r));
    } catch (e) {
      Y.showError(e);
    }
  });
  main.appendChild(form);
  main.appendChild(out);
};

function verdict(r) {
  var l = r.licence || null;
  return Y.h('section', { class: 'card ' + (r.valid ? 'verdict-ok' : 'verdict-bad'), 'data-test': 'verify-verdict', 'data-valid': r.valid ? 'true' : 'false' }, [
    Y.h('h2', { text: r.valid ? Y.t('licence.valid') : Y.t('licence.invalid') }),
    r.valid ? null : Y.h('p', { class: 'warning', 'data-test': 'verify-reason', text: r.reason }),
    l ? Y.h('dl', { class: 'facts' }, [
      Y.row(Y.t('licence.number'), Y.h('span', { class: 'code', text: l.number })),
      Y.row(Y.t('licence.type'), l.type),
      Y.row(Y.t('licence.holder'), [l.holder_name, ' ', Y.h('span', { class: 'code', text: l.holder_id_masked })]),
      (l.fields || []).map(function (f) { return Y.row(f.name, f.value); }),
      Y.row(Y.t('licence.valid_from'), l.valid_from),
      Y.row(Y.t('licence.valid_until'), l.valid_until || Y.t('licence.no_expiry')),
      Y.row(Y.t('licence.issuer'), [l.issuer_name || '', ' ', Y.h('span', { class: 'code', text: l.issuer })]),
    ]) : null,
  ]);
}

// On the case page of an approved case handled here: the licence form for
// officers and administrators (the case page calls it).
Y.licenceIssueSection = function (c) {
  var type = Y.h('input', { 'data-test': 'licence-type', maxlength: '100', value: c.item_name || '' });
  var until = Y.h('input', { type: 'date', 'data-test': 'licence-until' });
  var rows = Y.h('div', { 'data-test': 'licence-fields' });
  function addRow(name, value) {
    rows.appendChild(Y.h('div', { class: 'inline licence-field' }, [
      Y.field(Y.t('licence.field_name'), Y.h('input', { class: 'lf-name', maxlength: '50', value: name || '' })),
      Y.field(Y.t('licence.field_value'), Y.h('input', { class: 'lf-value', maxlength: '500', value: value || '' })),
    ]));
  }
  addRow(Y.t('licence.field_decision'), c.decision || '');
  var out = Y.h('div', { 'data-test': 'licence-out', 'aria-live': 'polite' });
  var submit = Y.h('button', { type: 'submit', class: 'primary', 'data-test': 'licence-issue', text: Y.t('licence.issue') });
  var form = Y.h('form', { class: 'form no-print', 'data-test': 'licence-form' }, [
    Y.field(Y.t('licence.type'), type),
    rows,
    Y.h('button', { type: 'button', class: 'link', text: Y.t('licence.add_field'), onclick: function () { addRow('', ''); } }),
    Y.field(Y.t('licence.valid_until'), until, Y.h('span', { class: 'hint', text: Y.t('licence.until_hint') })),
    submit,
  ]);
  form.addEventListener('submit', async function (ev) {
    ev.preventDefault();
    Y.alert('');
    var fields = Array.prototype.map.call(rows.querySelectorAll('.licence-field'), function (r) {
      return { name: r.querySelector('.lf-name').value.trim(), value: r.querySelector('.lf-value').value.trim() };
    }).filter(function (f) { return f.name || f.value; });
    var body = { type: type.value.trim(), fields: fields };
    if (until.value) body.valid_until = until.value;
    submit.disabled = true;
    try {
      var r = await Y.api('POST', '/cases/' + encodeURIComponent(c.case_no) + '/licence', body);
      form.classList.add('hidden');
      Y.clear(out).appendChild(Y.h('div', { 'data-test': 'licence-issued' }, [
        Y.h('p', {}, [Y.t('licence.issued'), ' ', Y.h('strong', { class: 'code', 'data-test': 'licence-number', text: r.number })]),
        Y.field(Y.t('licence.file_text'), Y.h('textarea', { rows: '4', readonly: true, 'data-test': 'licence-file', spellcheck: 'false' }, r.file)),
        Y.field(Y.t('licence.qr_text'), Y.h('textarea', { rows: '3', readonly: true, 'data-test': 'licence-qr', spellcheck: 'false' }, r.qr)),
      ]));
    } catch (e) {
      Y.showError(e);
    } finally {
      submit.disabled = false;
    }
  });
  return Y.h('section', { class: 'card', 'data-test': 'case-licence' }, [
    Y.h('h2', { text: Y.t('licence.title') }),
    Y.h('p', { class: 'hint', text: Y.t('licence.issue_explain') }),
    form,
    out,
  ]);
};
