// Yimen web hall: online application (网上申请). A resident applies for an
// online-capable item from the guide page: their details, each material as an
// uploaded photo or scan (or a signed commitment, or data sharing where the
// item allows it), then a receipt with the case number and query code shown
// once. The case arrives with channel "online" and the identity marked
// unverified until the office establishes it; the office pre-reviews it
// before accepting it.
'use strict';

Y.views = Y.views || {};

var UPLOAD_TYPES = ['image/jpeg', 'image/png', 'application/pdf'];
var MAX_UPLOAD_BYTES = 8 * 1024 * 1024;

// Photos larger than this, or wider or taller than SHRINK_SIDE pixels, are
// scaled down in the browser before they are sent: a phone's photo of a
// document is legible at 2400 pixels, and a village's uplink is slow.
var SHRINK_ABOVE_BYTES = 1024 * 1024;
var SHRINK_SIDE = 2400;

// Sends one file to POST /api/v1/uploads as the request body, calling
// onProgress(percent) as it goes. Resolves with {hash, size, media_type};
// rejects like Y.api. XMLHttpRequest, because fetch reports no upload progress.
Y.upload = function (file, onProgress) {
  return new Promise(function (resolve, reject) {
    var xhr = new XMLHttpRequest();
    xhr.open('POST', '/api/v1/uploads');
    xhr.setRequestHeader('Accept', 'application/json');
    xhr.setRequestHeader('Content-Type', file.type);
    if (Y.state.session) xhr.setRequestHeader('X-CSRF-Token', Y.state.session.csrf);
    xhr.upload.onprogress = function (e) {
      if (e.lengthComputable && onProgress) onProgress(Math.floor((e.loaded * 100) / e.total));
    };
    xhr.onload = function () {
      var data = Y.parseAnswer(xhr.responseText);
      if (xhr.status >= 200 && xhr.status < 300) return resolve(data);
      reject(Y.apiError(xhr.status, xhr.statusText, data));
    };
    xhr.onerror = function () {
      reject(Y.apiError(0));
    };
    xhr.send(file);
  });
};

// A large JPEG or PNG photo scaled down to at most SHRINK_SIDE pixels a side
// as a JPEG; the file itself when it is small, a PDF, or when the browser
// cannot decode it (an old office PC): then the original goes, which the
// server takes as long as it is within the 8 MiB limit.
Y.shrinkPhoto = async function (file) {
  if (file.type !== 'image/jpeg' && file.type !== 'image/png') return file;
  if (typeof createImageBitmap !== 'function' || typeof HTMLCanvasElement === 'undefined') return file;
  var bitmap;
  try {
    bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' });
  } catch (e) {
    return file;  // not decodable here; the server checks what it is
  }
  var side = Math.max(bitmap.width, bitmap.height);
  if (file.size <= SHRINK_ABOVE_BYTES && side <= SHRINK_SIDE) return file;
  var scale = Math.min(1, SHRINK_SIDE / side);
  var canvas = document.createElement('canvas');
  canvas.width = Math.max(1, Math.round(bitmap.width * scale));
  canvas.height = Math.max(1, Math.round(bitmap.height * scale));
  var ctx = canvas.getContext('2d');
  ctx.fillStyle = '#fff';  // a transparent PNG becomes a white page, not a black one
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  var blob = await new Promise(function (resolve) {
    canvas.toBlob(resolve, 'image/jpeg', 0.85);
  });
  if (!blob || blob.size >= file.size) return file;
  var name = file.name.replace(/\.[^.]*$/, '') + '.jpg';
  return new File([blob], name, { type: 'image/jpeg' });
};

function sizeText(bytes) {
  if (bytes >= 1024 * 1024) return (bytes / 1024 / 1024).toFixed(1) + ' MB';
  return Math.max(1, Math.round(bytes / 1024)) + ' KB';
}

// One material of the item: how it is supplied and, for an upload, the file.
// Returns {el, value()} where value() is the API's materials[] entry or null
// while nothing usable is chosen.
function materialChooser(m, index) {
  var choices = [{ how: 'electronic', key: 'apply.how_upload' }];
  if (m.kind === 'commitment_allowed') choices.push({ how: 'commitment', key: 'apply.how_commitment' });
  if (m.kind === 'data_sharing') choices.unshift({ how: 'shared', key: 'apply.how_shared' });
  var chosen = choices[0].how;
  var uploaded = null;
  var status = Y.h('span', { class: 'upload-status', 'data-test': 'apply-upload-status', 'aria-live': 'polite' });
  var file = Y.h('input', { type: 'file', accept: UPLOAD_TYPES.join(','), 'data-test': 'apply-file' });
  var fileRow = Y.h('div', { class: 'upload-row' }, [file, status]);
  file.addEventListener('change', async function () {
    uploaded = null;
    Y.clear(status);
    var f = file.files && file.files[0];
    if (!f) return;
    if (UPLOAD_TYPES.indexOf(f.type) < 0) {
      status.textContent = '✗ ' + Y.t('apply.bad_type');
      status.className = 'upload-status bad';
      return;
    }
    status.textContent = Y.t('apply.preparing');
    status.className = 'upload-status';
    var sending = await Y.shrinkPhoto(f);
    if (sending.size > MAX_UPLOAD_BYTES) {
      status.textContent = '✗ ' + Y.t('apply.too_big');
      status.className = 'upload-status bad';
      return;
    }
    status.textContent = Y.t('apply.uploading', { pct: 0 });
    try {
      var r = await Y.upload(sending, function (pct) {
        status.textContent = Y.t('apply.uploading', { pct: pct });
      });
      uploaded = { hash: r.hash, size: r.size, media_type: r.media_type, name: sending.name.slice(0, 200) };
      status.textContent = '✓ ' + (sending === f
        ? Y.t('apply.uploaded', { size: sizeText(r.size) })
        : Y.t('apply.uploaded_smaller', { size: sizeText(r.size), from: sizeText(f.size) }));
      status.className = 'upload-status ok';
      status.setAttribute('data-uploaded', 'true');
      status.setAttribute('data-shrunk', sending === f ? 'false' : 'true');
    } catch (e) {
      status.textContent = '✗ ' + e.message;
      status.className = 'upload-status bad';
    }
  });
  var radios = choices.map(function (c) {
    var input = Y.h('input', { type: 'radio', name: 'how-' + index, value: c.how, checked: c.how === chosen, 'data-test': 'apply-how-' + c.how });
    input.addEventListener('change', function () {
      chosen = c.how;
      fileRow.hidden = chosen !== 'electronic';
    });
    return Y.h('label', { class: 'check' }, [input, Y.t(c.key)]);
  });
  fileRow.hidden = chosen !== 'electronic';
  var el = Y.h('li', { class: 'material', 'data-test': 'apply-material', 'data-index': String(index) }, [
    Y.h('strong', { text: m.name }),
    m.description ? Y.h('p', { class: 'hint', text: m.description }) : null,
    m.kind === 'data_sharing' && m.sharing_source ? Y.h('p', { class: 'hint', text: Y.t('guide.sharing_source') + ': ' + m.sharing_source }) : null,
    Y.h('div', { class: 'choices', role: 'radiogroup' }, radios),
    fileRow,
  ]);
  return {
    el: el,
    name: m.name,
    value: function () {
      if (chosen !== 'electronic') return { material: index, how: chosen };
      if (!uploaded) return null;
      return { material: index, how: 'electronic', attachment: uploaded };
    },
  };
}

Y.views.apply = async function (main, params) {
  var it = await Y.api('GET', '/catalogue/' + encodeURIComponent(params.item || ''));
  main.appendChild(Y.h('p', { class: 'no-print' }, Y.h('a', { href: '#/item/' + encodeURIComponent(it.code), text: '← ' + it.name })));
  main.appendChild(Y.h('h1', { text: Y.t('apply.title', { name: it.name }) }));
  if (!it.online_capable) {
    main.appendChild(Y.h('p', { class: 'note', 'data-test': 'apply-not-online', text: Y.t('apply.not_online') }));
    main.appendChild(Y.h('a', { class: 'button', href: '#/appointment?item=' + encodeURIComponent(it.code), text: Y.t('guide.appointment') }));
    return;
  }
  main.appendChild(Y.h('p', { class: 'muted no-print', text: Y.t('apply.explain') }));

  var node = Y.state.node || {};
  var id = Y.h('input', { 'data-test': 'apply-id', maxlength: '18', autocomplete: 'off', spellcheck: 'false', required: true });
  var idStatus = Y.h('span', { class: 'id-status', 'data-test': 'apply-id-status', 'aria-live': 'polite' });
  var name = Y.h('input', { 'data-test': 'apply-name', autocomplete: 'off', maxlength: '30', required: true });
  var phone = Y.h('input', { type: 'tel', 'data-test': 'apply-phone', autocomplete: 'off', maxlength: '20', required: true });
  var dom = Y.h('input', { 'data-test': 'apply-domicile', value: node.id || '', maxlength: '12', inputmode: 'numeric', required: true });
  function checkId() {
    var r = Y.checkId(id.value);
    idStatus.className = 'id-status ' + (r.valid ? 'ok' : id.value ? 'bad' : '');
    if (r.valid) idStatus.textContent = '✓ ' + Y.t('id.valid');
    else if (r.reason === 'empty') idStatus.textContent = '';
    else idStatus.textContent = '✗ ' + Y.t('id.' + r.reason, { n: r.n, missing: r.missing, expected: r.expected });
    return r.valid;
  }
  id.addEventListener('input', checkId);

  var choosers = (it.materials || []).map(materialChooser);
  var consent = Y.h('input', { type: 'checkbox', 'data-test': 'apply-consent' });
  var submit = Y.h('button', { type: 'submit', class: 'primary', 'data-test': 'apply-submit', text: Y.t('apply.submit') });
  var out = Y.h('div', { class: 'slip-wrap', 'data-test': 'apply-out', 'aria-live': 'polite' });
  var form = Y.h('form', { class: 'card form no-print', 'data-test': 'apply-form' }, [
    Y.h('h2', { text: Y.t('apply.applicant') }),
    Y.field(Y.t('applicant.id_number'), id, idStatus),
    Y.h('div', { class: 'inline' }, [Y.field(Y.t('applicant.name'), name), Y.field(Y.t('applicant.phone'), phone)]),
    Y.field(Y.t('applicant.domicile'), dom, Y.h('span', { class: 'hint', text: Y.t('applicant.domicile_hint') })),
    Y.h('h2', { text: Y.t('apply.materials') }),
    Y.h('p', { class: 'hint', text: Y.t('apply.materials_hint') }),
    Y.h('ol', { class: 'materials plain' }, choosers.map(function (c) { return c.el; })),
    Y.h('label', { class: 'check consent' }, [consent, Y.t('apply.consent')]),
    submit,
  ]);
  form.addEventListener('submit', async function (ev) {
    ev.preventDefault();
    Y.alert('');
    if (!checkId()) {
      Y.alert(Y.t('id.fix_first'));
      id.focus();
      return;
    }
    if (!name.value.trim() || !phone.value.trim()) {
      Y.alert(Y.t('apply.need_contact'));
      return;
    }
    if (!/^[0-9]{12}$/.test(dom.value.trim())) {
      Y.alert(Y.t('applicant.domicile_invalid'));
      dom.focus();
      return;
    }
    var materials = [];
    for (var i = 0; i < choosers.length; i++) {
      var v = choosers[i].value();
      if (!v) {
        Y.alert(Y.t('apply.need_file', { name: choosers[i].name }));
        return;
      }
      materials.push(v);
    }
    if (!consent.checked) {
      Y.alert(Y.t('apply.need_consent'));
      return;
    }
    var req = {
      item_code: it.code,
      applicant: { id_number: id.value.trim().toUpperCase(), name: name.value.trim(), phone: phone.value.trim(), domicile: dom.value.trim() },
      materials: materials,
    };
    submit.disabled = true;
    try {
      var r = await Y.api('POST', '/applications', req);
      form.hidden = true;
      Y.clear(out).appendChild(applicationSlip(r, it));
      main.classList.add('has-slip');
    } catch (e) {
      Y.showError(e);
    } finally {
      submit.disabled = false;
    }
  });
  main.appendChild(out);
  main.appendChild(form);
};

// The receipt of an online application, shown once, to print or write down.
function applicationSlip(r, it) {
  var node = Y.state.node || {};
  return Y.h('div', {}, [
    Y.h('div', { class: 'warning no-print', role: 'note', 'data-test': 'apply-once', text: Y.t('receipt.once') }),
    Y.h('section', { class: 'card printable slip', 'data-test': 'apply-slip' }, [
      Y.h('h2', { text: Y.t('apply.slip_title') }),
      Y.h('p', { class: 'muted', text: node.name || '' }),
      Y.h('dl', { class: 'facts' }, [
        Y.row(Y.t('case.no'), Y.h('strong', { class: 'big', 'data-test': 'apply-case-no', text: r.case_no })),
        Y.row(Y.t('receipt.query_code'), Y.h('strong', { class: 'big', 'data-test': 'apply-query-code', text: r.query_code })),
        Y.row(Y.t('case.item'), it.name),
        Y.row(Y.t('receipt.date'), node.today || ''),
        Y.row(Y.t('apply.identity'), Y.h('span', { 'data-test': 'apply-identity', 'data-identity': r.identity, text: Y.t('identity.' + r.identity) })),
      ]),
      Y.h('p', { class: 'receipt-note', text: r.identity === 'unverified' ? Y.t('apply.next_unverified') : Y.t('apply.next_shared') }),
    ]),
    Y.h('div', { class: 'actions no-print' }, [
      Y.h('button', { type: 'button', class: 'primary', 'data-test': 'apply-print', text: Y.t('print'), onclick: Y.printPage }),
      Y.h('a', { class: 'button', href: '#/track', text: Y.t('nav.track') }),
    ]),
  ]);
}
