#!/usr/bin/env node
// The browser driver for the end-to-end test: a Java integration test starts it, writes one JSON
// command per line on its standard input and reads exactly one JSON answer line per command on
// its standard output ({"ok":true,...} or {"ok":false,"error":"..."}). Everything else goes to
// standard error. It drives the system's Chromium through playwright-core and the real page
// served by the real manager: it observes requests and responses but never intercepts or mocks
// one.
//
// Environment: VNET_UI_URL (the page, e.g. http://127.0.0.1:8470/vnet/ui/), VNET_E2E_OUT (a
// directory for screenshots), CHROMIUM (default /usr/bin/chromium).

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { chromium } from 'playwright-core';

const URL_ = process.env.VNET_UI_URL;
const OUT = process.env.VNET_E2E_OUT || process.cwd();
const EXECUTABLE = process.env.CHROMIUM || '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

function log(...a) {
  process.stderr.write(`driver: ${a.join(' ')}\n`);
}

function answer(doc) {
  process.stdout.write(`${JSON.stringify(doc)}\n`);
}

if (!URL_) {
  log('VNET_UI_URL is not set');
  process.exit(2);
}

let userDataDir = null;
let context = null;
let page = null;

// what the page did, observed
const observed = {
  navigations: 0, // main-frame document loads since `open`
  frameNavigated: 0, // framenavigated events of the main frame (same-document ones included)
  sseRequests: 0,
  pageErrors: [],
  loadErrors: [], // the browser's "Failed to load resource" lines: error statuses the page handles, dropped streams
};

function removeUserDataDir() {
  if (userDataDir) {
    try {
      fs.rmSync(userDataDir, { recursive: true, force: true });
    } catch (e) {
      log(`could not remove ${userDataDir}: ${e.message}`);
    }
    userDataDir = null;
  }
}

let closing = false;

async function shutdown(code, lastAnswer = null) {
  if (closing) {
    return;
  }
  closing = true;
  try {
    if (context) {
      await context.close();
    }
  } catch (e) {
    log(`closing chromium: ${e.message}`);
  }
  context = null;
  removeUserDataDir();
  if (lastAnswer) {
    answer(lastAnswer);
  }
  process.exit(code);
}

process.on('SIGTERM', () => shutdown(143));
process.on('SIGINT', () => shutdown(130));
// the reader went away: nobody to answer, but chromium and its directory must still go
process.stdout.on('error', () => shutdown(1));
process.on('uncaughtException', (e) => {
  log(`uncaught: ${e && e.stack ? e.stack : e}`);
  shutdown(1);
});

async function start() {
  userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vnet-e2e-chromium-'));
  try {
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: EXECUTABLE,
      headless: true,
      args: ARGS,
      viewport: { width: 1280, height: 800 },
      timeout: 60_000,
    });
  } catch (e) {
    log(`chromium (${EXECUTABLE}) could not start: ${e.message}`);
    removeUserDataDir();
    process.exit(3);
  }
  page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(15_000);
  page.on('request', (req) => {
    if (req.isNavigationRequest() && req.frame() === page.mainFrame()) {
      observed.navigations++;
    }
    if (new URL(req.url()).pathname.endsWith('/events')) {
      req.response().then((res) => {
        const ct = res ? res.headers()['content-type'] ?? '' : '';
        if (ct.includes('text/event-stream')) {
          observed.sseRequests++;
        }
      }).catch(() => {});
    }
  });
  page.on('framenavigated', (f) => {
    if (f === page.mainFrame()) {
      observed.frameNavigated++;
    }
  });
  page.on('pageerror', (err) => {
    observed.pageErrors.push(`pageerror: ${err.message}`);
    log(`page error: ${err.message}`);
  });
  page.on('console', (msg) => {
    if (msg.type() !== 'error') {
      return;
    }
    const text = msg.text();
    if (/^Failed to load resource\b/.test(text)) {
      observed.loadErrors.push(`${text} ${msg.location()?.url ?? ''}`.trim());
    } else {
      observed.pageErrors.push(`console: ${text}`);
      log(`console error: ${text}`);
    }
  });
}

// ---- reading the page

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Polls f() until it answers something truthy or the time is up; answers the last value. */
async function poll(f, timeoutMs, intervalMs = 100) {
  const end = Date.now() + timeoutMs;
  let last;
  for (;;) {
    last = await f();
    if (last && last.done) {
      return last;
    }
    if (Date.now() >= end) {
      return last;
    }
    await sleep(intervalMs);
  }
}

/** Everything the page shows that the test asks about, read in one go. */
function readState() {
  return page.evaluate(() => {
    const q = (id) => document.querySelector(`[data-testid="${id}"]`);
    const text = (id) => {
      const el = q(id);
      return el ? el.innerText.trim() : null;
    };
    const num = (el, attr) => (el && el.hasAttribute(attr) ? Number(el.getAttribute(attr)) : null);
    const topo = q('topology-graph');
    const over = q('overlay-graph');
    const controls = q('adaptation-controls');
    const signin = q('signin');
    const view = q('network-view');
    const rate = q('rate-chart');
    const errorEl = q('network-error');
    return {
      signedIn: q('whoami') !== null,
      signin: signin ? { busy: signin.getAttribute('data-busy') === 'true', attempts: Number(signin.getAttribute('data-attempts')) } : null,
      signinError: text('signin-error'),
      whoami: text('whoami'),
      vni: view ? Number(view.getAttribute('data-vni')) : null,
      hash: location.hash,
      class: topo ? topo.getAttribute('data-class') : null,
      nodes: num(topo, 'data-nodes'),
      edges: num(topo, 'data-edges'),
      topologyClass: text('topology-class'),
      changed: text('topology-changed'),
      overlay: over ? { hosts: num(over, 'data-hosts'), vms: num(over, 'data-vms'), links: num(over, 'data-links'), moved: num(over, 'data-moved') } : null,
      movedVms: [...document.querySelectorAll('[data-testid="moved-vms"] li')].map((li) => li.innerText.trim()),
      mode: text('current-mode'),
      busy: controls ? controls.getAttribute('data-busy') === 'true' : null,
      done: controls ? Number(controls.getAttribute('data-done')) : null,
      rows: [...document.querySelectorAll('[data-testid="decision-row"]')].map((r) => ({
        id: Number(r.getAttribute('data-id')),
        applied: r.getAttribute('data-applied') === 'true',
        rolledBack: r.getAttribute('data-rolledback') === 'true',
        trigger: r.getAttribute('data-trigger'),
        state: r.getAttribute('data-state'),
      })),
      actionError: text('action-error'),
      networkError: errorEl ? (errorEl.querySelector('.ant-alert-description')?.innerText.trim() ?? errorEl.innerText.trim()) : null,
      streamStatus: text('stream-status'),
      streamError: text('stream-error'),
      ratePoints: num(rate, 'data-points'),
      rateMarks: num(rate, 'data-marks'),
      rateNow: text('rate-now'),
    };
  });
}

async function state() {
  const s = await readState();
  return {
    ...s,
    navigations: observed.navigations,
    frameNavigated: observed.frameNavigated,
    sseRequests: observed.sseRequests,
    pageErrors: [...observed.pageErrors],
    loadErrors: [...observed.loadErrors],
  };
}

function needPage() {
  if (!page) {
    throw new Error('no page: chromium is not running');
  }
}

/** The text box for a data-testid, whether Ant Design put the attribute on the input or its wrapper. */
function input(id) {
  return page.locator(`input[data-testid="${id}"], [data-testid="${id}"] input`).first();
}

async function signIn(tab, fields, submitId) {
  needPage();
  await page.waitForSelector('[data-testid="signin"]', { timeout: 15_000 });
  await page.getByRole('tab', { name: tab }).click();
  for (const [id, value] of Object.entries(fields)) {
    await input(id).fill(String(value ?? ''));
  }
  const before = (await readState()).signin?.attempts ?? 0;
  await page.click(`[data-testid="${submitId}"]`);
  const s = await poll(async () => {
    const st = await readState();
    if (st.signedIn) {
      return { done: true, st };
    }
    if (st.signin && !st.signin.busy && st.signin.attempts > before) {
      return { done: true, st };
    }
    // a form that would not submit (an empty field) shows Ant Design's field messages instead
    const invalid = await page.locator('.ant-tabs-tabpane-active .ant-form-item-explain-error').count();
    return { done: invalid > 0, invalid: invalid > 0, st };
  }, 30_000);
  if (s.st.signedIn) {
    await page.waitForFunction(() => document.querySelector('[data-testid="whoami"]')?.innerText.trim().length > 0);
    return { ok: true, whoami: (await readState()).whoami };
  }
  if (s.done && !s.invalid) {
    return { ok: false, error: s.st.signinError ?? 'the sign-in failed and the page showed no error' };
  }
  const explain = await page.locator('.ant-form-item-explain-error').allInnerTexts().catch(() => []);
  return { ok: false, error: explain.length ? explain.join('; ') : 'the sign-in did not finish within 30 s' };
}

/** Clicks "Sign out" and waits for the sign-in screen. */
async function signOutCmd() {
  needPage();
  await page.click('[data-testid="signout"]');
  await page.waitForSelector('[data-testid="signin"]', { timeout: 15_000 });
  return { ok: true, signinError: (await readState()).signinError };
}

/** Opens the network picker's list (Ant Design's Select), once the networks are loaded. */
async function openPicker() {
  const select = page.locator('[data-testid="network-select"]');
  await select.waitFor();
  await page.waitForFunction(() => !document.querySelector('[data-testid="network-select"] .ant-select-arrow-loading'));
  const isOpen = async () => (await select.getAttribute('class')).includes('ant-select-open');
  if (!(await isOpen())) {
    await select.click();
  }
  await poll(async () => ({ done: await isOpen() }), 5000, 50);
  // the list is drawn when it has finished opening
  await poll(async () => {
    const shown = await page.locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden)').count();
    const moving = await page.locator('.ant-select-dropdown.ant-slide-up-enter, .ant-select-dropdown.ant-slide-up-appear').count();
    return { done: shown > 0 && moving === 0 };
  }, 5000, 50);
}

/** Closes the picker's list without choosing. */
async function closePicker() {
  const select = page.locator('[data-testid="network-select"]');
  if ((await select.getAttribute('class')).includes('ant-select-open')) {
    await page.keyboard.press('Escape');
  }
  await poll(async () => ({ done: !(await select.getAttribute('class')).includes('ant-select-open') }), 5000, 50);
}

async function networks() {
  needPage();
  await openPicker();
  const got = await poll(async () => {
    const vnis = await page.$$eval('.ant-select-dropdown:not(.ant-select-dropdown-hidden) [data-testid="network-option"]',
      (els) => els.map((e) => Number(e.getAttribute('data-vni'))));
    const empty = await page.locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-empty').count();
    return { done: vnis.length > 0 || empty > 0, vnis };
  }, 10_000);
  await closePicker();
  return { ok: true, networks: got.vnis };
}

/** After choosing a network: wait up to 5 s for its drawing or its error. */
async function settle(vni) {
  const s = await poll(async () => {
    const st = await readState();
    const here = st.vni === vni;
    const drawn = here && st.streamStatus === 'live' && st.nodes !== null && st.overlay !== null;
    return { done: here && (st.networkError !== null || drawn), st };
  }, 5000);
  return { ok: true, vni, settled: Boolean(s.done), error: s.st.vni === vni ? s.st.networkError : null, hash: s.st.hash };
}

async function select(vni) {
  needPage();
  await openPicker();
  const option = page.locator(`.ant-select-dropdown:not(.ant-select-dropdown-hidden) [data-testid="network-option"][data-vni="${vni}"]`);
  if ((await option.count()) === 0) {
    await closePicker();
    return { ok: false, error: `the network picker does not offer ${vni}` };
  }
  await option.first().click();
  return settle(vni);
}

async function go(vni) {
  needPage();
  await page.evaluate((n) => {
    location.hash = `#/networks/${n}`;
  }, vni);
  return settle(vni);
}

async function waitTopology({ cls, nodes, edges, timeoutMs = 30_000 }) {
  needPage();
  const s = await poll(async () => {
    const st = await readState();
    const match = st.class !== null && (cls === undefined || st.class === cls) && (nodes === undefined || st.nodes === nodes)
      && (edges === undefined || st.edges === edges) && (cls !== undefined || st.class !== '');
    return { done: match, st };
  }, timeoutMs, 200);
  const { st } = s;
  if (!s.done) {
    return {
      ok: false,
      error: `topology not shown within ${timeoutMs} ms: last shown class ${JSON.stringify(st.class)}, ${st.nodes} nodes, ${st.edges} edges`,
      cls: st.class, nodes: st.nodes, edges: st.edges, changed: st.changed,
    };
  }
  return { ok: true, cls: st.class, nodes: st.nodes, edges: st.edges, changed: st.changed };
}

/** Clicks a control of the adaptation panel and waits until its call has finished. */
async function action(selector, timeoutMs = 60_000) {
  const before = await readState();
  if (before.done === null) {
    return { ok: false, error: 'the adaptation panel is not shown' };
  }
  const target = page.locator(selector).first();
  if (await target.isDisabled().catch(() => false)) {
    return { ok: false, error: `${selector} is disabled` };
  }
  await target.click();
  const s = await poll(async () => {
    const st = await readState();
    return { done: st.done > before.done && !st.busy, st };
  }, timeoutMs);
  if (!s.done) {
    return { ok: false, error: `the call did not finish within ${timeoutMs} ms`, actionError: s.st.actionError };
  }
  return { ok: true, st: s.st };
}

async function setMode(mode) {
  needPage();
  if (!['off', 'recommend', 'automatic'].includes(mode)) {
    return { ok: false, error: `mode: expected off, recommend or automatic, got ${JSON.stringify(mode)}` };
  }
  await page.waitForSelector('[data-testid="adaptation-controls"]');
  const st = await readState();
  if (st.mode === mode) {
    return { ok: true, mode: st.mode, actionError: st.actionError, unchanged: true };
  }
  const r = await action(`[data-testid="mode-${mode}"]`);
  if (!r.ok) {
    return r;
  }
  return { ok: true, mode: r.st.mode, actionError: r.st.actionError };
}

async function adaptationCall(id) {
  needPage();
  await page.waitForSelector(`[data-testid="${id}"]`);
  const r = await action(`[data-testid="${id}"]`);
  if (!r.ok) {
    return r;
  }
  return { ok: true, actionError: r.st.actionError, rows: r.st.rows.map(row) };
}

function row(r) {
  return { id: r.id, applied: r.applied, rolledBack: r.rolledBack, trigger: r.trigger };
}

async function waitRows({ predicate, id, timeoutMs = 30_000 }) {
  needPage();
  if (predicate !== 'applied' && predicate !== 'rolledBack') {
    return { ok: false, error: `predicate: expected applied or rolledBack, got ${JSON.stringify(predicate)}` };
  }
  const s = await poll(async () => {
    const st = await readState();
    const hit = st.rows.find((r) => r[predicate] && (id === undefined || id === null || r.id === id));
    return { done: Boolean(hit), st, hit };
  }, timeoutMs, 200);
  if (!s.done) {
    return { ok: false, error: `no ${predicate} row${id !== undefined ? ' with id ' + id : ''} within ${timeoutMs} ms`, rows: s.st.rows.map(row) };
  }
  return { ok: true, row: row(s.hit), rows: s.st.rows.map(row) };
}

async function resize(width, height) {
  needPage();
  await page.setViewportSize({ width: Math.round(width), height: Math.round(height) });
  await sleep(500); // the graphs and the chart follow their containers
  const m = await page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    clientWidth: document.documentElement.clientWidth,
  }));
  return { ok: true, ...m };
}

async function screenshot(name) {
  needPage();
  const base = path.basename(String(name || 'page.png'));
  const file = path.join(OUT, base.endsWith('.png') ? base : `${base}.png`);
  fs.mkdirSync(OUT, { recursive: true });
  await page.screenshot({ path: file, fullPage: true });
  return { ok: true, path: file };
}

async function open() {
  needPage();
  observed.navigations = 0;
  observed.frameNavigated = 0;
  observed.sseRequests = 0;
  observed.pageErrors.length = 0;
  observed.loadErrors.length = 0;
  const res = await page.goto(URL_, { waitUntil: 'load', timeout: 30_000 });
  if (!res || !res.ok()) {
    return { ok: false, error: `${URL_} answered ${res ? res.status() : 'nothing'}` };
  }
  await page.waitForSelector('[data-testid="signin"]', { timeout: 15_000 });
  return { ok: true, url: page.url() };
}

/**
 * Loads hostUrl, a page on another origin that shows the manager's page in an iframe (as
 * CloudStack's console shows a UI plugin), and tells whether the framed page came up (its sign-in
 * form rendered inside the frame). With user and password it also signs the local admin in
 * inside the frame: the session is a bearer token in the frame's memory, no cookie. The browser
 * enforces the manager's frame-ancestors: a host it does not name gets no page in the frame.
 */
async function framed({ hostUrl, user, password, timeoutMs = 8000 }) {
  needPage();
  observed.navigations = 0;
  const res = await page.goto(hostUrl, { waitUntil: 'load', timeout: 30_000 });
  if (!res || !res.ok()) {
    return { ok: false, error: `${hostUrl} answered ${res ? res.status() : 'nothing'}` };
  }
  const element = await page.waitForSelector('iframe', { timeout: 10_000 });
  const frame = await element.contentFrame();
  let loaded = false;
  if (frame) {
    loaded = await frame.waitForSelector('[data-testid="signin"]', { timeout: timeoutMs }).then(() => true, () => false);
  }
  const out = { ok: true, loaded, frameUrl: frame ? frame.url() : null, whoami: null, cookies: null };
  if (loaded && user) {
    await frame.getByRole('tab', { name: 'Local admin' }).click();
    await frame.locator('input[data-testid="signin-user"], [data-testid="signin-user"] input').first().fill(String(user));
    await frame.locator('input[data-testid="signin-password"], [data-testid="signin-password"] input').first()
      .fill(String(password ?? ''));
    await frame.click('[data-testid="signin-submit-local"]');
    out.whoami = await frame.waitForFunction(() => document.querySelector('[data-testid="whoami"]')?.innerText.trim() || null,
      null, { timeout: 15_000 }).then((h) => h.jsonValue(), () => null);
    out.cookies = (await context.cookies()).length;
  }
  return out;
}

async function run(cmd) {
  switch (cmd.cmd) {
    case 'open':
      return open();
    case 'signInLocal':
      return signIn('Local admin', { 'signin-user': cmd.user, 'signin-password': cmd.password }, 'signin-submit-local');
    case 'signInKeys':
      return signIn('CloudStack API keys', { 'signin-apikey': cmd.apiKey, 'signin-secret': cmd.secretKey }, 'signin-submit-keys');
    case 'networks':
      return networks();
    case 'signOut':
      return signOutCmd();
    case 'select':
      return select(Number(cmd.vni));
    case 'go':
      return go(Number(cmd.vni));
    case 'waitTopology':
      return waitTopology(cmd);
    case 'state':
      needPage();
      return { ok: true, ...(await state()) };
    case 'setMode':
      return setMode(cmd.mode);
    case 'apply':
      return adaptationCall('apply');
    case 'rollback':
      return adaptationCall('rollback');
    case 'waitRows':
      return waitRows(cmd);
    case 'resize':
      return resize(cmd.width ?? 1280, cmd.height ?? 800);
    case 'screenshot':
      return screenshot(cmd.path);
    case 'framed':
      return framed(cmd);
    default:
      return { ok: false, error: `unknown command ${JSON.stringify(cmd.cmd)}` };
  }
}

await start();
log(`chromium ${context.browser()?.version() ?? ''} started; page ${URL_}`);

const rl = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
for await (const line of rl) {
  if (!line.trim()) {
    continue;
  }
  let cmd;
  try {
    cmd = JSON.parse(line);
  } catch (e) {
    answer({ ok: false, error: `not a JSON command: ${e.message}` });
    continue;
  }
  if (cmd && cmd.cmd === 'quit') {
    await shutdown(0, { ok: true });
  }
  try {
    answer(await run(cmd ?? {}));
  } catch (e) {
    log(`${cmd?.cmd}: ${e.stack ?? e}`);
    answer({ ok: false, error: String(e && e.message ? e.message : e).split('\n')[0] });
  }
}
// standard input closed without quit
await shutdown(0);
