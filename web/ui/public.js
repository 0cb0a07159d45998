// Yimen web hall: the public pages — the catalogue, the service guide with
// its flowchart, case tracking with the rating of a finished case (好差评),
// complaints with their tracking, consultations (咨询) with their answers,
// and public notices (村务公开).
'use strict';

Y.views = Y.views || {};

// ---- catalogue ---------------------------------------------------------

function catalogueQuery(params) {
  var parts = [];
  ['q', 'theme', 'target'].forEach(function (k) {
    if (params[k]) parts.push(k + '=' + encodeURIComponent(params[k]));
  });
  return parts.length ? '?' + parts.join('&') : '';
}

// The search form and the list of items; `onPick(item)` (optional) turns
// each entry into a choice button instead of a link (the intake wizard).
Y.catalogueBrowser = function (params, onPick, onSearch) {
  var wrap = Y.h('div', { class: 'catalogue' });
  var q = Y.h('input', { type: 'search', name: 'q', 'data-test': 'catalogue-q', value: params.q || '', placeholder: Y.t('catalogue.q_placeholder') });
  var theme = Y.h('select', { name: 'theme', 'data-test': 'catalogue-theme' }, [Y.h('option', { value: '', text: Y.t('catalogue.all_themes') })]);
  var target = Y.h('select', { name: 'target', 'data-test': 'catalogue-target' }, [
    Y.h('option', { value: '', text: Y.t('catalogue.all_targets') }),
    Y.h('option', { value: 'natural_person', text: Y.label('target', 'natural_person') }),
    Y.h('option', { value: 'legal_person', text: Y.label('target', 'legal_person') }),
  ]);
  target.value = params.target || '';
  var form = Y.h('form', { class: 'search', role: 'search', 'data-test': 'catalogue-form' }, [
    Y.field(Y.t('catalogue.q'), q),
    Y.field(Y.t('catalogue.theme'), theme),
    Y.field(Y.t('catalogue.target'), target),
    Y.h('button', { type: 'submit', class: 'primary', 'data-test': 'catalogue-search', text: Y.t('search') }),
  ]);
  var list = Y.h('div', { class: 'item-list', 'data-test': 'item-list', 'aria-live': 'polite' });
  wrap.appendChild(form);
  wrap.appendChild(list);

  async function load(p) {
    Y.clear(list).appendChild(Y.h('p', { class: 'muted', text: Y.t('loading') }));
    var data;
    try {
      data = await Y.api('GET', '/catalogue' + catalogueQuery(p));
    } catch (e) {
      Y.clear(list);
      Y.showError(e);
      return;
    }
    if (theme.options.length === 1) {
      (data.themes || []).forEach(function (th) {
        theme.appendChild(Y.h('option', { value: th.name, text: Y.label('theme', th.name, th.label) }));
      });
    }
    theme.value = p.theme || '';
    Y.clear(list);
    var items = data.items || [];
    list.appendChild(Y.h('p', { class: 'muted', 'data-test': 'item-count', text: Y.t('catalogue.count', { n: items.length }) }));
    items.forEach(function (it) {
      list.appendChild(itemCard(it, onPick));
    });
  }

  form.addEventListener('submit', function (ev) {
    ev.preventDefault();
    var p = { q: q.value.trim(), theme: theme.value, target: target.value };
    if (onSearch) onSearch(p);
    load(p);
  });
  load(params);
  return wrap;
};

function itemFlags(it) {
  var flags = [];
  if (it.online_capable) flags.push(Y.h('span', { class: 'flag', text: Y.t('item.online_capable') }));
  if (it.same_city_handling) flags.push(Y.h('span', { class: 'flag', text: Y.t('item.same_city') }));
  if (it.on_the_spot) flags.push(Y.h('span', { class: 'flag', text: Y.t('item.on_the_spot') }));
  if (it.visits_required !== undefined) flags.push(Y.h('span', { class: 'flag', text: Y.t('item.visits', { n: it.visits_required }) }));
  return flags;
}

function itemCard(it, onPick) {
  var title = onPick
    ? Y.h('h3', { text: it.name })
    : Y.h('h3', {}, Y.h('a', { href: '#/item/' + encodeURIComponent(it.code), 'data-test': 'item-link', 'data-code': it.code, text: it.name }));
  return Y.h('article', { class: 'card item', 'data-test': 'item', 'data-code': it.code }, [
    title,
    Y.h('p', { class: 'meta' }, [
      Y.h('span', { class: 'code', text: it.code }), ' · ',
      Y.label('type', it.type, it.type_label), ' · ',
      Y.label('theme', it.theme, it.theme_label), ' · ',
      Y.label('target', it.target, it.target_label),
    ]),
    Y.h('p', { class: 'meta' }, [it.provider, ' · ', Y.t('item.committed_limit'), ': ', Y.limitText(it.committed_limit)]),
    Y.h('p', { class: 'flags' }, itemFlags(it)),
    onPick ? Y.h('button', { type: 'button', class: 'primary', 'data-test': 'intake-choose', 'data-code': it.code, text: Y.t('intake.choose'), onclick: function () { onPick(it); } }) : null,
  ]);
}

Y.views.catalogue = function (main, params) {
  main.appendChild(Y.h('h1', { text: Y.t('catalogue.title') }));
  main.appendChild(Y.catalogueBrowser(params, null, function (p) {
    var hash = '#/catalogue' + catalogueQuery(p);
    if (location.hash !== hash) history.replaceState(null, '', hash);
  }));
};

// ---- flowchart ---------------------------------------------------------

// Splits text into lines of at most `width` units (a CJK character is one
// unit, other characters about half), for SVG text that cannot wrap itself.
function wrapText(text, width) {
  var lines = [];
  var line = '';
  var used = 0;
  for (var i = 0; i < text.length; i++) {
    var ch = text.charAt(i);
    var w = ch.charCodeAt(0) > 0x2e80 ? 1 : 0.55;
    if (used + w > width && line) {
      lines.push(line);
      line = '';
      used = 0;
    }
    line += ch;
    used += w;
  }
  if (line) lines.push(line);
  return lines;
}

// The process as an SVG flowchart: one box per step (number, name,
// department, time limit) joined by arrows, top to bottom so it fits a
// phone's width.
Y.flowchart = function (steps) {
  var W = 340, boxW = 300, x = 20, gap = 34, pad = 10, lineH = 18;
  var parts = [];
  var y = 10;
  var defs = Y.svg('defs', {}, Y.svg('marker', { id: 'arrowhead', viewBox: '0 0 10 10', refX: '9', refY: '5', markerWidth: '8', markerHeight: '8', orient: 'auto-start-reverse' },
    Y.svg('path', { d: 'M 0 0 L 10 5 L 0 10 z', class: 'flow-arrowhead' })));
  parts.push(defs);
  steps.forEach(function (st, i) {
    var nameLines = wrapText((i + 1) + '. ' + st.name, 17);
    var deptLines = wrapText(st.department || '', 20);
    var limitLine = Y.t('flow.limit', { limit: Y.limitText(st.limit) });
    var n = nameLines.length + deptLines.length + 1;
    var h = pad * 2 + n * lineH;
    var g = Y.svg('g', { class: 'flow-step', 'data-test': 'flow-step' });
    g.appendChild(Y.svg('rect', { x: x, y: y, width: boxW, height: h, rx: 8, ry: 8, class: 'flow-box' }));
    var ty = y + pad + 14;
    nameLines.forEach(function (l) {
      g.appendChild(Y.svg('text', { x: x + 12, y: ty, class: 'flow-name', text: l }));
      ty += lineH;
    });
    deptLines.forEach(function (l) {
      g.appendChild(Y.svg('text', { x: x + 12, y: ty, class: 'flow-dept', text: l }));
      ty += lineH;
    });
    g.appendChild(Y.svg('text', { x: x + 12, y: ty, class: 'flow-limit', text: limitLine }));
    parts.push(g);
    y += h;
    if (i < steps.length - 1) {
      parts.push(Y.svg('line', { x1: x + boxW / 2, y1: y + 2, x2: x + boxW / 2, y2: y + gap - 4, class: 'flow-arrow', 'marker-end': 'url(#arrowhead)' }));
      y += gap;
    }
  });
  var total = y + 10;
  var svg = Y.svg('svg', { class: 'flowchart', 'data-test': 'flowchart', viewBox: '0 0 ' + W + ' ' + total, width: W, height: total, role: 'img', 'aria-label': Y.t('guide.flowchart') });
  parts.forEach(function (p) {
    svg.appendChild(p);
  });
  return svg;
};

// ---- guide ---------------------------------------------------------------

Y.views.item = async function (main, params) {
  var code = params.code;
  var it = await Y.api('GET', '/catalogue/' + encodeURIComponent(code));
  var unv = it.unverified || [];
  function mark(field) {
    return { field: field, unverified: unv.indexOf(field) >= 0 };
  }
  function bool(v) {
    return v ? Y.t('yes') : Y.t('no');
  }
  main.appendChild(Y.h('p', { class: 'no-print' }, Y.h('a', { href: '#/catalogue', text: '← ' + Y.t('catalogue.back') })));
  var head = Y.h('div', { class: 'guide-head' }, [
    Y.h('h1', { 'data-test': 'guide-name' }, [it.name, unv.indexOf('name') >= 0 ? Y.h('span', { class: 'unverified', text: Y.t('unverified') }) : null]),
    Y.h('p', { class: 'meta' }, [Y.h('span', { class: 'code', text: it.code }), ' · ', Y.t('guide.version', { n: it.version })]),
    Y.h('p', { class: 'flags' }, itemFlags(it)),
    Y.h('div', { class: 'actions no-print' }, [
      Y.h('button', { type: 'button', 'data-test': 'guide-print', onclick: Y.printPage, text: Y.t('print') }),
      it.online_capable ? Y.h('a', { class: 'button primary', href: '#/apply?item=' + encodeURIComponent(it.code), 'data-test': 'guide-apply', text: Y.t('guide.apply_online') }) : null,
      Y.h('a', { class: 'button', href: '#/ask?item=' + encodeURIComponent(it.code), 'data-test': 'guide-ask', text: Y.t('guide.ask') }),
      Y.h('a', { class: 'button', href: '#/appointment?item=' + encodeURIComponent(it.code), 'data-test': 'guide-appointment', text: Y.t('guide.appointment') }),
      Y.hasRole(['clerk', 'admin']) ? Y.h('a', { class: 'button primary', href: '#/intake?item=' + encodeURIComponent(it.code), 'data-test': 'guide-intake', text: Y.t('intake.take_this') }) : null,
      Y.hasRole(['admin']) && Y.state.node && it.code.slice(-12) === Y.state.node.id ? Y.h('a', { class: 'button', href: '#/edit/' + encodeURIComponent(it.code), 'data-test': 'guide-edit', text: Y.t('edit.title') }) : null,
    ]),
  ]);
  main.appendChild(head);
  if (unv.length) {
    main.appendChild(Y.h('p', { class: 'note', 'data-test': 'unverified-note' }, [Y.h('span', { class: 'unverified', text: Y.t('unverified') }), ' ', Y.t('unverified.explain')]));
  }

  var basic = Y.h('dl', { class: 'facts' }, [
    Y.row(Y.t('guide.type'), Y.label('type', it.type, it.type_label), mark('type')),
    Y.row(Y.t('guide.theme'), Y.label('theme', it.theme, it.theme_label), mark('theme')),
    Y.row(Y.t('guide.target'), Y.label('target', it.target, it.target_label), mark('target')),
    Y.row(Y.t('guide.provider'), it.provider, mark('provider')),
    Y.row(Y.t('guide.handling_level'), Y.label('level', it.handling_level), mark('handling_level')),
    Y.row(Y.t('guide.territorial_rule'), Y.label('territorial', it.territorial_rule, it.territorial_rule_label), mark('territorial_rule')),
    Y.row(Y.t('guide.same_city'), bool(it.same_city_handling), mark('same_city_handling')),
    Y.row(Y.t('guide.online_capable'), bool(it.online_capable), mark('online_capable')),
    Y.row(Y.t('guide.visits'), String(it.visits_required), mark('visits_required')),
    Y.row(Y.t('guide.on_the_spot'), bool(it.on_the_spot), mark('on_the_spot')),
    Y.row(Y.t('guide.accepting_unit'), it.accepting_unit, mark('accepting_unit')),
    Y.row(Y.t('guide.keywords'), (it.keywords || []).join('、'), mark('keywords')),
  ]);
  main.appendChild(section('guide.basic', basic));

  var basis = Y.h('ul', { class: 'plain' }, (it.legal_basis || []).map(function (b) {
    return Y.h('li', { text: b.document + (b.article ? ' ' + b.article : '') });
  }));
  main.appendChild(section('guide.legal_basis', basis, mark('legal_basis')));

  var steps = it.steps || [];
  var stepTable = Y.h('table', { class: 'table' }, [
    Y.h('thead', {}, Y.h('tr', {}, [Y.h('th', { text: '#' }), Y.h('th', { text: Y.t('guide.step') }), Y.h('th', { text: Y.t('guide.department') }), Y.h('th', { text: Y.t('guide.limit') })])),
    Y.h('tbody', {}, steps.map(function (st, i) {
      return Y.h('tr', {}, [Y.h('td', { text: String(i + 1) }), Y.h('td', { text: st.name }), Y.h('td', { text: st.department }), Y.h('td', { text: Y.limitText(st.limit) })]);
    })),
  ]);
  main.appendChild(section('guide.steps', Y.h('div', { class: 'flow-layout' }, [Y.h('div', { class: 'flow-wrap' }, Y.flowchart(steps)), stepTable]), mark('steps')));
  if ((it.parallel_departments || []).length) {
    main.appendChild(section('parallel.title', Y.h('div', { 'data-test': 'guide-parallel' }, [
      Y.h('p', { class: 'hint', text: Y.t('parallel.explain') }),
      Y.h('ul', { class: 'plain' }, it.parallel_departments.map(function (d) {
        return Y.h('li', { text: d.department + ' · ' + Y.limitText(d.limit) });
      })),
    ]), mark('parallel_departments')));
  }

  var mats;
  if (it.no_materials) {
    mats = Y.h('p', { text: Y.t('guide.no_materials') });
  } else {
    mats = Y.h('ol', { class: 'materials', 'data-test': 'materials' }, (it.materials || []).map(function (m) {
      return Y.h('li', { class: 'material' }, [
        Y.h('strong', { text: m.name }),
        Y.h('p', { class: 'meta' }, [
          Y.label('form', m.form, m.form_label), ' · ', Y.t('guide.copies', { n: m.copies }), ' · ', Y.label('kind', m.kind, m.kind_label),
        ]),
        m.sharing_source ? Y.h('p', {}, [Y.t('guide.sharing_source'), ': ', m.sharing_source]) : null,
        m.notes ? Y.h('p', {}, [Y.t('guide.notes'), ': ', m.notes]) : null,
        m.sample_text ? Y.h('div', { class: 'sample-box' }, [Y.h('p', { class: 'sample-title', text: Y.t('guide.sample') }), Y.h('p', { class: 'sample', text: m.sample_text })]) : null,
        m.common_mistakes && m.common_mistakes.length ? Y.h('div', { class: 'mistakes', 'data-test': 'mistakes' }, [
          Y.h('p', { class: 'mistakes-title', text: Y.t('guide.common_mistakes') }),
          Y.h('ul', {}, m.common_mistakes.map(function (c) { return Y.h('li', { text: c }); })),
        ]) : null,
      ]);
    }));
  }
  main.appendChild(section('guide.materials', mats, mark('materials')));

  if (it.forms && it.forms.length) {
    main.appendChild(section('guide.forms', Y.h('ul', { class: 'plain' }, it.forms.map(function (f) {
      return Y.h('li', {}, [f.name, ' ', Y.h('span', { class: 'code', text: (f.content_hash || '').slice(0, 12) })]);
    })), mark('forms')));
  }

  var fee = it.fee || {};
  var feeText = fee.free ? Y.t('guide.free') : Y.t('guide.fee_amount', { yuan: ((fee.amount_fen || 0) / 100).toFixed(2) });
  if (fee.basis) feeText += ' (' + fee.basis + ')';
  var cons = it.consultation || {};
  var more = Y.h('dl', { class: 'facts' }, [
    Y.row(Y.t('guide.fee'), feeText, mark('fee')),
    Y.row(Y.t('guide.legal_limit'), it.legal_limit ? Y.limitText(it.legal_limit) : Y.t('guide.no_legal_limit'), mark('legal_limit')),
    Y.row(Y.t('guide.committed_limit'), Y.limitText(it.committed_limit), mark('committed_limit')),
    Y.row(Y.t('guide.public_notice'), it.public_notice ? Y.limitText(it.public_notice) : Y.t('none'), mark('public_notice')),
    Y.row(Y.t('guide.accountability'), it.accountability, mark('accountability')),
    Y.row(Y.t('guide.consultation'), [cons.phone || '', cons.channels ? ' · ' + cons.channels : ''].join(''), mark('consultation')),
    Y.row(Y.t('guide.office_hours'), it.office_hours, mark('office_hours')),
    Y.row(Y.t('guide.office_address'), it.office_address, mark('office_address')),
    Y.row(Y.t('guide.transport'), it.transport, mark('transport')),
    Y.row(Y.t('guide.status_query'), it.status_query, mark('status_query')),
  ]);
  main.appendChild(section('guide.more', more));
  main.classList.add('printable-guide');
};

function section(titleKey, content, markInfo) {
  var h = Y.h('h2', { text: Y.t(titleKey) });
  if (markInfo && markInfo.unverified) h.appendChild(Y.h('span', { class: 'unverified', 'data-test': 'unverified', text: Y.t('unverified') }));
  return Y.h('section', { class: 'section', 'data-field': markInfo ? markInfo.field : null }, [h, content]);
}
Y.section = section;

// ---- tracking ------------------------------------------------------------

// States in which a case is finished and may be rated.
var FINISHED_STATES = ['refused', 'result_issued', 'closed', 'revoked'];
var PRAISE_TAGS = ['quick', 'polite', 'clear_guidance', 'one_visit'];
var CRITICISM_TAGS = ['slow', 'impolite', 'unclear_guidance', 'many_visits', 'extra_materials'];

Y.views.track = function (main) {
  main.appendChild(Y.h('h1', { text: Y.t('track.title') }));
  main.appendChild(Y.h('p', { class: 'muted', text: Y.t('track.explain') }));
  var no = Y.h('input', { name: 'case_no', 'data-test': 'track-case-no', required: true, autocomplete: 'off', spellcheck: 'false' });
  var code = Y.h('input', { name: 'code', 'data-test': 'track-code', required: true, autocomplete: 'off', inputmode: 'numeric' });
  var out = Y.h('div', { 'data-test': 'track-out', 'aria-live': 'polite' });
  var form = Y.h('form', { class: 'card form', method: 'post', 'data-test': 'track-form' }, [
    Y.field(Y.t('track.case_no'), no),
    Y.field(Y.t('track.code'), code),
    Y.h('button', { type: 'submit', class: 'primary', 'data-test': 'track-submit', text: Y.t('track.submit') }),
  ]);
  form.addEventListener('submit', async function (ev) {
    ev.preventDefault();
    Y.alert('');
    Y.clear(out);
    try {
      // The number and code stay in this closure (memory only) for the
      // rating; they never reach the URL or storage.
      var caseNo = no.value.trim();
      var caseCode = code.value.trim();
      var r = await Y.api('POST', '/track', { case_no: caseNo, code: caseCode });
      out.appendChild(trackResult(r));
      if (FINISHED_STATES.indexOf(r.state) >= 0) out.appendChild(ratingForm(caseNo, caseCode));
    } catch (e) {
      Y.showError(e);
    }
  });
  main.appendChild(form);
  main.appendChild(out);
};

// What a materials request (补正) found: one line per material, on the
// resident's tracking page and the staff's case page.
Y.findingsList = function (findings) {
  return Y.h('ol', { class: 'findings-list', 'data-test': 'findings-list' }, (findings || []).map(function (f) {
    return Y.h('li', { 'data-test': 'finding', 'data-material': String(f.material), 'data-problem': f.problem }, [
      Y.h('strong', { text: f.material_name || Y.t('requests.material_n', { n: f.material + 1 }) }), ' — ',
      Y.label('problem', f.problem, f.problem_label),
      f.problem === 'wrong_copies' ? ' (' + Y.t('findings.copies_received') + ' ' + f.copies_received + ')' : '',
      f.note ? ': ' + f.note : '',
    ]);
  }));
};

function trackResult(r) {
  var hd = r.handler || {};
  return Y.h('section', { class: 'card', 'data-test': 'track-result', 'data-state': r.state }, [
    Y.h('h2', {}, [r.item_name, ' ', Y.stateBadge(r.state, r.state_label)]),
    Y.h('dl', { class: 'facts' }, [
      Y.row(Y.t('case.no'), r.case_no),
      Y.row(Y.t('track.step'), Y.h('span', { 'data-test': 'track-step', 'data-step': r.step, text: Y.label('step', r.step) })),
      Y.row(Y.t('track.handler'), [hd.name, hd.office, hd.phone].filter(Boolean).join(' · ')),
      Y.row(Y.t('case.submitted_on'), r.submitted_on),
      Y.row(Y.t('case.deadline'), r.due ? Y.t('due', { date: r.due }) : Y.t('track.no_due')),
      r.decision ? Y.row(Y.t('case.decision'), r.decision) : null,
      r.result ? Y.row(Y.t('case.result'), r.result) : null,
    ]),
    r.materials_requested ? Y.h('div', { class: 'warning', 'data-test': 'track-requested' }, [
      Y.h('h3', { text: Y.t('track.requested') }),
      Y.findingsList(r.materials_requested.findings),
      Y.h('p', { 'data-test': 'track-supply-by', text: r.materials_requested.supply_by
        ? Y.t('track.supply_by', { date: r.materials_requested.supply_by, office: r.materials_requested.office })
        : Y.t('track.supply_to', { office: r.materials_requested.office }) }),
    ]) : null,
    Y.h('h3', { text: Y.t('case.history') }),
    Y.h('ol', { class: 'timeline' }, (r.history || []).map(function (ev) {
      return Y.h('li', {}, [Y.h('span', { class: 'when', text: ev.on }), ' ', Y.label('action', ev.action), ev.actor_office ? ' · ' + ev.actor_office : '']);
    })),
    FINISHED_STATES.indexOf(r.state) < 0 ? Y.h('p', { class: 'muted', text: Y.t('track.rating_later') }) : null,
  ]);
}

// ---- rating (好差评) ----------------------------------------------------------

// The rating form under a finished case: 1–5 stars as buttons, praise and
// criticism tags, a comment. `caseNo` and `code` are what the resident typed
// on the tracking form, held in memory only.
function ratingForm(caseNo, code) {
  var score = 0;
  var wrap = Y.h('section', { class: 'card rating no-print', 'data-test': 'rating' });
  var stars = [];
  var scoreText = Y.h('span', { class: 'star-text', 'data-test': 'rating-score-text', 'aria-live': 'polite', text: Y.t('rating.pick') });
  function paint() {
    stars.forEach(function (b, i) {
      var on = i < score;
      b.classList.toggle('on', on);
      b.setAttribute('aria-pressed', i + 1 === score ? 'true' : 'false');
    });
    scoreText.textContent = score ? Y.t('rating.score_' + score) : Y.t('rating.pick');
  }
  for (var i = 1; i <= 5; i++) {
    (function (n) {
      stars.push(Y.h('button', {
        type: 'button', class: 'star', 'data-test': 'rating-star-' + n, 'data-score': String(n), 'aria-pressed': 'false',
        'aria-label': Y.t('rating.stars', { n: n }), text: '★',
        onclick: function () { score = n; paint(); Y.clear(msg); },
      }));
    })(i);
  }
  function tagGroup(legendKey, tags) {
    return Y.h('fieldset', { class: 'tags' }, [
      Y.h('legend', { text: Y.t(legendKey) }),
      tags.map(function (t) {
        return Y.h('label', { class: 'check tag' }, [Y.h('input', { type: 'checkbox', value: t, 'data-test': 'rating-tag-' + t }), ' ', Y.label('tag', t)]);
      }),
    ]);
  }
  var comment = Y.h('textarea', { rows: '3', maxlength: '600', 'data-test': 'rating-comment', placeholder: Y.t('rating.comment_placeholder') });
  var msg = Y.h('div', { 'data-test': 'rating-out', 'aria-live': 'polite' });
  var submit = Y.h('button', { type: 'submit', class: 'primary', 'data-test': 'rating-submit', text: Y.t('rating.submit') });
  var form = Y.h('form', { class: 'form', 'data-test': 'rating-form' }, [
    Y.h('fieldset', { class: 'stars-set' }, [
      Y.h('legend', { text: Y.t('rating.score') }),
      Y.h('div', { class: 'stars' }, stars),
      scoreText,
    ]),
    tagGroup('rating.praise', PRAISE_TAGS),
    tagGroup('rating.criticism', CRITICISM_TAGS),
    Y.field(Y.t('rating.comment'), comment),
    submit,
  ]);
  form.addEventListener('submit', async function (ev) {
    ev.preventDefault();
    Y.alert('');
    Y.clear(msg);
    if (!score) {
      msg.appendChild(Y.h('p', { class: 'inline-error', 'data-test': 'rating-need-score', text: Y.t('rating.need_score') }));
      if (stars[0].focus) stars[0].focus();
      return;
    }
    var tags = Array.prototype.slice.call(form.querySelectorAll('input[type="checkbox"]:checked')).map(function (c) { return c.value; });
    submit.disabled = true;
    try {
      await Y.api('POST', '/ratings', { case_no: caseNo, code: code, score: score, tags: tags, comment: comment.value.trim() });
      Y.clear(wrap).appendChild(Y.h('div', { class: 'done', 'data-test': 'rating-done', 'data-score': String(score) }, [
        Y.h('h2', { text: Y.t('rating.thanks') }),
        Y.h('p', { text: Y.t('rating.you_gave', { label: Y.t('rating.score_' + score) }) }),
        score <= 2 ? Y.h('p', { class: 'muted', text: Y.t('rating.follow_up') }) : null,
      ]));
    } catch (e) {
      submit.disabled = false;
      if (e.status === 409) {
        // Rated before (each case once): said plainly, in place of the form.
        Y.clear(wrap).appendChild(Y.h('div', { class: 'warning', role: 'status', 'data-test': 'rating-already', text: Y.t('rating.already') }));
      } else {
        Y.showError(e);
      }
    }
  });
  wrap.appendChild(Y.h('h2', { text: Y.t('rating.title') }));
  wrap.appendChild(Y.h('p', { class: 'muted', text: Y.t('rating.explain') }));
  wrap.appendChild(form);
  wrap.appendChild(msg);
  return wrap;
}

// ---- complaints (投诉 / 举报 / 建议) -------------------------------------------

var COMPLAINT_KINDS = ['complaint', 'report', 'suggestion'];

Y.views.complaint = function (main) {
  main.appendChild(Y.h('h1', { text: Y.t('complaint.title') }));
  main.appendChild(Y.h('p', { class: 'muted no-print', text: Y.t('complaint.explain') }));
  var kind = Y.h('select', { 'data-test': 'complaint-kind' }, COMPLAINT_KINDS.map(function (k) {
    return Y.h('option', { value: k, text: Y.label('complaint_kind', k) });
  }));
  var subject = Y.h('input', { 'data-test': 'complaint-subject', required: true, maxlength: '60' });
  var body = Y.h('textarea', { rows: '6', 'data-test': 'complaint-body', required: true, maxlength: '600' });
  var caseNo = Y.h('input', { 'data-test': 'complaint-case-no', autocomplete: 'off', spellcheck: 'false' });
  var name = Y.h('input', { 'data-test': 'complaint-name', autocomplete: 'off' });
  var phone = Y.h('input', { type: 'tel', 'data-test': 'complaint-phone', autocomplete: 'off' });
  var slip = Y.h('div', { class: 'slip-wrap', 'data-test': 'complaint-out', 'aria-live': 'polite' });
  var submit = Y.h('button', { type: 'submit', class: 'primary', 'data-test': 'complaint-submit', text: Y.t('complaint.submit') });
  var form = Y.h('form', { class: 'card form no-print', 'data-test': 'complaint-form' }, [
    Y.h('h2', { text: Y.t('complaint.file') }),
    Y.field(Y.t('complaint.kind'), kind),
    Y.field(Y.t('complaint.subject'), subject),
    Y.field(Y.t('complaint.body'), body),
    Y.field(Y.t('complaint.case_no'), caseNo, Y.h('span', { class: 'hint', text: Y.t('optional') })),
    Y.h('fieldset', { class: 'plain-set' }, [
      Y.h('legend', { text: Y.t('complaint.contact') }),
      Y.h('p', { class: 'hint', 'data-test': 'complaint-anonymous-hint', text: Y.t('complaint.anonymous_hint') }),
      Y.h('div', { class: 'inline' }, [Y.field(Y.t('complaint.name'), name), Y.field(Y.t('complaint.phone'), phone)]),
    ]),
    submit,
  ]);
  form.addEventListener('submit', async function (ev) {
    ev.preventDefault();
    Y.alert('');
    var req = { kind: kind.value, subject: subject.value.trim(), body: body.value.trim() };
    if (!req.subject || !req.body) {
      Y.alert(Y.t('complaint.need_text'));
      return;
    }
    if (caseNo.value.trim()) req.case_no = caseNo.value.trim();
    if (name.value.trim()) req.contact_name = name.value.trim();
    if (phone.value.trim()) req.contact_phone = phone.value.trim();
    submit.disabled = true;
    try {
      var r = await Y.api('POST', '/complaints', req);
      form.reset();
      Y.clear(slip).appendChild(complaintSlip(r, req));
      main.classList.add('has-slip');
      if (slip.scrollIntoView) slip.scrollIntoView({ block: 'start' });
    } catch (e) {
      Y.showError(e);
    } finally {
      submit.disabled = false;
    }
  });
  main.appendChild(slip);
  main.appendChild(form);
  main.appendChild(complaintTracker());
};

// The complaint's number and code, shown once, to print or write down.
function complaintSlip(r, req) {
  var node = Y.state.node || {};
  return Y.h('div', {}, [
    Y.h('div', { class: 'warning no-print', role: 'note', text: Y.t('complaint.once') }),
    Y.h('section', { class: 'card printable slip', 'data-test': 'complaint-slip' }, [
      Y.h('h2', { text: Y.t('complaint.slip_title', { kind: Y.label('complaint_kind', req.kind) }) }),
      Y.h('p', { class: 'muted', text: node.name || '' }),
      Y.h('dl', { class: 'facts' }, [
        Y.row(Y.t('complaint.no'), Y.h('strong', { class: 'big', 'data-test': 'complaint-no', text: r.complaint_no })),
        Y.row(Y.t('complaint.code'), Y.h('strong', { class: 'big', 'data-test': 'complaint-code', text: r.code })),
        Y.row(Y.t('complaint.kind'), Y.label('complaint_kind', req.kind)),
        Y.row(Y.t('complaint.subject'), req.subject),
        Y.row(Y.t('complaint.filed_on'), node.today || ''),
        Y.row(Y.t('complaint.handler'), Y.h('span', { class: 'code', text: r.handler })),
        Y.row(Y.t('complaint.contact'), req.contact_name || req.contact_phone ? [req.contact_name, req.contact_phone].filter(Boolean).join(' · ') : Y.t('complaint.anonymous')),
      ]),
      Y.h('p', { class: 'receipt-note', text: Y.t('complaint.slip_hint') }),
    ]),
    Y.h('div', { class: 'actions no-print' }, Y.h('button', { type: 'button', class: 'primary', 'data-test': 'complaint-print', text: Y.t('print'), onclick: Y.printPage })),
  ]);
}

function complaintTracker() {
  var no = Y.h('input', { 'data-test': 'ctrack-no', required: true, autocomplete: 'off', spellcheck: 'false' });
  var code = Y.h('input', { 'data-test': 'ctrack-code', required: true, autocomplete: 'off', inputmode: 'numeric' });
  var out = Y.h('div', { 'data-test': 'ctrack-out', 'aria-live': 'polite' });
  var form = Y.h('form', { class: 'card form no-print', 'data-test': 'ctrack-form' }, [
    Y.h('h2', { text: Y.t('complaint.track') }),
    Y.h('p', { class: 'hint', text: Y.t('complaint.track_explain') }),
    Y.field(Y.t('complaint.no'), no),
    Y.field(Y.t('complaint.code'), code),
    Y.h('button', { type: 'submit', class: 'primary', 'data-test': 'ctrack-submit', text: Y.t('track.submit') }),
  ]);
  form.addEventListener('submit', async function (ev) {
    ev.preventDefault();
    Y.alert('');
    Y.clear(out);
    try {
      var c = await Y.api('POST', '/complaints/track', { complaint_no: no.value.trim(), code: code.value.trim() });
      out.appendChild(complaintStatus(c));
    } catch (e) {
      Y.showError(e);
    }
  });
  return Y.h('div', { class: 'no-print' }, [form, out]);
}

function complaintStatus(c) {
  var answered = !!c.answer;
  return Y.h('section', { class: 'card', 'data-test': 'ctrack-result', 'data-answered': answered ? 'true' : 'false' }, [
    Y.h('h2', {}, [c.subject, ' ', Y.h('span', { class: 'state ' + (answered ? 'state-result_issued' : ''), 'data-test': 'complaint-status', text: answered ? Y.t('complaint.answered') : Y.t('complaint.pending') })]),
    Y.h('dl', { class: 'facts' }, [
      Y.row(Y.t('complaint.no'), c.complaint_no),
      Y.row(Y.t('complaint.kind'), Y.label('complaint_kind', c.kind)),
      Y.row(Y.t('complaint.filed_on'), c.filed_on),
      Y.row(Y.t('complaint.due'), answered ? c.due : Y.cardBadge(c.card, c.due)),
      c.case_no ? Y.row(Y.t('case.no'), c.case_no) : null,
      Y.row(Y.t('complaint.body'), Y.h('span', { class: 'pre', text: c.body })),
      answered ? Y.row(Y.t('complaint.answer'), Y.h('span', { class: 'pre', 'data-test': 'complaint-answer', text: c.answer })) : null,
      answered ? Y.row(Y.t('complaint.upheld'), c.upheld ? Y.t('yes') : Y.t('no')) : null,
      answered ? Y.row(Y.t('complaint.answered_on'), c.answered_on) : null,
    ]),
  ]);
}

// ---- consultations (咨询) -----------------------------------------------------

// Anyone asks about an item (`params.item` preselects it, from the guide's
// 咨询 button); the number and code are shown once; the answer is read with
// them below. The code stays in memory only: never in the URL or storage.
Y.views.ask = async function (main, params) {
  main.appendChild(Y.h('h1', { text: Y.t('ask.title') }));
  main.appendChild(Y.h('p', { class: 'muted no-print', text: Y.t('ask.explain') }));
  var data = await Y.api('GET', '/catalogue');
  var items = data.items || [];
  var item = Y.h('select', { 'data-test': 'ask-item', required: true }, [Y.h('option', { value: '', text: Y.t('ask.pick_item') })].concat(items.map(function (it) {
    return Y.h('option', { value: it.code, text: it.name + ' (' + it.code + ')' });
  })));
  item.value = params.item || '';
  var question = Y.h('textarea', { rows: '6', 'data-test': 'ask-question', required: true, maxlength: '600' });
  var name = Y.h('input', { 'data-test': 'ask-name', autocomplete: 'off', maxlength: '30' });
  var phone = Y.h('input', { type: 'tel', 'data-test': 'ask-phone', autocomplete: 'off', maxlength: '20' });
  var slip = Y.h('div', { class: 'slip-wrap', 'data-test': 'ask-out', 'aria-live': 'polite' });
  var submit = Y.h('button', { type: 'submit', class: 'primary', 'data-test': 'ask-submit', text: Y.t('ask.submit') });
  var form = Y.h('form', { class: 'card form no-print', 'data-test': 'ask-form' }, [
    Y.h('h2', { text: Y.t('ask.form') }),
    Y.field(Y.t('ask.item'), item),
    Y.field(Y.t('ask.question'), question),
    Y.h('fieldset', { class: 'plain-set' }, [
      Y.h('legend', { text: Y.t('ask.contact') }),
      Y.h('p', { class: 'hint', text: Y.t('ask.contact_hint') }),
      Y.h('div', { class: 'inline' }, [Y.field(Y.t('ask.name'), name), Y.field(Y.t('ask.phone'), phone)]),
    ]),
    submit,
  ]);
  form.addEventListener('submit', async function (ev) {
    ev.preventDefault();
    Y.alert('');
    var req = { item_code: item.value, question: question.value.trim() };
    if (!req.item_code || !req.question) {
      Y.alert(Y.t('ask.need_text'));
      return;
    }
    if (name.value.trim()) req.contact_name = name.value.trim();
    if (phone.value.trim()) req.contact_phone = phone.value.trim();
    var itemName = item.options[item.selectedIndex] ? item.options[item.selectedIndex].text : req.item_code;
    submit.disabled = true;
    try {
      var r = await Y.api('POST', '/questions', req);
      question.value = '';
      name.value = '';
      phone.value = '';
      Y.clear(slip).appendChild(questionSlip(r, itemName));
      main.classList.add('has-slip');
      if (slip.scrollIntoView) slip.scrollIntoView({ block: 'start' });
    } catch (e) {
      Y.showError(e);
    } finally {
      submit.disabled = false;
    }
  });
  main.appendChild(slip);
  main.appendChild(form);
  main.appendChild(questionLookup());
};

// The question's number and code, shown once, to print or write down.
function questionSlip(r, itemName) {
  var node = Y.state.node || {};
  return Y.h('div', {}, [
    Y.h('div', { class: 'warning no-print', role: 'note', 'data-test': 'ask-once', text: Y.t('ask.once') }),
    Y.h('section', { class: 'card printable slip', 'data-test': 'ask-slip' }, [
      Y.h('h2', { text: Y.t('ask.slip_title') }),
      Y.h('p', { class: 'muted', text: node.name || '' }),
      Y.h('dl', { class: 'facts' }, [
        Y.row(Y.t('ask.no'), Y.h('strong', { class: 'big', 'data-test': 'ask-no', text: r.question_no })),
        Y.row(Y.t('ask.code'), Y.h('strong', { class: 'big', 'data-test': 'ask-code', text: r.code })),
        Y.row(Y.t('ask.item'), itemName),
        Y.row(Y.t('ask.asked_on'), node.today || ''),
        Y.row(Y.t('ask.answerer'), Y.h('span', { class: 'code', text: r.answering_node })),
      ]),
      Y.h('p', { class: 'receipt-note', text: Y.t('ask.slip_hint') }),
    ]),
    Y.h('div', { class: 'actions no-print' }, Y.h('button', { type: 'button', class: 'primary', 'data-test': 'ask-print', text: Y.t('print'), onclick: Y.printPage })),
  ]);
}

function questionLookup() {
  var no = Y.h('input', { 'data-test': 'qlookup-no', required: true, autocomplete: 'off', spellcheck: 'false' });
  var code = Y.h('input', { 'data-test': 'qlookup-code', required: true, autocomplete: 'off', inputmode: 'numeric' });
  var out = Y.h('div', { 'data-test': 'qlookup-out', 'aria-live': 'polite' });
  var form = Y.h('form', { class: 'card form no-print', 'data-test': 'qlookup-form' }, [
    Y.h('h2', { text: Y.t('ask.lookup') }),
    Y.h('p', { class: 'hint', text: Y.t('ask.lookup_explain') }),
    Y.field(Y.t('ask.no'), no),
    Y.field(Y.t('ask.code'), code),
    Y.h('button', { type: 'submit', class: 'primary', 'data-test': 'qlookup-submit', text: Y.t('ask.lookup_submit') }),
  ]);
  form.addEventListener('submit', async function (ev) {
    ev.preventDefault();
    Y.alert('');
    Y.clear(out);
    try {
      var q = await Y.api('POST', '/questions/lookup', { question_no: no.value.trim(), code: code.value.trim() });
      out.appendChild(questionStatus(q));
    } catch (e) {
      Y.showError(e);
    }
  });
  return Y.h('div', { class: 'no-print' }, [form, out]);
}

function questionStatus(q) {
  var a = q.answer;
  return Y.h('section', { class: 'card', 'data-test': 'qlookup-result', 'data-answered': a ? 'true' : 'false' }, [
    Y.h('h2', {}, [q.item_name || q.item_code, ' ', Y.h('span', { class: 'state ' + (a ? 'state-result_issued' : ''), 'data-test': 'question-status', text: a ? Y.t('ask.answered') : Y.t('ask.pending') })]),
    Y.h('dl', { class: 'facts' }, [
      Y.row(Y.t('ask.no'), q.question_no),
      Y.row(Y.t('ask.asked_on'), q.asked_on),
      Y.row(Y.t('ask.question'), Y.h('span', { class: 'pre', text: q.question })),
      Y.row(Y.t('ask.answer'), a ? Y.h('span', { class: 'pre', 'data-test': 'question-answer', text: a.text }) : Y.h('span', { class: 'muted', text: Y.t('ask.not_yet') })),
      a ? Y.row(Y.t('ask.answered_on'), a.answered_on) : null,
      q.office ? Y.row(Y.t('ask.office'), q.office) : null,
    ]),
  ]);
}

// ---- public notices (村务公开) ------------------------------------------------

var NOTICE_CATEGORIES = ['affairs', 'finance', 'subsidy', 'other'];
Y.NOTICE_CATEGORIES = NOTICE_CATEGORIES;

// One notice as an article: title, dates, the text as written.
Y.noticeArticle = function (n, extra) {
  return Y.h('article', { class: 'card notice-item', 'data-test': 'notice-item', 'data-notice': n.notice_no, 'data-category': n.category }, [
    Y.h('h3', { 'data-test': 'notice-title', text: n.title }),
    Y.h('p', { class: 'meta' }, [
      Y.t('notices.published_on', { date: n.published_on }),
      n.valid_until ? ' · ' + Y.t('notices.valid_until', { date: n.valid_until }) : '',
      ' · ', Y.h('span', { class: 'code', text: n.notice_no }),
    ]),
    Y.h('p', { class: 'pre notice-body', text: n.body }),
    extra,
  ]);
};

Y.views.notices = async function (main) {
  main.appendChild(Y.h('h1', { text: Y.t('notices.title') }));
  main.appendChild(Y.h('p', { class: 'muted', text: Y.t('notices.explain') }));
  main.appendChild(Y.h('div', { class: 'actions no-print' }, [
    Y.h('button', { type: 'button', 'data-test': 'notices-print', text: Y.t('print'), onclick: Y.printPage }),
    Y.hasRole(['clerk', 'admin']) ? Y.h('a', { class: 'button', href: '#/notices-manage', 'data-test': 'notices-manage-link', text: Y.t('nav.notices_manage') }) : null,
  ]));
  var data = await Y.api('GET', '/notices');
  var list = data.notices || [];
  if (!list.length) {
    main.appendChild(Y.h('p', { class: 'muted', 'data-test': 'notices-empty', text: Y.t('notices.empty') }));
    return;
  }
  NOTICE_CATEGORIES.forEach(function (cat) {
    var group = list.filter(function (n) { return n.category === cat || (cat === 'other' && NOTICE_CATEGORIES.indexOf(n.category) < 0); });
    if (!group.length) return;
    main.appendChild(Y.h('section', { class: 'section notice-group', 'data-test': 'notice-group', 'data-category': cat }, [
      Y.h('h2', { text: Y.label('notice_category', cat) + ' (' + group.length + ')' }),
      group.map(function (n) { return Y.noticeArticle(n); }),
    ]));
  });
};
