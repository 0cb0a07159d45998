#!/usr/bin/env node
// Browser test of the web hall (issue 6 §6): a small city of real `yimen run`
// processes — city, county 441802000000, town 441802001000, village
// 441802001001 — and Debian's chromium driven by playwright-core. Once with
// the UI in Chinese and once in English:
//
//   1. a clerk at the village takes a 低保 case for a resident (intake wizard,
//      live ID-number check; in English through an agent, 代办) and gets the
//      receipt with case number and query code;
//   2. an officer at the county, once the case has replicated, accepts it and
//      requests materials (findings, one-time notification preview);
//   3. the clerk at the village records the supplied materials; the officer
//      accepts the supplement and approves, then checks the commitment
//      (告知承诺) from the tasks page: in Chinese it is true and the result is
//      issued; in English it is false, the approval is revoked and a new
//      commitment by that applicant is refused at intake;
//   4. the resident tracks the case at the village with the query code, sees
//      it finished and rates it (again: "already rated"), also at a phone's
//      width; in English the rating is poor and the officer follows it up;
//   5. the resident files a complaint (or suggestion) and tracks it; the
//      officer answers it from the tasks page and the resident sees the
//      answer; the clerk publishes a public notice (村务公开) that the
//      resident reads; the resident asks a question (咨询) from the item's
//      guide and looks it up with its number and code (in Chinese the county
//      answers it and the resident reads the answer);
//   6. the supervisor at the county sees the KPI charts, the case on the
//      dashboard, the supervision orders and the sync monitor, and orders
//      (督办) a case overdue since the city's made-up history; the county's
//      officer answers the order;
//   7. the county's administrator adds a user and enrols a new town (入网)
//      from its request token; the certificate token installs at the town.
//
// Screenshots of every main page go to --artifacts. Every wait is bounded and
// every process is stopped at the end, also on failure.
//
//   node hall.test.js --yimen BUILD/bin/yimen [--artifacts DIR] [--work DIR]
//   node hall.test.js --urls http://VILLAGE,http://COUNTY   (running nodes whose
//       accounts are clerk/officer/supervisor/admin with --password)
'use strict';

const assert = require('node:assert/strict');
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const { chromium } = require('playwright-core');

const SOURCE_DIR = path.resolve(__dirname, '..', '..');
const DIBAO = 'JF-00105-000-441802000000';
const COUNTY = '441802000000';
const VILLAGE = '441802001001';
const WHOLE_TEST_MS = 400 * 1000; // under ctest's TIMEOUT of 420 s, leaving time to clean up
const REPLICATION_MS = 60 * 1000;
const HISTORY_DAYS = 45;

function parseArgs(argv) {
  const out = { password: 'correct horse battery 9', langs: ['zh', 'en'] };
  for (let i = 2; i < argv.length; i++) {
    const a = argv[i];
    const v = () => {
      if (i + 1 >= argv.length) throw new Error(a + ' needs a value');
      return argv[++i];
    };
    if (a === '--yimen') out.yimen = path.resolve(v());
    else if (a === '--artifacts') out.artifacts = path.resolve(v());
    else if (a === '--work') out.work = path.resolve(v());
    else if (a === '--urls') out.urls = v().split(',');
    else if (a === '--password') out.password = v();
    else if (a === '--lang') out.langs = v().split(',');
    else if (a === '--chromium') out.chromium = v();
    else throw new Error('unknown argument ' + a);
  }
  out.chromium = out.chromium || process.env.YIMEN_CHROMIUM || '/usr/bin/chromium';
  out.artifacts = out.artifacts || path.join(SOURCE_DIR, 'tests', 'browser', 'artifacts');
  if (!out.urls && !out.yimen) throw new Error('usage: hall.test.js --yimen PATH/TO/yimen [--artifacts DIR] [--work DIR]');
  return out;
}

function log(...args) {
  const t = ((Date.now() - started) / 1000).toFixed(1).padStart(6);
  console.log('[' + t + 's]', ...args);
}
const started = Date.now();

// A resident ID number (GB 11643) with its check character.
// A 1×1 PNG: what a resident's phone would upload, only smaller.
const PNG_1X1 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==';

function idNumber(first17) {
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * w[i];
  return first17 + '10X98765432'[sum % 11];
}

function sleep(ms) {
  return new Promise((r) => setTimeout(r, ms));
}

// Polls `check` (async, truthy = done) every `every` ms for at most `ms`.
async function until(what, ms, check, every = 500) {
  const deadline = Date.now() + ms;
  let last;
  for (;;) {
    try {
      last = await check();
      if (last) return last;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error('timed out after ' + ms + ' ms waiting for ' + what + (last instanceof Error ? ': ' + last.message : ''));
    await sleep(every);
  }
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = srv.address().port;
      srv.close(() => resolve(port));
    });
  });
}

// ---- the city -------------------------------------------------------------

class City {
  constructor(yimen, root, password) {
    this.yimen = yimen;
    this.root = root;
    this.password = password;
    this.procs = [];
    this.web = {};
    this.daysBack = 0; // while > 0, commands run that many days in the past
  }

  run(args, input) {
    const env = Object.assign({}, process.env);
    if (this.daysBack > 0) env.YIMEN_CLOCK_SHIFT_DAYS = String(this.daysBack);
    const r = spawnSync(this.yimen, args, { input: input || '', encoding: 'utf8', timeout: 60000, env });
    if (r.status !== 0) {
      throw new Error('yimen ' + args.join(' ') + ' failed (' + (r.error ? r.error.message : 'exit ' + r.status) + '):\n' + r.stderr + r.stdout);
    }
    return r.stdout.trim();
  }

  dir(name) {
    return path.join(this.root, name);
  }

  async giveListenAddress(name) {
    const file = path.join(this.dir(name), 'node.toml');
    let text = fs.readFileSync(file, 'utf8');
    if (/\nlisten = "tcp:/.test(text)) return;
    const port = await freePort();
    assert.match(text, /# listen = "tcp:[^\n]*/, 'node.toml of ' + name + ' has no [sync] listen line to fill in');
    text = text.replace(/# listen = "tcp:[^\n]*/, 'listen = "tcp://127.0.0.1:' + port + '"');
    fs.writeFileSync(file, text);
  }

  // Initialises a node; each is enrolled by its direct parent.
  async add(name, id, displayName, parent) {
    const args = ['init', '--data', this.dir(name), '--id', id, '--name', displayName];
    if (!parent) args.push('--root');
    this.run(args);
    if (parent) {
      await this.giveListenAddress(parent);
      const req = this.run(['enrol', 'request', '--data', this.dir(name)]);
      const cert = this.run(['enrol', 'approve', '--data', this.dir(parent), req]);
      this.run(['enrol', 'install', '--data', this.dir(name), cert]);
    }
  }

  user(name, role, login, display, extra) {
    this.run(['user', 'add', '--data', this.dir(name), '--role', role, '--login', login, '--display', display].concat(extra || []), this.password + '\n');
  }

  async start(name, withWeb) {
    const args = ['run', '--data', this.dir(name)];
    if (withWeb) {
      const port = await freePort();
      args.push('--web', '127.0.0.1:' + port);
      this.web[name] = 'http://127.0.0.1:' + port;
    }
    const out = fs.openSync(path.join(this.root, name + '.log'), 'a');
    const p = spawn(this.yimen, args, { stdio: ['ignore', out, out] });
    fs.closeSync(out);
    p.name = name;
    p.exited = new Promise((r) => p.on('exit', (code, sig) => r({ code, sig })));
    p.on('exit', (code, sig) => {
      p.done = true;
      if (!this.stopping) log('node ' + name + ' exited early (' + (sig || code) + '); see ' + path.join(this.root, name + '.log'));
    });
    this.procs.push(p);
  }

  async waitHealthy(name) {
    const url = this.web[name] + '/healthz';
    await until(name + ' to serve ' + url, 30000, async () => {
      const p = this.procs.find((x) => x.name === name);
      if (p && p.done) throw new Error(name + ' exited; log:\n' + this.log(name));
      const r = await fetch(url);
      return r.ok;
    }, 200);
  }

  log(name) {
    try {
      return fs.readFileSync(path.join(this.root, name + '.log'), 'utf8').slice(-4000);
    } catch (e) {
      return '';
    }
  }

  // SIGTERM, then SIGKILL after 5 s.
  async stop() {
    this.stopping = true;
    const alive = this.procs.filter((p) => !p.done);
    alive.forEach((p) => p.kill('SIGTERM'));
    await Promise.race([Promise.all(alive.map((p) => p.exited)), sleep(5000)]);
    this.procs.filter((p) => !p.done).forEach((p) => {
      log('node ' + p.name + ' ignored SIGTERM; killing it');
      p.kill('SIGKILL');
    });
  }
}

// The city is created HISTORY_DAYS days in the past (YIMEN_CLOCK_SHIFT_DAYS,
// as `make demo` does), so that a case the county accepted then is overdue
// today: a red card for the supervisor's 督办. Its case number is
// city.overdueCase.
async function buildCity(opts) {
  const base = opts.work || os.tmpdir();
  fs.mkdirSync(base, { recursive: true });
  const root = fs.mkdtempSync(path.join(base, 'city-'));
  const city = new City(opts.yimen, root, opts.password);
  log('city in ' + root + ', created ' + HISTORY_DAYS + ' days back');
  city.daysBack = HISTORY_DAYS;
  await city.add('city', '441800000000', '示范市政务服务中心', null);
  await city.add('county', COUNTY, '清城区政务服务中心', 'city');
  await city.add('town', '441802001000', '东城街道便民服务中心', 'county');
  await city.add('village', VILLAGE, '东一村党群服务中心', 'town');
  city.user('city', 'admin', 'admin', '市管理员');
  city.run(['calendar', 'publish', '--data', city.dir('city'), '--as', 'admin', path.join(SOURCE_DIR, 'config', 'calendar-2026.toml')]);
  city.user('county', 'admin', 'admin', '区管理员');
  city.user('county', 'officer', 'officer', '李审批', ['--department', '民政局', '--phone', '0763-3360002']);
  city.user('county', 'supervisor', 'supervisor', '陈督查');
  city.user('county', 'clerk', 'clerk', '周窗口', ['--phone', '0763-3360004']);
  city.user('town', 'admin', 'admin', '街道管理员');
  city.user('village', 'clerk', 'clerk', '王窗口', ['--phone', '0763-3360001']);
  city.user('village', 'admin', 'admin', '村管理员');
  const catalogue = path.join(SOURCE_DIR, 'config', 'catalogue.example.toml');
  city.run(['catalogue', 'import', '--data', city.dir('county'), '--as', 'admin', catalogue]);
  city.run(['catalogue', 'import', '--data', city.dir('town'), '--as', 'admin', catalogue]);
  // The county's window takes a 低保 case and its officer accepts it, all
  // HISTORY_DAYS days ago: past its 20 working days now. (The deadline is
  // worked out when read, with the calendar that reaches the county later.)
  const paper = Array.from({ length: 7 }, (_, i) => i + ':paper').join(',');
  const taken = city.run(['case', 'submit', '--data', city.dir('county'), '--as', 'clerk', '--item', DIBAO, '--materials', paper],
    idNumber('44180219560304002') + ',梁秀英,0763-3318842,441802001001\n');
  const m = /^case (\S+)/m.exec(taken);
  assert.ok(m, 'case submit printed no case number:\n' + taken);
  city.overdueCase = m[1];
  city.run(['case', 'act', '--data', city.dir('county'), '--as', 'officer', '--case', city.overdueCase, '--action', 'accept', '--note', '已审核']);
  city.daysBack = 0;
  // Two new towns, one per language, to enrol through the county's enrolment
  // page (入网): each has printed its request token.
  city.enrolRequests = {};
  for (const [lang, id, name] of [['zh', '441802002000', '凤凰街道便民服务中心'], ['en', '441802003000', '横荷街道便民服务中心']]) {
    const dir = city.dir('new-town-' + lang);
    city.run(['init', '--data', dir, '--id', id, '--name', name]);
    city.enrolRequests[lang] = { child: id, dir, token: city.run(['enrol', 'request', '--data', dir]) };
  }
  return city;
}

// ---- the browser ------------------------------------------------------------

const T = {
  zh: { approved: '准予', finished: '已办结', awaiting: '补正中', lang: 'zh-CN', nav: '办事指南', answered: '已答复' },
  en: { approved: 'approved', finished: 'revoked', awaiting: 'awaiting materials', lang: 'en', nav: 'Service guides', answered: 'answered' },
};

class Session {
  // One browser context (one person at one node), its console watched for
  // errors and CSP violations.
  constructor(browser, base, lang, who, opts) {
    this.browser = browser;
    this.base = base;
    this.lang = lang;
    this.who = who;
    this.opts = opts;
    this.problems = [];
  }

  async open(viewport) {
    this.context = await this.browser.newContext({ viewport: viewport || { width: 1280, height: 900 }, locale: this.lang === 'en' ? 'en-GB' : 'zh-CN' });
    this.page = await this.context.newPage();
    this.page.setDefaultTimeout(15000);
    this.page.on('console', (m) => {
      if (m.type() === 'error' && !/Failed to load resource: the server responded with a status of 4\d\d/.test(m.text())) {
        this.problems.push(this.who + ' console: ' + m.text());
      }
    });
    this.page.on('pageerror', (e) => this.problems.push(this.who + ' page error: ' + e.message));
    return this;
  }

  // Goes to the page the hash names and makes sure the UI is in this run's
  // language, switching with the header button (the choice persists).
  async go(hash) {
    // The same address again would only be a same-document navigation (no
    // new render): reload instead, so every go() shows fresh data.
    const url = this.base + '/' + hash;
    if (this.page.url() === url) await this.page.reload();
    else await this.page.goto(url);
    await this.page.waitForSelector('body[data-ready="true"]');
    const lang = await this.page.evaluate(() => document.documentElement.lang);
    if (lang !== T[this.lang].lang) {
      await this.page.click('[data-test="lang-switch"]');
      await this.page.waitForFunction((l) => document.documentElement.lang === l, T[this.lang].lang);
    }
    await this.idle();
  }

  async idle() {
    await this.page.waitForSelector('main[aria-busy="false"]');
  }

  // Does `action` (which changes the route) and waits for the new page.
  async rerender(action) {
    const before = await this.page.getAttribute('main', 'data-render');
    await action();
    await this.page.waitForFunction((b) => {
      const m = document.querySelector('main');
      return m.getAttribute('data-render') !== b && m.getAttribute('aria-busy') === 'false';
    }, before);
  }

  async login(user) {
    await this.go('#/login');
    await this.page.fill('[data-test="login-user"]', user);
    await this.page.fill('[data-test="login-password"]', this.opts.password);
    await this.page.click('[data-test="login-submit"]');
    await this.page.waitForSelector('[data-test="who"]').catch(async (e) => {
      throw new Error(this.who + ' could not log in as ' + user + ': ' + (await this.alertText()) + ' ' + e.message);
    });
    await this.idle();
  }

  async shot(name) {
    fs.mkdirSync(this.opts.artifacts, { recursive: true });
    const file = path.join(this.opts.artifacts, this.lang + '-' + name + '.png');
    await this.page.screenshot({ path: file, fullPage: true });
  }

  async alertText() {
    return this.page.evaluate(() => {
      const a = document.querySelector('#alert');
      return a && !a.classList.contains('hidden') ? a.textContent : '';
    });
  }

  // GET an API path from inside the page (its session cookie).
  async apiGet(p) {
    return this.page.evaluate(async (url) => {
      const r = await fetch(url, { credentials: 'same-origin' });
      return { status: r.status, body: r.ok ? await r.json() : null };
    }, '/api/v1' + p);
  }

  async clickAction(action, expectState) {
    await this.page.click('[data-test="case-actions"] [data-test="action-' + action + '"]');
    await this.page.waitForSelector('h1 [data-test="state"][data-state="' + expectState + '"]').catch(async (e) => {
      throw new Error(action + ' did not lead to ' + expectState + ': ' + (await this.alertText()) + ' ' + e.message);
    });
  }

  async close() {
    if (this.context) await this.context.close();
  }
}

async function scenario(browser, urls, lang, opts) {
  log('---- scenario in ' + lang);
  const sessions = [];
  const open = async (base, who, viewport) => {
    const s = await new Session(browser, base, lang, who, opts).open(viewport);
    sessions.push(s);
    return s;
  };
  try {
    // The public catalogue and the guide, at the village.
    const resident = await open(urls.village, 'resident');
    await resident.go('#/catalogue');
    await resident.page.waitForSelector('[data-test="item"]');
    assert.equal(await resident.page.textContent('[data-test="nav-catalogue"]'), T[lang].nav);
    const nodeName = await resident.page.textContent('[data-test="node-name"]');
    assert.equal(nodeName, '东一村党群服务中心');
    await resident.page.fill('[data-test="catalogue-q"]', '低保');
    await resident.page.click('[data-test="catalogue-search"]');
    await resident.page.waitForSelector('[data-test="item-link"][data-code="' + DIBAO + '"]');
    await resident.shot('catalogue');
    await resident.page.click('[data-test="item-link"][data-code="' + DIBAO + '"]');
    await resident.page.waitForSelector('[data-test="flowchart"]');
    await resident.idle();
    assert.equal(await resident.page.locator('[data-test="flow-step"]').count(), 5, 'one flowchart box per step');
    assert.ok((await resident.page.locator('[data-test="unverified"]').count()) >= 3, 'unverified fields are marked');
    assert.ok((await resident.page.locator('[data-test="mistakes"]').count()) >= 1, 'common mistakes are shown');
    await resident.shot('guide');
    log('catalogue and guide checked');
    await resident.page.emulateMedia({ media: 'print' });
    await resident.shot('guide-print');
    await resident.page.emulateMedia({ media: 'screen' });

    const phone = await open(urls.village, 'phone', { width: 360, height: 740 });
    await phone.go('#/item/' + DIBAO);
    await phone.page.waitForSelector('[data-test="flowchart"]');
    const overflow = await phone.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 1, 'the guide fits a 360 px phone (overflow ' + overflow + ' px)');
    await phone.shot('guide-phone');
    log('guide fits a phone');

    // 1. Intake at the village.
    const clerk = await open(urls.village, 'clerk');
    await clerk.login('clerk');
    await clerk.go('#/intake');
    await clerk.page.fill('[data-test="catalogue-q"]', '低保');
    await clerk.page.click('[data-test="catalogue-search"]');
    await clerk.page.click('[data-test="intake-choose"][data-code="' + DIBAO + '"]');
    await clerk.page.waitForSelector('[data-test="intake-id"]');
    const id = idNumber(lang === 'zh' ? '44180219800101002' : '44180219750615003');
    const wrong = id.slice(0, 17) + (id[17] === '0' ? '1' : '0');
    await clerk.page.fill('[data-test="intake-id"]', wrong);
    await clerk.page.waitForSelector('[data-test="intake-id-status"][data-valid="false"]');
    await clerk.page.fill('[data-test="intake-id"]', id.slice(0, 10));
    await clerk.page.waitForSelector('[data-test="intake-id-status"][data-valid="false"]');
    await clerk.page.type('[data-test="intake-id"]', id.slice(10));
    await clerk.page.waitForSelector('[data-test="intake-id-status"][data-valid="true"]');
    assert.equal(await clerk.page.inputValue('[data-test="intake-domicile"]'), VILLAGE, 'the domicile defaults to the node');
    const applicant = lang === 'zh' ? '张三' : '李四';
    await clerk.page.fill('[data-test="intake-name"]', applicant);
    await clerk.page.fill('[data-test="intake-phone"]', '13800138000');
    if (lang === 'zh') {
      // Switching the language keeps the wizard's step and what was typed.
      for (const to of ['en', 'zh-CN']) {
        await clerk.page.click('[data-test="lang-switch"]');
        await clerk.page.waitForFunction((l) => document.documentElement.lang === l, to);
        await clerk.page.waitForFunction((v) => {
          const e = document.querySelector('[data-test="intake-name"]');
          return e !== null && e.value === v;
        }, applicant);
      }
      assert.equal(await clerk.page.inputValue('[data-test="intake-id"]'), id, 'the ID number survives a language switch');
      log('a language switch keeps the intake wizard as it was');
    }
    assert.equal(await clerk.page.isVisible('[data-test="intake-agent"]'), false, 'the agent fields show only for 代办');
    if (lang === 'en') {
      await clerk.page.check('[data-test="intake-agent-on"]');
      await clerk.page.waitForSelector('[data-test="intake-agent"]', { state: 'visible' });
      assert.equal(await clerk.page.inputValue('[data-test="intake-visits"]'), '0', 'with an agent the applicant need not come');
      await clerk.page.fill('[data-test="intake-agent-id"]', idNumber('44180219900202001'));
      await clerk.page.waitForSelector('[data-test="intake-agent-id-status"][data-valid="true"]');
      await clerk.page.fill('[data-test="intake-agent-name"]', '王五');
      await clerk.page.fill('[data-test="intake-agent-phone"]', '13900139000');
      await clerk.page.fill('[data-test="intake-agent-authorisation"]', 'power of attorney signed 2026-11-02');
    } else {
      assert.equal(await clerk.page.inputValue('[data-test="intake-visits"]'), '1');
    }
    await clerk.shot('intake-applicant');
    log('applicant entered; the ID number is checked as it is typed');
    // The draft survives a reload of the page, field by field.
    const typed = await clerk.page.evaluate(() => Array.from(document.querySelectorAll('.wizard-body input[data-test]')).map((e) => e.getAttribute('data-test') + '=' + (e.type === 'checkbox' ? e.checked : e.value)));
    await clerk.page.reload();
    await clerk.page.waitForSelector('[data-test="intake-draft"]');
    await clerk.page.waitForSelector('[data-test="intake-id-status"][data-valid="true"]');
    assert.deepEqual(await clerk.page.evaluate(() => Array.from(document.querySelectorAll('.wizard-body input[data-test]')).map((e) => e.getAttribute('data-test') + '=' + (e.type === 'checkbox' ? e.checked : e.value))), typed, 'the intake as typed, after a reload');
    log('the intake draft survives a reload');
    await clerk.page.click('[data-test="intake-next"]');
    await clerk.page.waitForSelector('[data-test="intake-materials"]');
    // The data-sharing material offers "shared"; the commitment one "commitment".
    assert.equal(await clerk.page.inputValue('[data-test="intake-how-1"]'), 'shared');
    await clerk.page.selectOption('[data-test="intake-how-4"]', 'commitment');
    await clerk.page.selectOption('[data-test="intake-how-5"]', '');
    assert.equal(await clerk.page.locator('[data-test="intake-how-0"] option[value="shared"]').count(), 0, 'only data-sharing materials offer "shared"');
    assert.equal(await clerk.page.locator('[data-test="intake-how-0"] option[value="commitment"]').count(), 0, 'only commitment materials offer "commitment"');
    await clerk.shot('intake-materials');
    // The session ends in the middle of the intake (here: its cookie is
    // gone): submitting asks for the password in place, then sends the
    // intake as typed.
    await clerk.context.clearCookies();
    await clerk.page.click('[data-test="intake-submit"]');
    await clerk.page.waitForSelector('[data-test="relogin"] [data-test="relogin-password"]');
    assert.ok((await clerk.page.textContent('[data-test="relogin"]')).includes(lang === 'zh' ? '请重新登录' : 'Please log in again'), 'the dialog speaks the page language');
    await clerk.shot('relogin');
    await clerk.page.fill('[data-test="relogin-password"]', opts.password);
    await clerk.page.click('[data-test="relogin-submit"]');
    await clerk.page.waitForSelector('[data-test="relogin"]', { state: 'detached' });
    await clerk.page.waitForSelector('[data-test="receipt-case-no"]').catch(async (e) => {
      throw new Error('no receipt: ' + (await clerk.alertText()) + ' ' + e.message);
    });
    const caseNo = (await clerk.page.textContent('[data-test="receipt-case-no"]')).trim();
    const code = (await clerk.page.textContent('[data-test="receipt-query-code"]')).trim();
    assert.ok(caseNo.length > 0, 'a case number');
    assert.match(code, /^\S{6,}$/, 'a query code');
    assert.ok(!clerk.page.url().includes(code), 'the query code is not in the URL');
    log('case ' + caseNo + ' taken at the village, through a re-login in place');
    // A few minutes before the session would end for want of requests, a
    // banner says so; staying logged in touches the session.
    await clerk.page.evaluate(() => { Y.lastAnswerAt = Date.now() - (Y.state.session.idle_seconds - 240) * 1000; Y.checkSessionExpiry(); });
    await clerk.page.waitForSelector('[data-test="session-expiry"]');
    assert.ok((await clerk.page.textContent('[data-test="session-expiry-text"]')).includes(lang === 'zh' ? '4 分钟' : '4 min'), 'the banner says how long is left');
    await clerk.page.click('[data-test="session-keep"]');
    await clerk.page.waitForSelector('[data-test="session-expiry"]', { state: 'detached' });
    await clerk.shot('receipt');
    await clerk.page.emulateMedia({ media: 'print' });
    await clerk.shot('receipt-print');
    await clerk.page.emulateMedia({ media: 'screen' });

    // 2. The officer at the county, once the case has replicated there.
    const officer = await open(urls.county, 'officer');
    await officer.login('officer');
    await until('case ' + caseNo + ' to reach the county', REPLICATION_MS, async () => (await officer.apiGet('/cases/' + encodeURIComponent(caseNo))).status === 200, 500);
    log('case reached the county');
    await officer.go('#/cases');
    await officer.page.waitForSelector('[data-test="case-row"][data-case="' + caseNo + '"]');
    await officer.rerender(() => officer.page.selectOption('[data-test="cases-state"]', 'submitted'));
    await officer.page.waitForSelector('[data-test="case-row"][data-case="' + caseNo + '"]');
    assert.ok((await officer.page.locator('[data-test="case-row"][data-case="' + caseNo + '"] [data-test="card-badge"]').count()) <= 1);
    await officer.shot('queue');
    await officer.page.click('[data-test="case-link"][data-case="' + caseNo + '"]');
    await officer.page.waitForSelector('[data-test="case-actions"]');
    await officer.idle();
    await officer.clickAction('accept', 'accepted');
    await officer.page.click('[data-test="action-request_materials"]');
    await officer.page.waitForSelector('[data-test="findings-form"]');
    await officer.page.check('[data-test="finding-on-0"]');
    await officer.page.selectOption('[data-test="finding-problem-0"]', 'incomplete');
    await officer.page.fill('[data-test="finding-note-0"]', lang === 'zh' ? '未写明共同生活家庭成员' : 'household members not listed');
    await officer.page.check('[data-test="finding-on-6"]');
    await officer.page.selectOption('[data-test="finding-problem-6"]', 'missing');
    await officer.page.click('[data-test="findings-preview"]');
    await officer.page.waitForSelector('[data-test="notice"]').catch(async (e) => {
      throw new Error('no notice preview: ' + (await officer.alertText()) + ' ' + e.message);
    });
    const noticeText = await officer.page.textContent('[data-test="notice"]');
    assert.ok(noticeText.includes(applicant), 'the notification names the applicant');
    await officer.shot('notice');
    await officer.page.emulateMedia({ media: 'print' });
    await officer.shot('notice-print');
    await officer.page.emulateMedia({ media: 'screen' });
    await officer.page.click('[data-test="findings-submit"]');
    await officer.page.waitForSelector('h1 [data-test="state"][data-state="awaiting_materials"]').catch(async (e) => {
      throw new Error('request_materials failed: ' + (await officer.alertText()) + ' ' + e.message);
    });
    log('materials requested');

    // 3. The clerk records the supplied materials; the officer accepts them and approves.
    await until('the request for materials to reach the village', REPLICATION_MS, async () => {
      const r = await clerk.apiGet('/cases/' + encodeURIComponent(caseNo));
      return r.status === 200 && r.body.actions.indexOf('supply_materials') >= 0;
    });
    await clerk.go('#/case/' + encodeURIComponent(caseNo));
    // The materials loop at the village: the county's findings came with the
    // request; the clerk sees them, the day to supply by, and prints the
    // one-time notification for the applicant to sign for.
    await clerk.page.waitForSelector('[data-test="case-request"] [data-test="finding"]');
    assert.ok((await clerk.page.textContent('[data-test="case-handler"]')).includes('李审批'), 'the case page names the current handler at the county');
    assert.ok((await clerk.page.textContent('[data-test="case-responsible"]')).length > 0, 'and the first-contact clerk');
    assert.deepEqual(await clerk.page.locator('[data-test="case-request"] [data-test="finding"]').evaluateAll((els) => els.map((e) => e.dataset.material + ':' + e.dataset.problem)), ['0:incomplete', '6:missing'], 'the village sees what the county found');
    assert.ok((await clerk.page.textContent('[data-test="case-request"] [data-test="finding"][data-material="0"]')).includes(lang === 'zh' ? '未写明共同生活家庭成员' : 'household members not listed'), 'with the officer\'s note');
    assert.match(await clerk.page.textContent('[data-test="request-supply-by"]'), /\d{4}-\d{2}-\d{2}/, 'and the day to supply by');
    await clerk.page.click('[data-test="request-print"]');
    await clerk.page.waitForSelector('[data-test="request-notice-out"] [data-test="notice"]').catch(async (e) => {
      throw new Error('no recorded notice: ' + (await clerk.alertText()) + ' ' + e.message);
    });
    const recorded = await clerk.page.textContent('[data-test="request-notice-out"] [data-test="notice"]');
    for (const part of ['补正期限', '（盖章）', '经办人', '申请人签收', applicant]) {
      assert.ok(recorded.includes(part), 'the printed notification has ' + part + ': ' + recorded);
    }
    await clerk.shot('materials-loop-village');
    await clerk.page.emulateMedia({ media: 'print' });
    await clerk.shot('materials-loop-notice-print');
    await clerk.page.emulateMedia({ media: 'screen' });
    // The applicant, following the case, sees the same list.
    const waiting = await open(urls.village, 'applicant-waiting');
    await waiting.go('#/track');
    await waiting.page.fill('[data-test="track-case-no"]', caseNo);
    await waiting.page.fill('[data-test="track-code"]', code);
    await waiting.page.click('[data-test="track-submit"]');
    await waiting.page.waitForSelector('[data-test="track-requested"] [data-test="finding"]').catch(async (e) => {
      throw new Error('tracking shows no requested materials: ' + (await waiting.alertText()) + ' ' + e.message);
    });
    assert.equal(await waiting.page.locator('[data-test="track-requested"] [data-test="finding"]').count(), 2, 'the applicant sees both materials');
    assert.match(await waiting.page.textContent('[data-test="track-supply-by"]'), /\d{4}-\d{2}-\d{2}/);
    await waiting.shot('track-materials-requested');
    await waiting.close();
    log('the village sees the findings and prints the notification; the applicant sees the list');
    await clerk.page.fill('[data-test="action-note"]', lang === 'zh' ? '已补齐申请书和银行账户复印件' : 'application form and bank account copy supplied');
    await clerk.page.click('[data-test="action-supply_materials"]');
    await clerk.page.selectOption('[data-test="supply-how-0"]', 'paper');
    await clerk.page.selectOption('[data-test="supply-how-6"]', 'paper');
    await clerk.page.click('[data-test="supply-submit"]');
    await clerk.page.waitForSelector('[data-test="alert"].alert-ok').catch(async (e) => {
      throw new Error('supply_materials failed: ' + (await clerk.alertText()) + ' ' + e.message);
    });
    await clerk.shot('case-village');
    log('materials supplied at the village');
    await until('the supplement to reach the county', REPLICATION_MS, async () => {
      const r = await officer.apiGet('/cases/' + encodeURIComponent(caseNo));
      return r.status === 200 && r.body.actions.indexOf('accept_supplement') >= 0;
    });
    await officer.go('#/case/' + encodeURIComponent(caseNo));
    await officer.clickAction('accept_supplement', 'accepted');
    await officer.page.fill('[data-test="action-note"]', lang === 'zh' ? '符合低保条件' : 'meets the conditions');
    await officer.clickAction('approve', 'approved');
    let licenceFile = '';
    assert.equal(await officer.page.textContent('h1 [data-test="state"]'), T[lang].approved);
    assert.equal(await officer.page.getAttribute('[data-test="case-commitment"]', 'data-commitment'), 'true');
    assert.equal(await officer.page.locator('[data-test="case-agent"]').count(), lang === 'en' ? 1 : 0, 'the agent shows on the case page');
    await officer.shot('case');
    log('approved at the county');

    // The commitment's post-check, from the tasks page.
    await officer.go('#/tasks');
    await officer.page.waitForSelector('[data-test="tasks-post_checks"] [data-test="post-check"][data-case="' + caseNo + '"]');
    await officer.shot('tasks');
    await officer.rerender(() => officer.page.click('[data-test="post-check"][data-case="' + caseNo + '"] a'));
    // In Chinese the commitment is true and the result is issued; in English
    // it is false, which revokes the approval (已撤销).
    const checked = lang === 'zh' ? 'confirm_commitment' : 'false_commitment';
    await officer.page.click('[data-test="action-' + checked + '"]');
    await officer.page.waitForSelector('[data-test="commitment-form"][data-action="' + checked + '"]');
    await officer.page.click('[data-test="commitment-submit"]');
    await officer.page.waitForSelector('#alert.alert-error');
    await officer.page.fill('[data-test="commitment-note"]', lang === 'zh' ? '已电话核实收入情况，承诺属实' : 'the employer confirms a salary above the threshold');
    await officer.page.click('[data-test="commitment-submit"]');
    await officer.page.waitForSelector('[data-test="case-commitment"][data-post-check="' + (lang === 'zh' ? 'confirmed' : 'false') + '"]').catch(async (e) => {
      throw new Error(checked + ' failed: ' + (await officer.alertText()) + ' ' + e.message);
    });
    assert.equal(await officer.page.locator('[data-test="action-confirm_commitment"]').count(), 0, 'a commitment is checked once');
    if (lang === 'zh') {
      await officer.page.fill('[data-test="action-note"]', '低保证已制发');
      await officer.clickAction('issue_result', 'result_issued');
      log('commitment confirmed and result issued');
      // The county issues the e-licence on the case page.
      await officer.page.waitForSelector('[data-test="case-licence"]');
      await officer.page.fill('[data-test="licence-type"]', '最低生活保障证');
      await officer.page.click('[data-test="licence-issue"]');
      await officer.page.waitForSelector('[data-test="licence-issued"]').catch(async (e) => {
        throw new Error('issuing the licence failed: ' + (await officer.alertText()) + ' ' + e.message);
      });
      licenceFile = await officer.page.inputValue('[data-test="licence-file"]');
      assert.match(licenceFile, /^YIMEN-LICENCE/);
      await officer.shot('licence-issued');
      log('e-licence ' + (await officer.page.textContent('[data-test="licence-number"]')) + ' issued');
    } else {
      await officer.page.waitForSelector('h1 [data-test="state"][data-state="revoked"]');
      log('commitment found false: the approval is revoked');
    }
    const finalState = lang === 'zh' ? 'result_issued' : 'revoked';

    // Anyone verifies the licence at the village, offline; an altered copy fails.
    if (licenceFile) {
      const verifier = await open(urls.village, 'verifier');
      await verifier.go('#/verify');
      await verifier.page.fill('[data-test="verify-document"]', licenceFile);
      await verifier.page.click('[data-test="verify-submit"]');
      await verifier.page.waitForSelector('[data-test="verify-verdict"][data-valid="true"]').catch(async (e) => {
        throw new Error('the licence did not verify: ' + (await verifier.alertText()) + ' ' + e.message);
      });
      await verifier.shot('licence-verified');
      const lines = licenceFile.split('\n');
      const body = lines[1];
      const i = Math.floor(body.length / 2);
      lines[1] = body.slice(0, i) + (body[i] === 'A' ? 'B' : 'A') + body.slice(i + 1);
      await verifier.page.fill('[data-test="verify-document"]', lines.join('\n'));
      await verifier.page.click('[data-test="verify-submit"]');
      await verifier.page.waitForSelector('[data-test="verify-verdict"][data-valid="false"]');
      log('the licence verifies at the village; an altered copy does not');
    }

    // 4. The resident tracks the case at the village.
    const tracker = await open(urls.village, 'tracker');
    await tracker.go('#/track');
    await tracker.page.fill('[data-test="track-case-no"]', caseNo);
    await tracker.page.fill('[data-test="track-code"]', code);
    await until('the ' + finalState + ' case to reach the village', REPLICATION_MS, async () => {
      await tracker.page.click('[data-test="track-submit"]');
      await tracker.page.waitForSelector('[data-test="track-result"], #alert.alert-error', { timeout: 5000 });
      return (await tracker.page.locator('[data-test="track-result"][data-state="' + finalState + '"]').count()) === 1;
    }, 1000);
    assert.ok(!tracker.page.url().includes(code), 'the query code is not in the URL');
    assert.equal(await tracker.page.textContent('[data-test="track-result"] [data-test="state"]'), T[lang].finished);
    log('the resident sees the case finished');

    // The rating: the same number and code, from memory, never the URL.
    await tracker.page.waitForSelector('[data-test="rating-form"]');
    await tracker.page.click('[data-test="rating-submit"]');
    await tracker.page.waitForSelector('[data-test="rating-need-score"]');
    const score = lang === 'zh' ? 5 : 2;
    await tracker.page.click('[data-test="rating-star-' + score + '"]');
    assert.equal(await tracker.page.locator('[data-test="rating"] .star.on').count(), score);
    for (const tag of lang === 'zh' ? ['quick', 'polite'] : ['slow', 'many_visits']) {
      await tracker.page.check('[data-test="rating-tag-' + tag + '"]');
    }
    await tracker.page.fill('[data-test="rating-comment"]', lang === 'zh' ? '窗口人员很耐心' : 'had to come back twice');
    await tracker.shot('rating');
    await tracker.page.click('[data-test="rating-submit"]');
    await tracker.page.waitForSelector('[data-test="rating-done"][data-score="' + score + '"]').catch(async (e) => {
      throw new Error('rating failed: ' + (await tracker.alertText()) + ' ' + e.message);
    });
    assert.ok(!tracker.page.url().includes(code), 'the query code is not in the URL');
    // Rating again: the second one is refused, and the page says so.
    await tracker.page.click('[data-test="track-submit"]');
    await tracker.page.waitForSelector('[data-test="rating-form"]');
    await tracker.page.click('[data-test="rating-star-4"]');
    await tracker.page.click('[data-test="rating-submit"]');
    await tracker.page.waitForSelector('[data-test="rating-already"]');
    await tracker.shot('track');
    log('the resident rated the case (' + score + ' stars); rating again is refused');

    // The tracking page with its rating form fits a phone.
    await phone.go('#/track');
    await phone.page.fill('[data-test="track-case-no"]', caseNo);
    await phone.page.fill('[data-test="track-code"]', code);
    await phone.page.click('[data-test="track-submit"]');
    await phone.page.waitForSelector('[data-test="rating-form"]');
    const trackOverflow = await phone.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(trackOverflow <= 1, 'tracking and rating fit a 360 px phone (overflow ' + trackOverflow + ' px)');
    await phone.shot('track-phone');

    // After a false commitment the applicant may not use commitments again:
    // the intake says so.
    if (lang === 'en') {
      await clerk.go('#/intake');
      await clerk.page.fill('[data-test="catalogue-q"]', '低保');
      await clerk.page.click('[data-test="catalogue-search"]');
      await clerk.page.click('[data-test="intake-choose"][data-code="' + DIBAO + '"]');
      await clerk.page.fill('[data-test="intake-id"]', id);
      await clerk.page.fill('[data-test="intake-name"]', applicant);
      await clerk.page.fill('[data-test="intake-phone"]', '13800138000');
      await clerk.page.click('[data-test="intake-next"]');
      await clerk.page.selectOption('[data-test="intake-how-4"]', 'commitment');
      await clerk.page.click('[data-test="intake-submit"]');
      await clerk.page.waitForSelector('#alert.alert-error');
      assert.ok((await clerk.alertText()).includes('false commitment on case ' + caseNo), 'the intake names the false commitment: ' + (await clerk.alertText()));
      await clerk.page.waitForSelector('[data-test="intake-how-4"].bad');
      await clerk.shot('intake-false-commitment');
      log('a new commitment by the same applicant is refused at intake');
    }

    // 5. A complaint (a suggestion in Chinese), tracked with its own code.
    await resident.go('#/complaint');
    const kind = lang === 'zh' ? 'suggestion' : 'complaint';
    await resident.page.selectOption('[data-test="complaint-kind"]', kind);
    await resident.page.fill('[data-test="complaint-subject"]', lang === 'zh' ? '建议延长周六办公时间' : 'The queue was long');
    await resident.page.fill('[data-test="complaint-body"]', lang === 'zh' ? '周六上午人多，建议延长到下午。' : 'I waited an hour on Monday morning.');
    await resident.page.fill('[data-test="complaint-case-no"]', caseNo);
    if (lang === 'en') {
      await resident.page.fill('[data-test="complaint-name"]', '李四');
      await resident.page.fill('[data-test="complaint-phone"]', '13800138000');
    }
    await resident.page.click('[data-test="complaint-submit"]');
    await resident.page.waitForSelector('[data-test="complaint-slip"]').catch(async (e) => {
      throw new Error('filing a complaint failed: ' + (await resident.alertText()) + ' ' + e.message);
    });
    const complaintNo = (await resident.page.textContent('[data-test="complaint-no"]')).trim();
    const complaintCode = (await resident.page.textContent('[data-test="complaint-code"]')).trim();
    assert.ok(!resident.page.url().includes(complaintCode), 'the complaint code is not in the URL');
    await resident.shot('complaint');
    await resident.page.emulateMedia({ media: 'print' });
    await resident.shot('complaint-print');
    await resident.page.emulateMedia({ media: 'screen' });
    await resident.page.fill('[data-test="ctrack-no"]', complaintNo);
    await resident.page.fill('[data-test="ctrack-code"]', complaintCode);
    await resident.page.click('[data-test="ctrack-submit"]');
    await resident.page.waitForSelector('[data-test="ctrack-result"][data-answered="false"]');
    log('complaint ' + complaintNo + ' filed and tracked');
    // The county answers it from its tasks page.
    await until('complaint ' + complaintNo + ' to reach the county', REPLICATION_MS, async () => {
      await officer.go('#/tasks');
      return (await officer.page.locator('[data-test="complaint-task"][data-complaint="' + complaintNo + '"]').count()) === 1;
    }, 1000);
    const task = '[data-test="complaint-task"][data-complaint="' + complaintNo + '"] ';
    await officer.shot('tasks-complaint');
    await officer.page.fill(task + '[data-test="complaint-answer-text"]', lang === 'zh' ? '已采纳，自下月起周六全天办公。' : 'We have opened a second window on Mondays.');
    if (lang === 'en') await officer.page.check(task + '[data-test="complaint-answer-check"]');
    await officer.rerender(() => officer.page.click(task + '[data-test="complaint-answer-submit"]'));
    await officer.page.waitForSelector('[data-test="complaints-answered"] [data-complaint="' + complaintNo + '"]', { state: 'attached' }).catch(async (e) => {
      throw new Error('answering the complaint failed: ' + (await officer.alertText()) + ' ' + e.message);
    });
    // In English the rating was poor: the county follows it up.
    if (lang === 'en') {
      await until('the poor rating to reach the county', REPLICATION_MS, async () => {
        await officer.go('#/tasks');
        return (await officer.page.locator('[data-test="follow-up"][data-case="' + caseNo + '"]').count()) === 1;
      }, 1000);
      await officer.page.fill('[data-test="follow-up"][data-case="' + caseNo + '"] [data-test="follow-up-text"]', 'called the applicant; a second window opens on Mondays');
      await officer.rerender(() => officer.page.click('[data-test="follow-up"][data-case="' + caseNo + '"] [data-test="follow-up-submit"]'));
      await officer.page.waitForSelector('[data-test="alert"].alert-ok');
      assert.equal(await officer.page.locator('[data-test="follow-up"][data-case="' + caseNo + '"]').count(), 0, 'a followed-up rating leaves the tasks');
      log('the poor rating was followed up');
    }
    await officer.shot('tasks-done');
    await until('the answer to reach the village', REPLICATION_MS, async () => {
      await resident.page.click('[data-test="ctrack-submit"]');
      await resident.page.waitForSelector('[data-test="ctrack-result"]', { timeout: 5000 });
      return (await resident.page.locator('[data-test="ctrack-result"][data-answered="true"]').count()) === 1;
    }, 1000);
    assert.equal(await resident.page.textContent('[data-test="complaint-status"]'), T[lang].answered);
    log('the resident sees the answer');

    // A visit booked at the village (预约), looked up and cancelled with its code.
    await resident.go('#/appointment?item=' + DIBAO);
    await resident.page.waitForSelector('[data-test="appt-form"], [data-test="appt-closed"]');
    if (await resident.page.locator('[data-test="appt-closed"]').count()) {
      // Only when the city has not published the calendar of the coming days.
      log('appointments: no working day of the coming days has a published calendar');
    } else {
      assert.equal(await resident.page.inputValue('[data-test="appt-item"]'), DIBAO, 'the guide\'s item is chosen');
      await resident.page.click('[data-test="appt-day"]:not([disabled])');
      const day = await resident.page.getAttribute('[data-test="appt-day"][aria-pressed="true"]', 'data-day');
      await resident.page.click('[data-test="appt-slot"]:not([disabled])');
      const slot = await resident.page.getAttribute('[data-test="appt-slot"][aria-pressed="true"]', 'data-slot');
      await resident.page.fill('[data-test="appt-name"]', lang === 'zh' ? '赵六' : 'Zhao Liu');
      await resident.page.fill('[data-test="appt-phone"]', lang === 'zh' ? '13700137000' : '13700137001');
      await resident.page.click('[data-test="appt-submit"]');
      await resident.page.waitForSelector('[data-test="appt-slip"]').catch(async (e) => {
        throw new Error('booking failed: ' + (await resident.alertText()) + ' ' + e.message);
      });
      // The slip names the day with its weekday (computed here in UTC from
      // the civil date, as the page does) and the booked item.
      const weekday = (lang === 'zh' ? ['周日', '周一', '周二', '周三', '周四', '周五', '周六'] : ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'])[new Date(day + 'T00:00:00Z').getUTCDay()];
      assert.equal((await resident.page.textContent('[data-test="appt-when"]')).trim(), day + ' ' + weekday + ' ' + slot);
      assert.ok((await resident.page.textContent('[data-test="appt-slip"]')).includes('最低生活保障'), 'the slip names the booked item');
      const bookingNo = (await resident.page.textContent('[data-test="appt-no"]')).trim();
      const bookingCode = (await resident.page.textContent('[data-test="appt-code"]')).trim();
      assert.ok(!resident.page.url().includes(bookingCode), 'the booking code is not in the URL');
      await resident.shot('appointment');
      // The village clerk sees it on the day's list.
      await clerk.go('#/appointments?day=' + day);
      await clerk.page.waitForSelector('[data-test="appts-row"][data-no="' + bookingNo + '"]');
      await clerk.shot('appointments');
      await resident.page.fill('[data-test="appt-lookup-no"]', bookingNo);
      await resident.page.fill('[data-test="appt-lookup-code"]', bookingCode);
      await resident.page.click('[data-test="appt-lookup-submit"]');
      await resident.page.waitForSelector('[data-test="appt-booking"]');
      resident.page.once('dialog', (d) => d.accept());
      await resident.page.click('[data-test="appt-cancel"]');
      await resident.page.waitForSelector('[data-test="appt-booking"]:not(:has([data-test="appt-cancel"]))');
      log('appointment ' + bookingNo + ' booked for ' + day + ' ' + slot + ' and cancelled');
    }

    // A public notice published at the village, read by the resident.
    await clerk.go('#/notices-manage');
    const noticeTitle = lang === 'zh' ? '2026 年第四季度低保金发放名单' : 'Subsidies paid in the fourth quarter';
    await clerk.page.selectOption('[data-test="notice-category"]', 'subsidy');
    await clerk.page.fill('[data-test="notice-title-input"]', noticeTitle);
    await clerk.page.fill('[data-test="notice-body-input"]', lang === 'zh' ? '张三　低保金 800 元\n李四　低保金 800 元' : 'Zhang San 800 yuan\nLi Si 800 yuan');
    await clerk.page.click('[data-test="notice-submit"]');
    await clerk.page.waitForSelector('[data-test="notices-manage-list"] [data-test="notice-title"]:text-is("' + noticeTitle + '")').catch(async (e) => {
      throw new Error('publishing a notice failed: ' + (await clerk.alertText()) + ' ' + e.message);
    });
    await clerk.shot('notices-manage');
    await resident.go('#/notices');
    await resident.page.waitForSelector('[data-test="notice-group"][data-category="subsidy"] [data-test="notice-title"]:text-is("' + noticeTitle + '")');
    await resident.shot('notices');
    if (lang === 'en') {
      // Withdrawn, it leaves the public page.
      const item = clerk.page.locator('[data-test="notice-item"]', { has: clerk.page.locator('[data-test="notice-title"]:text-is("' + noticeTitle + '")') });
      await item.locator('[data-test="notice-withdraw"]').click();
      await item.locator('[data-test="notice-withdraw-reason"]').fill('published twice');
      await item.locator('[data-test="notice-withdraw-confirm"]').click();
      await clerk.page.waitForSelector('[data-test="notice-item"][data-status="withdrawn"]');
      await resident.go('#/notices');
      assert.equal(await resident.page.locator('[data-test="notice-title"]:text-is("' + noticeTitle + '")').count(), 0, 'a withdrawn notice is not shown');
    }
    log('a public notice published and read');

    // A question from the item's guide (咨询): the number and code are shown
    // once, never in the URL, and the lookup shows it waiting for an answer.
    await resident.go('#/item/' + encodeURIComponent(DIBAO));
    await resident.rerender(() => resident.page.click('[data-test="guide-ask"]'));
    assert.equal(await resident.page.inputValue('[data-test="ask-item"]'), DIBAO, 'the guide preselects its item');
    await resident.page.fill('[data-test="ask-question"]', lang === 'zh' ? '低保申请需要提供几个月的银行流水？' : 'How many months of bank statements are needed?');
    await resident.page.click('[data-test="ask-submit"]');
    await resident.page.waitForSelector('[data-test="ask-slip"]').catch(async (e) => {
      throw new Error('asking a question failed: ' + (await resident.alertText()) + ' ' + e.message);
    });
    const questionNo = (await resident.page.textContent('[data-test="ask-no"]')).trim();
    const questionCode = (await resident.page.textContent('[data-test="ask-code"]')).trim();
    assert.match(questionNo, new RegExp('^' + VILLAGE + '-Q\\d{8}-\\d{6}$'));
    assert.match(questionCode, /^\d{8}$/);
    assert.ok(!resident.page.url().includes(questionCode), 'the question code is not in the URL');
    await resident.shot('ask');
    await resident.page.fill('[data-test="qlookup-no"]', questionNo);
    await resident.page.fill('[data-test="qlookup-code"]', questionCode);
    await resident.page.click('[data-test="qlookup-submit"]');
    await resident.page.waitForSelector('[data-test="qlookup-result"][data-answered="false"]');
    log('question ' + questionNo + ' asked and looked up');
    if (lang === 'zh') {
      // The county, which publishes the item, answers it from 咨询答复.
      const qtask = '[data-test="question-task"][data-question="' + questionNo + '"] ';
      await until('question ' + questionNo + ' to reach the county', REPLICATION_MS, async () => {
        await officer.go('#/questions');
        return (await officer.page.locator(qtask + '[data-test="question-answer-form"]').count()) === 1;
      }, 1000);
      await officer.page.fill(qtask + '[data-test="question-answer-text"]', '需提供近六个月的银行流水，可在银行网点打印。');
      await officer.shot('questions');
      await officer.rerender(() => officer.page.click(qtask + '[data-test="question-answer-submit"]'));
      await until('the answer to the question to reach the village', REPLICATION_MS, async () => {
        await resident.page.click('[data-test="qlookup-submit"]');
        await resident.page.waitForSelector('[data-test="qlookup-result"]', { timeout: 5000 });
        return (await resident.page.locator('[data-test="qlookup-result"][data-answered="true"]').count()) === 1;
      }, 1000);
      assert.equal(await resident.page.textContent('[data-test="question-answer"]'), '需提供近六个月的银行流水，可在银行网点打印。');
      log('the county answered the question and the resident reads the answer');
    }

    if (lang === 'zh') {
      // An online application (网上申请) from the guide: a photo for each
      // material to upload, the identity left unverified, the county
      // pre-reviewing it with the uploaded file fetched from the village.
      await resident.go('#/item/' + encodeURIComponent(DIBAO));
      await resident.rerender(() => resident.page.click('[data-test="guide-apply"]'));
      await resident.page.fill('[data-test="apply-id"]', idNumber('44180219880808001'));
      await resident.page.fill('[data-test="apply-name"]', '赵六');
      await resident.page.fill('[data-test="apply-phone"]', '13700137000');
      const materials = resident.page.locator('[data-test="apply-material"]');
      const count = await materials.count();
      assert.ok(count >= 2, 'the item lists its materials (' + count + ')');
      let uploads = 0;
      let photoBytes = 0;
      for (let i = 0; i < count; i++) {
        const m = materials.nth(i);
        if ((await m.locator('[data-test="apply-how-commitment"]').count()) === 1) {
          await m.locator('[data-test="apply-how-commitment"]').check();
          assert.equal(await m.locator('[data-test="apply-file"]').isVisible(), false, 'no upload for a material replaced by a commitment');
        } else if ((await m.locator('[data-test="apply-how-shared"]:checked').count()) === 1) {
          assert.equal(await m.locator('[data-test="apply-file"]').isVisible(), false, 'no upload for a material obtained by data sharing');
        } else if (uploads === 0) {
          // A phone's photo: 3000 × 2000 pixels, over the 8 MiB limit as it
          // is. The browser scales it down to a JPEG before sending it.
          const photo = Buffer.from(await resident.page.evaluate(() => {
            const c = document.createElement('canvas');
            c.width = 3000;
            c.height = 2000;
            const ctx = c.getContext('2d');
            const img = ctx.createImageData(c.width, c.height);
            let seed = 7;
            for (let p = 0; p < img.data.length; p += 4) {
              seed = (seed * 1103515245 + 12345) & 0x7fffffff;
              const px = p / 4;
              const noise = (seed >> 16) % 64;
              img.data[p] = (px % 3000) / 12 + noise;
              img.data[p + 1] = Math.floor(px / 3000) / 8 + noise;
              img.data[p + 2] = 160 + noise;
              img.data[p + 3] = 255;
            }
            ctx.putImageData(img, 0, 0);
            return c.toDataURL('image/png').split(',')[1];
          }), 'base64');
          assert.ok(photo.length > 8 * 1024 * 1024, 'the photo is over the limit as it is (' + photo.length + ' bytes)');
          photoBytes = photo.length;
          await m.locator('[data-test="apply-file"]').setInputFiles({ name: 'photo-' + i + '.png', mimeType: 'image/png', buffer: photo });
          await m.locator('[data-test="apply-upload-status"][data-uploaded="true"]').waitFor({ timeout: 30000 });
          assert.equal(await m.locator('[data-test="apply-upload-status"]').getAttribute('data-shrunk'), 'true');
          log('a ' + photo.length + '-byte photo was sent as ' + (await m.locator('[data-test="apply-upload-status"]').textContent()));
          uploads++;
        } else {
          await m.locator('[data-test="apply-file"]').setInputFiles({ name: 'scan-' + i + '.png', mimeType: 'image/png', buffer: Buffer.from(PNG_1X1, 'base64') });
          await m.locator('[data-test="apply-upload-status"][data-uploaded="true"]').waitFor();
          assert.equal(await m.locator('[data-test="apply-upload-status"]').getAttribute('data-shrunk'), 'false');
          uploads++;
        }
      }
      assert.ok(uploads >= 1, 'at least one material is uploaded');
      await resident.shot('apply');
      await resident.page.check('[data-test="apply-consent"]');
      await resident.page.click('[data-test="apply-submit"]');
      await resident.page.waitForSelector('[data-test="apply-slip"]').catch(async (e) => {
        throw new Error('the online application failed: ' + (await resident.alertText()) + ' ' + e.message);
      });
      const onlineNo = (await resident.page.textContent('[data-test="apply-case-no"]')).trim();
      assert.match(onlineNo, new RegExp('^' + VILLAGE + '-'));
      assert.equal(await resident.page.getAttribute('[data-test="apply-identity"]', 'data-identity'), 'unverified');
      assert.ok(!resident.page.url().includes(onlineNo), 'the case number is not in the URL');
      log('online application ' + onlineNo + ' sent with ' + uploads + ' upload(s)');
      // Every uploaded file: they travel one by one, the small scan may come
      // before the photo.
      await until('the ' + uploads + ' uploaded file(s) of ' + onlineNo + ' to reach the county', REPLICATION_MS, async () => {
        await officer.go('#/case/' + encodeURIComponent(onlineNo));
        return (await officer.page.locator('[data-test="case-file"]').count()) >= uploads;
      }, 1000);
      assert.equal(await officer.page.getAttribute('[data-test="case-identity"]', 'data-identity'), 'unverified');
      assert.equal(await officer.page.locator('[data-test="action-approve"]').count(), 0, 'no approval of an unverified applicant');
      const href = await officer.page.getAttribute('[data-test="case-file"]', 'href');
      const served = await officer.page.evaluate(async (h) => {
        const r = await fetch(h, { credentials: 'same-origin' });
        return { status: r.status, type: r.headers.get('content-type'), size: (await r.arrayBuffer()).byteLength };
      }, href);
      // The first file is the photo as the browser reduced it, fetched whole.
      assert.equal(served.status, 200);
      assert.equal(served.type, 'image/jpeg');
      assert.ok(served.size > 100 * 1024 && served.size < photoBytes, 'the reduced photo (' + served.size + ' bytes)');
      await officer.shot('case-online');
      log('the county opens the uploaded scan of ' + onlineNo);
    }

    // 5. The supervisor at the county.
    const supervisor = await open(urls.county, 'supervisor');
    await supervisor.login('supervisor');
    await supervisor.go('#/dashboard');
    // The working-day calendar: this city publishes only 2026, so from
    // 1 November 2026 a year is missing and the dashboard says which, in the
    // page's language, with a way to the calendar page.
    const outlook = await supervisor.page.evaluate(() => Y.api('GET', '/calendar').then((c) => c.outlook));
    if (outlook.missing_year) {
      const warning = '[data-test="calendar-missing"][data-year="' + outlook.missing_year + '"]';
      await supervisor.page.waitForSelector(warning);
      const text = await supervisor.page.textContent(warning);
      assert.ok(text.includes(String(outlook.missing_year)) && text.includes(outlook.unknown_from), 'the warning names the year and the day: ' + text);
      assert.ok(text.includes(lang === 'zh' ? '工作日历尚未发布' : 'working-day calendar is not published'), 'the warning is in the page language: ' + text);
      await supervisor.page.click('[data-test="calendar-missing-link"]');
      await supervisor.page.waitForSelector('[data-test="calendar-year"][data-year="2026"]');
      const onPage = await supervisor.page.textContent(warning);
      assert.ok(onPage.includes(lang === 'zh' ? '请联系市政务服务中心管理员' : "Ask the city service centre's administrator"), 'below the city, the calendar page says who publishes it: ' + onPage);
      await supervisor.go('#/dashboard');
      log('calendar: the dashboard warns that ' + outlook.missing_year + ' is not published');
    } else {
      assert.equal(await supervisor.page.locator('[data-test="calendar-missing"]').count(), 0, 'no calendar warning while nothing is missing');
      log('calendar: nothing missing on this date, no warning');
    }
    // The five targets as bar charts against their target lines.
    await supervisor.page.waitForSelector('[data-test="kpi-chart"]');
    assert.equal(await supervisor.page.locator('[data-test="kpi-chart"]').count(), 5, 'five KPI charts');
    for (const key of ['items_fully_online', 'applied_online', 'completed_online', 'online_at_most_one_visit', 'zero_visits']) {
      const chart = '[data-test="kpi-chart"][data-kpi="' + key + '"]';
      assert.match(await supervisor.page.getAttribute(chart, 'data-met'), /^(true|false)$/);
      assert.equal(await supervisor.page.locator(chart + ' svg [data-test="kpi-target"]').count(), 1, key + ' has a target line');
    }
    assert.ok((await supervisor.page.locator('[data-test="kpi-chart"] [data-test="kpi-bar"]').count()) >= 3, 'KPI value bars');
    assert.equal(await supervisor.page.locator('[data-test="hour-bar"]').count(), 24, '24 hourly bars');
    assert.equal(await supervisor.page.locator('[data-test="weekday-bar"]').count(), 7, '7 weekday bars');
    const hourTotal = await supervisor.page.$$eval('[data-test="hour-bar"]', (bars) => bars.reduce((n, b) => n + Number(b.getAttribute('data-count')), 0));
    assert.ok(hourTotal >= (lang === 'zh' ? 1 : 2), 'the cases are counted by hour (' + hourTotal + ')');
    await supervisor.page.waitForSelector('[data-test="top-item"][data-key="' + DIBAO + '"]');
    await supervisor.page.waitForSelector('[data-test="kpi-satisfied"]');
    // A date range: today only.
    const today = await supervisor.page.evaluate(() => Y.state.node.today);
    await supervisor.page.fill('[data-test="kpi-from"]', today);
    await supervisor.page.fill('[data-test="kpi-to"]', today);
    await supervisor.page.click('[data-test="kpi-apply"]');
    await supervisor.page.waitForSelector('[data-test="kpis"][data-from="' + today + '"][data-to="' + today + '"][aria-busy="false"] [data-test="kpi-chart"]');
    assert.ok(!(await supervisor.alertText()), 'the range is accepted');
    await supervisor.page.waitForSelector('[data-test="supervision"] [data-test="orders-table"], [data-test="supervision"] [data-test="orders-empty"]');
    // The dashboard counts the cards; it does not embed the case list.
    await supervisor.page.waitForSelector('[data-test="card-tiles"]');
    assert.equal(await supervisor.page.locator('[data-test="case-row"]').count(), 0, 'no case list on the dashboard');
    await supervisor.page.waitForSelector('[data-test="sync-table"] [data-test="sync-row"]');
    const overflowing = await supervisor.page.evaluate(() => Array.from(document.querySelectorAll('.main table')).map((t) => [t.getAttribute('data-test') || t.className, Math.round(t.getBoundingClientRect().right - document.querySelector('.main').getBoundingClientRect().right)]).filter((o) => o[1] > 1));
    assert.deepEqual(overflowing, [], 'the dashboard tables fit 1280 px');
    const syncRows = await supervisor.page.locator('[data-test="sync-row"]').count();
    assert.ok(syncRows >= 1, 'the sync monitor lists the subtree');
    await supervisor.shot('dashboard');
    await supervisor.page.emulateMedia({ media: 'print' });
    await supervisor.shot('dashboard-print');
    await supervisor.page.emulateMedia({ media: 'screen' });
    await supervisor.page.setViewportSize({ width: 360, height: 740 });
    const dashOverflow = await supervisor.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(dashOverflow <= 1, 'the dashboard fits a 360 px phone (overflow ' + dashOverflow + ' px)');
    await supervisor.shot('dashboard-phone');
    await supervisor.page.setViewportSize({ width: 1280, height: 900 });
    // Each tile opens the queue with that card: as many cases as it counts,
    // in order of urgency, none of another card.
    for (const card of ['red', 'yellow', 'green']) {
      await supervisor.go('#/dashboard');
      const count = Number(await supervisor.page.getAttribute('[data-test="tile-' + card + '"]', 'data-count'));
      await supervisor.rerender(() => supervisor.page.click('[data-test="tile-' + card + '"]'));
      await supervisor.page.waitForSelector('[data-test="cases-total"]');
      assert.equal(Number(await supervisor.page.getAttribute('[data-test="cases-total"]', 'data-total')), count, 'the ' + card + ' tile counts the list');
      assert.equal(await supervisor.page.locator('[data-test="case-row"] [data-test="card-badge"]:not([data-card="' + card + '"])').count(), 0, 'the list filtered by the ' + card + ' card');
    }
    // The case is in the queue's tab for its state (a revoked one is
    // finished; an issued result still waits to be delivered), found by its
    // number, and not in the other tab.
    const tab = finalState === 'revoked' ? 'finished' : 'open';
    for (const view of ['open', 'finished']) {
      await supervisor.go('#/cases?view=' + view);
      await supervisor.page.fill('[data-test="cases-query"]', caseNo);
      await supervisor.page.click('[data-test="cases-search-submit"]');
      await supervisor.page.waitForSelector('[data-test="cases-list"][data-query="' + caseNo + '"] [data-test="cases-total"][data-total="' + (view === tab ? 1 : 0) + '"]');
    }
    await supervisor.go('#/cases?view=' + tab);
    await supervisor.page.fill('[data-test="cases-query"]', caseNo);
    await supervisor.page.click('[data-test="cases-search-submit"]');
    await supervisor.page.waitForSelector('[data-test="case-row"][data-case="' + caseNo + '"][data-state="' + finalState + '"]');
    assert.ok(!supervisor.page.url().includes(caseNo), 'the search is not in the URL');
    await supervisor.shot('queue-finished');
    log('the supervisor sees it on the dashboard (' + syncRows + ' nodes in the sync monitor)');

    // 督办: the supervisor orders the overdue case handled (a red card; the
    // built city has one, running nodes given with --urls may not); the
    // county's officer answers from the tasks page; the order shows answered.
    let overdue = opts.overdueCase;
    if (!overdue) {
      const first = supervisor.page.locator('[data-test="red-case"]').first();
      overdue = (await first.count()) ? await first.getAttribute('data-case') : null;
    }
    if (!overdue) {
      log('no red-card case at the county; 督办 not exercised');
    } else {
      await supervisor.go('#/dashboard');
      const red = '[data-test="red-case"][data-case="' + overdue + '"] ';
      await supervisor.page.waitForSelector(red + '[data-test="card-badge"][data-card="red"]');
      await supervisor.page.click(red + '[data-test="supervise"]');
      await supervisor.page.fill(red + '[data-test="order-within"]', '0');
      assert.equal(await supervisor.page.$eval(red + '[data-test="order-within"]', (el) => el.checkValidity()), false, 'a reply time of 0 working days is not taken');
      await supervisor.page.fill(red + '[data-test="order-instruction"]', lang === 'zh' ? '请于2个工作日内办结，并说明超期原因。' : 'Finish it within 2 working days and explain the delay.');
      await supervisor.page.fill(red + '[data-test="order-within"]', '2');
      await supervisor.page.click(red + '[data-test="order-submit"]');
      await supervisor.page.waitForSelector('[data-test="alert"].alert-ok').catch(async (e) => {
        throw new Error('the supervision order failed: ' + (await supervisor.alertText()) + ' ' + e.message);
      });
      const orderNo = await supervisor.page.$$eval('[data-test="order-row"][data-answered="false"]', (rows, no) => {
        const mine = rows.filter((r) => r.querySelector('a') && r.querySelector('a').textContent === no);
        return mine.length === 1 ? mine[0].getAttribute('data-order') : 'found ' + mine.length;
      }, overdue);
      assert.match(orderNo, /^441802000000-S\d{8}-\d{6}$/, 'one open order on ' + overdue);
      await supervisor.shot('supervision-ordered');
      await officer.go('#/tasks');
      const orderTask = '[data-test="order-task"][data-order="' + orderNo + '"] ';
      await officer.page.waitForSelector(orderTask);
      await officer.page.fill(orderTask + '[data-test="order-response-text"]', lang === 'zh' ? '入户调查已完成，明日办结。' : 'The home visit is done; it will be decided tomorrow.');
      await officer.rerender(() => officer.page.click(orderTask + '[data-test="order-response-submit"]'));
      await officer.page.waitForSelector('[data-test="alert"].alert-ok').catch(async (e) => {
        throw new Error('answering the order failed: ' + (await officer.alertText()) + ' ' + e.message);
      });
      assert.equal(await officer.page.locator(orderTask).count(), 0, 'an answered order leaves the tasks');
      await officer.go('#/case/' + overdue);
      await officer.page.waitForSelector('[data-test="case-supervision"] [data-order="' + orderNo + '"]');
      await supervisor.go('#/dashboard');
      await supervisor.page.waitForSelector('[data-test="order-row"][data-order="' + orderNo + '"][data-answered="true"]');
      await supervisor.shot('supervision-answered');
      log('督办 ' + orderNo + ' on the overdue case ' + overdue + ' was ordered and answered');
    }

    // The administrator's users page, and the nav by role.
    const admin = await open(urls.county, 'admin');
    await admin.login('admin');
    await admin.go('#/users');
    await admin.page.waitForSelector('[data-test="user-row"][data-login="officer"]');
    const newLogin = lang === 'zh' ? 'clerk2' : 'clerk3';
    await admin.page.fill('[data-test="user-login"]', newLogin);
    await admin.page.fill('[data-test="user-name"]', lang === 'zh' ? '赵窗口' : '钱窗口');
    await admin.page.selectOption('[data-test="user-role"]', 'clerk');
    await admin.page.fill('[data-test="user-phone"]', '0763-3360003');
    await admin.page.fill('[data-test="user-password"]', opts.password);
    await admin.page.click('[data-test="user-submit"]');
    await admin.page.waitForSelector('[data-test="user-row"][data-login="' + newLogin + '"]').catch(async (e) => {
      throw new Error('adding a user failed: ' + (await admin.alertText()) + ' ' + e.message);
    });
    await admin.shot('users');
    // Disabling an account asks first: dismissed, nothing changes; confirmed,
    // the account is disabled.
    const newRow = '[data-test="user-row"][data-login="' + newLogin + '"] ';
    let asked = '';
    admin.page.once('dialog', (d) => { asked = d.message(); d.dismiss(); });
    await admin.page.click(newRow + '[data-test="user-disable"]');
    await until('the confirmation to be asked', 5000, async () => asked !== '', 100);
    assert.ok(asked.includes(newLogin), 'the confirmation names the account: ' + asked);
    assert.equal(await admin.page.locator(newRow + '[data-test="user-disable"]').count(), 1, 'dismissed: still active');
    admin.page.once('dialog', (d) => d.accept());
    await admin.page.click(newRow + '[data-test="user-disable"]');
    await admin.page.waitForSelector(newRow + '[data-test="user-enable"]');
    await admin.go('#/calendar');
    await admin.shot('calendar');
    await admin.go('#/item/' + DIBAO);
    await admin.page.click('[data-test="guide-edit"]');
    await admin.page.waitForSelector('[data-test="edit-json"]');
    await admin.idle();
    await admin.shot('edit');
    // Enrolment (入网): a new town's request token is checked, approved, and
    // the certificate token shown installs at the town.
    const request = opts.enrolRequests && opts.enrolRequests[lang];
    if (request) {
      await admin.go('#/enrol');
      await admin.page.fill('[data-test="enrol-request"]', request.token);
      await admin.page.click('[data-test="enrol-check"]');
      await admin.page.waitForSelector('[data-test="enrol-shown"][data-child="' + request.child + '"][data-approved="false"]').catch(async (e) => {
        throw new Error('checking the request failed: ' + (await admin.alertText()) + ' ' + e.message);
      });
      assert.match(await admin.page.textContent('[data-test="enrol-fingerprint"]'), /^[0-9a-f]{4}(-[0-9a-f]{4}){4}$/);
      await admin.shot('enrol-check');
      await admin.page.click('[data-test="enrol-approve"]');
      await admin.page.waitForSelector('[data-test="enrol-shown"][data-approved="true"]').catch(async (e) => {
        throw new Error('approving the request failed: ' + (await admin.alertText()) + ' ' + e.message);
      });
      const command = await admin.page.inputValue('[data-test="enrol-certificate"]');
      assert.match(command, /^yimen enrol install --data <DIR> yimen-cert1\.\S+$/);
      await admin.shot('enrol-approved');
      const installed = spawnSync(opts.yimen, ['enrol', 'install', '--data', request.dir, command.split(' ').pop()], { encoding: 'utf8', timeout: 60000 });
      assert.equal(installed.status, 0, 'the certificate token installs at ' + request.child + ': ' + installed.stderr);
      log('town ' + request.child + ' enrolled through the web hall');
    }
    assert.equal(await clerk.page.locator('[data-test="nav-users"]').count(), 0, 'a clerk has no users page');
    assert.equal(await officer.page.locator('[data-test="nav-dashboard"]').count(), 0, 'an officer has no dashboard');

    await clerk.page.click('[data-test="logout"]');
    await clerk.page.waitForSelector('[data-test="nav-login"]');
    assert.equal(await clerk.page.locator('[data-test="nav-intake"]').count(), 0, 'logged out: no staff pages in the nav');

    const problems = [].concat(...sessions.map((s) => s.problems));
    assert.deepEqual(problems, [], 'no console errors or CSP violations');
    return caseNo;
  } finally {
    for (const s of sessions) await s.close().catch(() => {});
  }
}

// The UI's static rules: one dictionary per language with the same keys, and
// nothing the Content-Security-Policy would block (inline scripts or styles).
function checkUiFiles() {
  const ui = path.join(SOURCE_DIR, 'web', 'ui');
  const sandbox = { window: {} };
  require('node:vm').runInNewContext(fs.readFileSync(path.join(ui, 'i18n.js'), 'utf8'), sandbox);
  const { zh, en } = sandbox.window.Y.I18N;
  const onlyZh = Object.keys(zh).filter((k) => !(k in en));
  const onlyEn = Object.keys(en).filter((k) => !(k in zh) && !/^(theme|type|form|kind)\./.test(k));
  assert.deepEqual([onlyZh, onlyEn], [[], []], 'every UI string in both languages');
  let total = 0;
  for (const f of fs.readdirSync(ui)) {
    const text = fs.readFileSync(path.join(ui, f), 'utf8');
    total += Buffer.byteLength(text);
    if (f.endsWith('.html')) {
      assert.doesNotMatch(text, /<script(?![^>]*\bsrc=)[^>]*>/i, f + ': inline script');
      assert.doesNotMatch(text, /<style|\sstyle=|\son[a-z]+=/i, f + ': inline style or handler');
    }
    if (f.endsWith('.js')) assert.doesNotMatch(text, /\.style\b|\beval\(|new Function\(|innerHTML/, f + ': style, eval or innerHTML');
  }
  // Uncompressed, both languages included: an old office PC on a village link loads it once.
  assert.ok(total < 300 * 1024, 'the UI stays under 300 KB (' + total + ' bytes)');
}

async function main() {
  const opts = parseArgs(process.argv);
  let city = null;
  let browser = null;
  const watchdog = setTimeout(() => {
    console.error('hall.test.js: the whole test took over ' + WHOLE_TEST_MS / 1000 + ' s; stopping');
    cleanup().finally(() => process.exit(1));
  }, WHOLE_TEST_MS);
  async function cleanup() {
    if (browser) await browser.close().catch(() => {});
    browser = null;
    if (city) await city.stop();
  }
  process.on('uncaughtException', (e) => {
    console.error('FAILED (uncaught): ' + (e && e.stack ? e.stack : e));
    cleanup().finally(() => process.exit(1));
  });
  process.on('SIGINT', () => cleanup().finally(() => process.exit(130)));
  process.on('SIGTERM', () => cleanup().finally(() => process.exit(143)));
  let ok = false;
  try {
    checkUiFiles();
    let urls;
    if (opts.urls) {
      urls = { village: opts.urls[0], county: opts.urls[1] };
    } else {
      city = await buildCity(opts);
      opts.overdueCase = city.overdueCase;
      opts.enrolRequests = city.enrolRequests;
      await city.start('city', false);
      await city.start('county', true);
      await city.start('town', false);
      await city.start('village', true);
      await city.waitHealthy('county');
      await city.waitHealthy('village');
      urls = { village: city.web.village, county: city.web.county };
      log('village web ' + urls.village + ', county web ' + urls.county);
    }
    fs.rmSync(opts.artifacts, { recursive: true, force: true });
    fs.mkdirSync(opts.artifacts, { recursive: true });
    browser = await chromium.launch({ executablePath: opts.chromium, args: ['--no-sandbox'] });
    for (const lang of opts.langs) await scenario(browser, urls, lang, opts);
    ok = true;
    log('passed; screenshots in ' + opts.artifacts);
  } catch (e) {
    console.error('FAILED: ' + (e && e.stack ? e.stack : e));
    if (city) {
      for (const n of ['county', 'village']) console.error('---- ' + n + ' log (tail)\n' + city.log(n));
    }
  } finally {
    clearTimeout(watchdog);
    await cleanup();
  }
  // A failed run leaves the city (data and logs) for a look.
  if (ok && city) fs.rmSync(city.root, { recursive: true, force: true });
  process.exitCode = ok ? 0 : 1;
}

if (require.main === module) main();
else module.exports = { City, buildCity, idNumber };
