// Yimen web hall: appointments (预约). Residents book a slot at this hall for
// an item and cancel it with the booking's code; window staff see the day's
// bookings.
'use strict';

// #/appointment?item=CODE — public booking page.
Y.views.appointment = async function (main, params) {
  main.appendChild(Y.h('h1', { text: Y.t('appt.title') }));
  main.appendChild(Y.h('p', { class: 'muted no-print', text: Y.t('appt.explain') }));
  var data = await Promise.all([Y.api('GET', '/catalogue'), Y.api('GET', '/appointments/slots')]);
  var items = data[0].items || [];
  var open = data[1];
  var slip = Y.h('div', { class: 'slip-wrap', 'data-test': 'appt-out', 'aria-live': 'polite' });
  main.appendChild(slip);
  if (!open.windows || !(open.days || []).length) {
    main.appendChild(Y.h('p', { class: 'card', 'data-test': 'appt-closed', text: Y.t('appt.closed') }));
    main.appendChild(appointmentLookup());
    return;
  }
  var item = Y.h('select', { 'data-test': 'appt-item', required: true }, [Y.h('option', { value: '', text: Y.t('ask.pick_item') })].concat(items.map(function (it) {
    return Y.h('option', { value: it.code, text: it.name });
  })));
  item.value = params.item || '';
  var chosen = { day: null, slot: null };
  var dayBox = Y.h('div', { class: 'choices', role: 'group', 'aria-label': Y.t('appt.day'), 'data-test': 'appt-days' });
  var slotBox = Y.h('div', { class: 'choices', role: 'group', 'aria-label': Y.t('appt.slot'), 'data-test': 'appt-slots' });
  function pickDay(d) {
    chosen.day = d;
    chosen.slot = null;
    Array.prototype.forEach.call(dayBox.children, function (b) { b.setAttribute('aria-pressed', b.dataset.day === d.day ? 'true' : 'false'); });
    Y.clear(slotBox);
    d.slots.forEach(function (s) {
      var full = s.free <= 0;
      slotBox.appendChild(Y.h('button', {
        type: 'button', class: 'choice', 'data-test': 'appt-slot', 'data-slot': s.slot, 'aria-pressed': 'false', disabled: full,
        text: s.slot + ' · ' + (full ? Y.t('appt.full') : Y.t('appt.free', { n: s.free })),
        onclick: function (ev) {
          chosen.slot = s.slot;
          Array.prototype.forEach.call(slotBox.children, function (b) { b.setAttribute('aria-pressed', b === ev.currentTarget ? 'true' : 'false'); });
        },
      }));
    });
  }
  open.days.forEach(function (d) {
    var free = d.slots.reduce(function (n, s) { return n + Math.max(0, s.free); }, 0);
    dayBox.appendChild(Y.h('button', {
      type: 'button', class: 'choice', 'data-test': 'appt-day', 'data-day': d.day, 'aria-pressed': 'false', disabled: free === 0,
      text: d.day + ' · ' + Y.t('appt.free', { n: free }),
      onclick: function () { pickDay(d); },
    }));
  });
  var name = Y.h('input', { 'data-test': 'appt-name', required: true, autocomplete: 'off', maxlength: '30' });
  var phone = Y.h('input', { type: 'tel', 'data-test': 'appt-phone', required: true, autocomplete: 'off', maxlength: '20' });
  var submit = Y.h('button', { type: 'submit', class: 'primary', 'data-test': 'appt-submit', text: Y.t('appt.submit') });
  var form = Y.h('form', { class: 'card form no-print', 'data-test': 'appt-form' }, [
    Y.h('h2', { text: Y.t('appt.book') }),
    Y.h('p', { class: 'hint', text: Y.t('appt.hours', { hours: open.hours, windows: open.windows }) }),
    Y.field(Y.t('ask.item'), item),
    Y.h('fieldset', { class: 'plain-set' }, [Y.h('legend', { text: Y.t('appt.day') }), dayBox]),
    Y.h('fieldset', { class: 'plain-set' }, [Y.h('legend', { text: Y.t('appt.slot') }), slotBox]),
    Y.h('div', { class: 'inline' }, [Y.field(Y.t('appt.name'), name), Y.field(Y.t('appt.phone'), phone)]),
    submit,
  ]);
  form.addEventListener('submit', async function (ev) {
    ev.preventDefault();
    Y.alert('');
    if (!item.value || !chosen.day || !chosen.slot || !name.value.trim() || !phone.value.trim()) {
      Y.alert(Y.t('appt.need_all'));
      return;
    }
    submit.disabled = true;
    try {
      var r = await Y.api('POST', '/appointments', { item_code: item.value, day: chosen.day.day, slot: chosen.slot, name: name.value.trim(), phone: phone.value.trim() });
      form.reset();
      form.classList.add('hidden');
      Y.clear(slip).appendChild(appointmentSlip(r));
      main.classList.add('has-slip');
      if (slip.scrollIntoView) slip.scrollIntoView({ block: 'start' });
    } catch (e) {
      Y.showError(e);
    } finally {
      submit.disabled = false;
    }
  });
  main.appendChild(form);
  main.appendChild(appointmentLookup());
};

// The booking's number and code, shown once, to print or write down.
function appointmentSlip(r) {
  return Y.h('div', {}, [
    Y.h('div', { class: 'warning no-print', role: 'note', text: Y.t('appt.once') }),
    Y.h('section', { class: 'card printable slip', 'data-test': 'appt-slip' }, [
      Y.h('h2', { text: Y.t('appt.slip_title') }),
      Y.h('p', { class: 'muted', text: r.node_name || '' }),
      Y.h('dl', { class: 'facts' }, [
        Y.row(Y.t('appt.no'), Y.h('strong', { class: 'big', 'data-test': 'appt-no', text: r.booking_no })),
        Y.row(Y.t('appt.code'), Y.h('strong', { class: 'big', 'data-test': 'appt-code', text: r.code })),
        Y.row(Y.t('ask.item'), r.item_name || r.item_code),
        Y.row(Y.t('appt.when'), Y.h('strong', { 'data-test': 'appt-when', text: r.day + ' ' + Y.weekdayOf(r.day) + ' ' + r.slot })),
      ]),
      Y.h('p', { class: 'receipt-note', text: Y.t('appt.slip_hint') }),
    ]),
    Y.h('div', { class: 'actions no-print' }, Y.h('button', { type: 'button', class: 'primary', text: Y.t('print'), onclick: Y.printPage })),
  ]);
}

// Look a booking up with its number and code, and cancel it.
function appointmentLookup() {
  var no = Y.h('input', { 'data-test': 'appt-lookup-no', required: true, autocomplete: 'off', spellcheck: 'false' });
  var code = Y.h('input', { 'data-test': 'appt-lookup-code', required: true, autocomplete: 'off', inputmode: 'numeric' });
  var out = Y.h('div', { 'data-test': 'appt-lookup-out', 'aria-live': 'polite' });
  var form = Y.h('form', { class: 'card form no-print', 'data-test': 'appt-lookup-form' }, [
    Y.h('h2', { text: Y.t('appt.lookup') }),
    Y.field(Y.t('appt.no'), no),
    Y.field(Y.t('appt.code'), code),
    Y.h('button', { type: 'submit', class: 'primary', 'data-test': 'appt-lookup-submit', text: Y.t('track.submit') }),
  ]);
  async function show() {
    Y.clear(out);
    var req = { booking_no: no.value.trim(), code: code.value.trim() };
    var b = await Y.api('POST', '/appointments/lookup', req);
    out.appendChild(Y.h('section', { class: 'card', 'data-test': 'appt-booking' }, [
      Y.h('dl', { class: 'facts' }, [
        Y.row(Y.t('appt.no'), b.booking_no),
        Y.row(Y.t('ask.item'), b.item_name || b.item_code),
        Y.row(Y.t('appt.when'), b.day + ' ' + b.slot),
        Y.row(Y.t('appt.phone'), b.phone),
        Y.row(Y.t('appt.status'), Y.h('span', { 'data-test': 'appt-status', text: b.cancelled ? Y.t('appt.cancelled') : Y.t('appt.live') })),
      ]),
      b.cancelled ? null : Y.h('button', {
        type: 'button', class: 'danger', 'data-test': 'appt-cancel', text: Y.t('appt.cancel'),
        onclick: async function () {
          if (!window.confirm(Y.t('appt.cancel_confirm'))) return;
          try {
            await Y.api('POST', '/appointments/' + encodeURIComponent(req.booking_no) + '/cancel', { code: req.code });
            Y.alert(Y.t('appt.cancelled_ok'), 'ok');
            await show();
          } catch (e) {
            Y.showError(e);
          }
        },
      }),
    ]));
  }
  form.addEventListener('submit', async function (ev) {
    ev.preventDefault();
    Y.alert('');
    try {
      await show();
    } catch (e) {
      Y.showError(e);
    }
  });
  return Y.h('div', { class: 'no-print' }, [form, out]);
}

// #/appointments?day=YYYY-MM-DD — the day's bookings at this hall (staff).
Y.views.appointments = async function (main, params) {
  var day = params.day || (Y.state.node && Y.state.node.today) || '';
  main.appendChild(Y.h('h1', { text: Y.t('appt.staff_title') }));
  var picker = Y.h('input', { type: 'date', 'data-test': 'appts-day', value: day });
  picker.addEventListener('change', function () { location.hash = '#/appointments?day=' + encodeURIComponent(picker.value); });
  main.appendChild(Y.h('div', { class: 'actions no-print' }, [Y.field(Y.t('appt.day'), picker), Y.h('a', { class: 'button', href: '#/appointment', text: Y.t('appt.book_for') })]));
  var r = await Y.api('GET', '/appointments' + (day ? '?day=' + encodeURIComponent(day) : ''));
  main.appendChild(Y.h('p', { 'data-test': 'appts-count', text: Y.t('appt.count', { day: r.day, n: r.booked }) }));
  if (!r.appointments.length) {
    main.appendChild(Y.h('p', { class: 'muted', text: Y.t('appt.none') }));
    return;
  }
  main.appendChild(Y.h('div', { class: 'table-wrap' }, Y.h('table', { class: 'table', 'data-test': 'appts-table' }, [
    Y.h('thead', {}, Y.h('tr', {}, ['appt.slot', 'appt.name', 'appt.phone', 'ask.item', 'appt.status', ''].map(function (k) {
      return Y.h('th', { text: k ? Y.t(k) : '' });
    }))),
    Y.h('tbody', {}, r.appointments.map(function (a) {
      return Y.h('tr', { 'data-test': 'appts-row', 'data-no': a.booking_no, class: a.cancelled ? 'muted' : null }, [
        Y.h('td', { text: a.slot }),
        Y.h('td', { text: a.name }),
        Y.h('td', { text: a.phone }),
        Y.h('td', { text: a.item_name || a.item_code }),
        Y.h('td', { text: a.cancelled ? Y.t('appt.cancelled') + (a.cancel_reason && a.cancel_reason !== 'resident' ? '：' + a.cancel_reason : '') : Y.t('appt.live') }),
        Y.h('td', {}, a.cancelled ? null : Y.h('button', {
          type: 'button', class: 'link', 'data-test': 'appts-cancel', text: Y.t('appt.cancel'),
          onclick: async function () {
            var reason = window.prompt(Y.t('appt.reason'));
            if (!reason || !reason.trim()) return;
            try {
              await Y.api('POST', '/appointments/' + encodeURIComponent(a.booking_no) + '/cancel', { reason: reason.trim() });
              Y.alert(Y.t('appt.cancelled_ok'), 'ok');
              Y.route();
            } catch (e) {
              Y.showError(e);
            }
          },
        })),
      ]);
    })),
  ])));
};
