// The kiosk's browser test: drives kiosk/dist/index.html in the system's headless Chromium
// (Debian's /usr/bin/chromium) through playwright-core, with the network disabled.
//
//   node kiosk/test/browser.mjs FIXTURES_DIR
//
// FIXTURES_DIR holds what `kiosk-fixtures` wrote: expected.json (the conformance vectors'
// bits, computed natively by the host reader and scorer) and keys/ (a fresh test-only key
// pair's envelopes). The page must have been built with keys/keys.json's public key.
//
// It checks, and counts:
// - every conformance record scored in the page through its public JavaScript interface
//   (`silkscore.scoreCsv` and, for the rows that parse, `silkscore.score` with the row's
//   cells) gives the native f32 bits, statuses, coverage, basis points and grades;
// - signed envelopes: two accepted, the tampered, rolled-back and untrusted ones refused,
//   and the highest revision remembered across a reload and a browser restart;
// - the offline log: kept in IndexedDB across reloads and restarts, exported twice with a
//   reload between to the same bytes, a valid journal region read back natively entry by
//   entry (the same records, bits and sequence numbers), the UI's download the same bytes;
// - layout: no horizontal overflow, touch targets of at least 48 CSS px, text contrast of
//   at least 4.5:1, no untranslated string, keyboard navigation of the tabs; screenshots in
//   both orientations and both languages into kiosk/dist/screenshots/;
// - no network request at all (http, https, ws, anything but the page's own file), and a
//   Content-Security-Policy that blocks one when it is attempted.
import { spawnSync } from 'node:child_process';
import { createServer } from 'node:http';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
const kioskDir = resolve(here, '..');
const dist = join(kioskDir, 'dist');
const pageUrl = pathToFileURL(join(dist, 'index.html')).href;
const fixtures = resolve(process.argv[2] || '');
const expected = JSON.parse(readFileSync(join(fixtures, 'expected.json'), 'utf8'));
const keys = JSON.parse(readFileSync(join(fixtures, 'keys', 'keys.json'), 'utf8'));
const chromiumPath = process.env.CHROMIUM || '/usr/bin/chromium';
const ARGS = ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--disable-default-apps', '--disable-extensions', '--no-default-browser-check',
  '--disable-features=OptimizationHints,MediaRouter,Translate,AutofillServerCommunication'];
const PORTRAIT = { width: 1080, height: 1920 };
const LANDSCAPE = { width: 1920, height: 1080 };

let passed = 0;
let failed = 0;
const network = [];
function check(ok, what) {
  if (ok) {
    passed++;
  } else {
    failed++;
    console.error('FAIL: ' + what);
  }
  return ok;
}
function section(name) { console.log('--- ' + name); }

// Everything a page or the browser asks for: only the page's own file is not network. An
// attempt that the page's CSP blocks before it reaches the network counts too.
async function watch(context) {
  await context.exposeBinding('__kioskViolation', (_, what) => network.push('blocked by the CSP: ' + what));
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__kioskViolation(e.violatedDirective + ' ' + e.blockedURI);
    });
  });
  const own = pathToFileURL(dist).href;
  context.on('request', (r) => {
    const url = r.url();
    if (url.startsWith(own + '/') || url.startsWith('data:') || url.startsWith('blob:')) return;
    network.push(url);
  });
  context.on('page', (page) => {
    page.on('websocket', (ws) => network.push(ws.url()));
    page.on('pageerror', (e) => check(false, 'page error: ' + e.message));
  });
}

async function launch(userDataDir, viewport) {
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: chromiumPath, headless: true, args: ARGS, viewport, offline: true,
    acceptDownloads: true, locale: 'en-GB',
  });
  await watch(context);
  for (const p of context.pages()) {
    p.on('pageerror', (e) => check(false, 'page error: ' + e.message));
  }
  return context;
}

async function open(context) {
  const page = context.pages()[0] || await context.newPage();
  await page.goto(pageUrl);
  await page.waitForSelector('html[data-ready="true"]', { timeout: 20000 });
  return page;
}

async function reload(page) {
  await page.reload();
  await page.waitForSelector('html[data-ready="true"]', { timeout: 20000 });
}

function fixturesTool(...args) {
  const r = spawnSync('cargo', ['run', '-q', '-p', 'silkscore-kiosk', '--bin', 'kiosk-fixtures', '--', ...args],
    { cwd: resolve(kioskDir, '..'), encoding: 'utf8' });
  if (r.status !== 0) throw new Error('kiosk-fixtures ' + args.join(' ') + ': ' + r.stderr);
  return r.stdout;
}

// ---- bit-identical ---------------------------------------------------------------------
async function bitIdentical(page) {
  section('bit-identical: conformance vectors through window.silkscore');
  let records = 0;
  for (const c of expected.cases) {
    const got = await page.evaluate(async ({ model, csv, rows }) => {
      const s = window.silkscore;
      if (model) {
        const r = s.loadCompiled(s.fromHex(model));
        if (!r.ok) return { error: JSON.stringify(r.error) };
      } else {
        s.useBuiltin();
      }
      const fingerprint = s.model.fingerprint;
      const csvResult = await s.scoreCsv(csv);
      const pick = (o) => ({
        status: o.status, bits: o.bits, coverage: o.coverageBits, grade: o.grade,
        basisPoints: o.basisPoints, line: o.line, id: o.id,
      });
      const form = rows.map((row) => (row.cells ? pick(s.score(row.cells, row.record_id)) : null));
      return { fingerprint, rows: csvResult.rows.map(pick), form, fatal: csvResult.fatal, csv: s.toCsv(csvResult) };
    }, { model: c.model, csv: c.csv, rows: c.rows });
    if (!check(!got.error, c.name + ': model loads: ' + got.error)) continue;
    check(got.fingerprint === c.fingerprint, c.name + ': fingerprint');
    check(got.fatal === null, c.name + ': no fatal error');
    check(got.rows.length === c.rows.length, c.name + ': row count ' + got.rows.length + ' vs ' + c.rows.length);
    const cliLines = c.cli_csv.split('\n');
    const pageLines = got.csv.split('\n');
    const differ = cliLines.findIndex((line, i) => line !== pageLines[i]);
    check(got.csv === c.cli_csv, c.name + ': silkscore.toCsv writes what `silkscore score` writes; first difference: '
      + JSON.stringify([cliLines[differ], pageLines[differ]]));
    let same = 0;
    c.rows.forEach((want, i) => {
      const g = got.rows[i] || {};
      const eq = (a, b) => JSON.stringify(a) === JSON.stringify(b);
      let ok = g.status === want.status && eq(g.bits, want.values) && eq(g.coverage, want.coverage)
        && g.grade === want.grade && eq(g.basisPoints, want.basis_points) && g.line === want.line && g.id === want.id;
      const f = got.form[i];
      if (f) {
        ok = ok && f.status === want.status && eq(f.bits, want.values) && eq(f.coverage, want.coverage)
          && f.grade === want.grade && eq(f.basisPoints, want.basis_points);
      }
      if (check(ok, `${c.name} line ${want.line}: page ${JSON.stringify(g)} form ${JSON.stringify(f)} native ${JSON.stringify(want)}`)) same++;
    });
    console.log(`${c.name}: ${same}/${c.rows.length} records bit-identical (${c.rows.filter((r) => r.cells).length} also through the form's path)`);
    records += same;
  }
  await page.evaluate(() => window.kiosk.useBuiltin());
  return records;
}

// ---- signed models -----------------------------------------------------------------------
async function loadEnvelope(page, name) {
  await page.evaluate(() => {
    window.kiosk.selectTab('models');
    const old = document.getElementById('model-message');
    if (old) old.remove();
  });
  await page.setInputFiles('#envelope-file', join(fixtures, 'keys', name));
  await page.waitForSelector('#model-message');
  return page.evaluate(() => {
    const m = document.getElementById('model-message');
    return { code: m.dataset.code, text: m.textContent, fingerprint: window.silkscore.model.fingerprint,
      highest: window.kiosk.highestRevision(), saved: window.kiosk.savedModel() };
  });
}

async function signedModels(page) {
  section('signed models');
  let refusals = 0;
  const refused = (r, code, what) => {
    if (check(r.code === code, what + ': refused as ' + code + ', got ' + r.code + ' (' + r.text + ')')) refusals++;
  };
  let r = await loadEnvelope(page, 'rev1.env');
  check(r.code === 'ok' && r.highest === 1 && r.fingerprint === keys.rev1.fingerprint, 'rev1 accepted: ' + r.text);
  r = await loadEnvelope(page, 'rev2.env');
  check(r.code === 'ok' && r.highest === 2 && r.fingerprint === keys.rev2.fingerprint, 'rev2 accepted: ' + r.text);
  r = await loadEnvelope(page, 'tampered.env');
  refused(r, 'bad_signature', 'tampered envelope');
  check(r.fingerprint === keys.rev2.fingerprint && r.highest === 2, 'tampered: the model in use is unchanged');
  r = await loadEnvelope(page, 'rollback.env');
  refused(r, 'rollback', 'rolled-back envelope (revision 2 again)');
  r = await loadEnvelope(page, 'rev1.env');
  refused(r, 'rollback', 'replayed revision 1');
  r = await loadEnvelope(page, 'untrusted.env');
  refused(r, 'untrusted_key', 'envelope signed by another key');
  await page.screenshot({ path: join(dist, 'screenshots', 'models-refused-en.png') });
  await reload(page);
  const after = await page.evaluate(() => ({ fingerprint: window.silkscore.model.fingerprint, highest: window.kiosk.highestRevision(),
    shown: document.getElementById('highest-revision').textContent }));
  check(after.highest === 2 && after.shown === '2', 'highest revision remembered after a reload');
  check(after.fingerprint === keys.rev2.fingerprint, 'signed model still in use after a reload');
  r = await loadEnvelope(page, 'rollback.env');
  refused(r, 'rollback', 'rolled-back envelope after a reload');
  return refusals;
}

// ---- offline log -------------------------------------------------------------------------
async function exportLog(page) {
  return page.evaluate(async () => {
    const x = await window.kiosk.exportLog(false);
    return { bytes: window.silkscore.toBase64(x.bytes), entries: x.entries, bad: x.bad, check: x.check };
  });
}

async function logEntries(page, csv) {
  section('offline log');
  await page.evaluate(() => window.kiosk.useBuiltin());
  const before = await page.evaluate(() => window.kiosk.logCount());
  const scored = await page.evaluate(async (text) => {
    const r = await window.kiosk.scorePortfolio(new TextEncoder().encode(text), 'default_records.csv');
    const p = await window.kiosk.scoreProject(window.silkscore.model.indicators.map(() => '7'), 4242);
    return { ids: r.rows.filter((x) => x.scored).map((x) => [Number(x.id), x.bits]), project: [4242, p.bits], logged: r.logged, seq: p.sequence };
  }, csv);
  const count = await page.evaluate(() => window.kiosk.logCount());
  check(count === before + scored.ids.length + 1, `log grew by every score (${before} → ${count})`);
  const a = await exportLog(page);
  await reload(page);
  const b = await exportLog(page);
  check(a.bytes === b.bytes && a.entries === count, 'export, reload, export: the same bytes, every entry');
  check(a.bad.length === 0 && a.check && a.check.entries === count && a.check.consecutive && a.check.corruptRegions === 0,
    'the page checked its export as a journal: ' + JSON.stringify(a.check));
  const file = join(fixtures, 'export.bin');
  writeFileSync(file, Buffer.from(a.bytes, 'base64'));
  const native = JSON.parse(fixturesTool('journal', file));
  check(native.entries === count && native.clean, 'read back natively as a journal region: ' + native.entries + ' entries, clean ' + native.clean);
  // …and by the host tool, as a device's journal dump: `silkscore journal read`.
  const cli = spawnSync('cargo', ['run', '-q', '-p', 'silkscore-cli', '--', 'journal', 'read', file, '--format', 'json'],
    { cwd: resolve(kioskDir, '..'), encoding: 'utf8' });
  check(cli.status === 0, 'silkscore journal read: exit 0 (clean): ' + cli.stderr);
  const host = JSON.parse(cli.stdout || '{"entries":[],"report":{}}');
  const f32 = (x) => { const b = new DataView(new ArrayBuffer(4)); b.setFloat32(0, x); return b.getUint32(0); };
  const hostSame = host.report.clean === true && host.entries.length === native.records.length
    && host.entries.every((e, i) => e.sequence === native.records[i].sequence && e.id === native.records[i].record_id
      && JSON.stringify([e.cultural, e.economic, e.security, e.composite].map(f32)) === JSON.stringify(native.records[i].values.slice(0, 4)));
  check(hostSame, 'silkscore journal read recovers the same entries, bit for bit (' + host.entries.length + ')');
  const seqOk = native.records.every((e, i) => e.sequence === i);
  check(seqOk, 'sequence numbers 0..n-1, none lost, none twice');
  // the entries this run added, in order: the portfolio's scored rows in file order, then
  // the project
  const added = native.records.slice(before);
  const want = scored.ids.concat([scored.project]);
  const same = added.length === want.length && added.every((e, i) => e.record_id === want[i][0]
    && JSON.stringify(e.values) === JSON.stringify(want[i][1]));
  check(same, 'the exported entries are the scores the page made, bit for bit');
  // the UI's export button downloads the same bytes
  await page.evaluate(() => window.kiosk.selectTab('log'));
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export-log')]);
  const dl = readFileSync(await download.path());
  check(dl.toString('base64') === a.bytes, 'the downloaded export is the same file');
  check(/^silkscore-kiosk-log-\d{8}-\d{6}\.bin$/.test(download.suggestedFilename()), 'export file name');
  return { count, bytes: a.bytes };
}

// ---- layout, language, screenshots --------------------------------------------------------
async function layout(page, viewport, lang, tag) {
  await page.setViewportSize(viewport);
  await page.evaluate((l) => window.kiosk.setLang(l), lang);
  const report = await page.evaluate(() => {
    const problems = [];
    const doc = document.documentElement;
    if (doc.scrollWidth > window.innerWidth + 1) problems.push('horizontal overflow: ' + doc.scrollWidth + ' > ' + window.innerWidth);
    const visible = (el) => {
      const r = el.getBoundingClientRect();
      const cs = getComputedStyle(el);
      return r.width > 0 && r.height > 0 && cs.visibility !== 'hidden' && !el.closest('[hidden]');
    };
    for (const el of document.querySelectorAll('button, input, select, a[href], .file-btn')) {
      if (!visible(el) || el.type === 'file' || el.classList.contains('skip')) continue;
      const r = (el.closest('.file-btn') || el).getBoundingClientRect();
      if (r.height < 48 || r.width < 48) problems.push('small target ' + (el.id || el.textContent.trim().slice(0, 30)) + ' ' + Math.round(r.width) + '×' + Math.round(r.height));
    }
    const rgb = (s) => (s.match(/[\d.]+/g) || []).map(Number);
    const lum = ([r, g, b]) => {
      const f = (c) => { c /= 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; };
      return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
    };
    const background = (el) => {
      for (let e = el; e; e = e.parentElement) {
        const c = rgb(getComputedStyle(e).backgroundColor);
        if (c.length >= 3 && (c.length < 4 || c[3] > 0.9)) return c;
      }
      return [255, 255, 255];
    };
    const seen = new Set();
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const el = n.parentElement;
      if (!n.textContent.trim() || !el || seen.has(el) || !visible(el) || el.closest('svg')) continue;
      seen.add(el);
      const fg = rgb(getComputedStyle(el).color);
      const bg = background(el);
      const [l1, l2] = [lum(fg), lum(bg)].sort((x, y) => y - x);
      const ratio = (l1 + 0.05) / (l2 + 0.05);
      if (ratio < 4.5) problems.push('contrast ' + ratio.toFixed(2) + ' for “' + n.textContent.trim().slice(0, 30) + '”');
      if (/\[object |^(null|undefined)|NaN/.test(n.textContent)) problems.push('broken text “' + n.textContent.trim().slice(0, 40) + '”');
      if (/^[a-z]+(_[a-z]+)+$/.test(n.textContent.trim()) && !el.closest('.mono') && !el.closest('#ranking')) {
        problems.push('untranslated key “' + n.textContent.trim() + '”');
      }
    }
    const minFont = Math.min(...Array.from(document.querySelectorAll('p, label, td, th, button, legend, dd, dt'))
      .filter(visible).map((e) => parseFloat(getComputedStyle(e).fontSize)));
    if (minFont < 16) problems.push('text smaller than 16 px: ' + minFont);
    return problems;
  });
  check(report.length === 0, `${tag}: layout problems: ${report.slice(0, 8).join('; ')}`);
  if (lang === 'zh') {
    const untranslated = await page.evaluate(() => {
      const en = window.KioskI18n.en;
      const zh = window.KioskI18n.zh;
      return Object.keys(en).filter((k) => !(k in zh));
    });
    check(untranslated.length === 0, 'every string has a Chinese version: missing ' + untranslated.join(', '));
  }
}

async function screenshots(page, csv) {
  section('screenshots and layout');
  const shots = join(dist, 'screenshots');
  for (const [orientation, viewport] of [['portrait', PORTRAIT], ['landscape', LANDSCAPE]]) {
    for (const lang of ['en', 'zh']) {
      const tag = `${orientation}-${lang}`;
      await page.setViewportSize(viewport);
      await page.evaluate((l) => { window.kiosk.setLang(l); window.kiosk.selectTab('score'); }, lang);
      await page.evaluate(() => window.scrollTo(0, 0));
      await page.screenshot({ path: join(shots, `${tag}-form.png`) });
      await layout(page, viewport, lang, tag + ' form');
      await page.click('#example-button');
      await page.click('#score-button');
      await page.waitForSelector('#composite');
      await page.evaluate(() => document.getElementById('result').scrollIntoView({ block: 'start' }));
      await page.screenshot({ path: join(shots, `${tag}-result.png`) });
      await layout(page, viewport, lang, tag + ' result');
      await page.evaluate(async (text) => {
        window.kiosk.selectTab('portfolio');
        await window.kiosk.scorePortfolio(new TextEncoder().encode(text), 'default_records.csv');
        window.scrollTo(0, 0);
      }, csv);
      await page.screenshot({ path: join(shots, `${tag}-portfolio.png`) });
      await layout(page, viewport, lang, tag + ' portfolio');
      await page.evaluate(() => window.kiosk.selectTab('models'));
      await layout(page, viewport, lang, tag + ' models');
      await page.evaluate(() => window.kiosk.selectTab('log'));
      await layout(page, viewport, lang, tag + ' log');
    }
  }
  // The page's form with a project that cannot be scored (plain-language reason).
  await page.setViewportSize(PORTRAIT);
  await page.evaluate(() => { window.kiosk.setLang('en'); window.kiosk.selectTab('score'); });
  const reason = await page.evaluate(async () => {
    const m = window.silkscore.model;
    const cells = m.indicators.map((ind) => (ind.connotation === 'security' ? '' : '5'));
    const o = await window.kiosk.scoreProject(cells, 1);
    return o.status;
  });
  check(reason === 'insufficient_data:security', 'a project without security values is refused: ' + reason);
}

async function keyboard(page) {
  section('keyboard');
  await page.evaluate(() => window.kiosk.selectTab('score'));
  await page.focus('#tab-score');
  await page.keyboard.press('ArrowRight');
  const tab = await page.evaluate(() => document.activeElement.id + ' ' + document.getElementById('tab-portfolio').getAttribute('aria-selected'));
  check(tab === 'tab-portfolio true', 'arrow keys move between tabs: ' + tab);
  await page.evaluate(() => window.kiosk.selectTab('score'));
  await page.click('#example-button');
  await page.focus('#ind-0');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#composite');
  check(true, 'Enter in a field scores the project');
  // A blank field without "Unknown" is an error, never a silent missing value.
  await page.click('#example-button');
  await page.fill('#ind-1', '');
  await page.click('#score-button');
  const err = await page.evaluate(() => Array.from(document.querySelectorAll('.field.bad input')).map((e) => e.id));
  check(err.length === 1 && err[0] === 'ind-1', 'a blank value without Unknown is refused: ' + err);
  await page.fill('#ind-1', '1,5');
  await page.fill('#ind-2', 'abc');
  await page.click('#score-button');
  const bad = await page.evaluate(() => Array.from(document.querySelectorAll('.field.bad input')).map((e) => e.id).join(','));
  check(bad === 'ind-1,ind-2', 'every value the core cannot parse is marked: ' + bad);
}

// ---- CSP and a static server ----------------------------------------------------------------
async function policy(browser) {
  section('content security policy');
  const html = readFileSync(join(dist, 'index.html'), 'utf8');
  const csp = (html.match(/http-equiv="Content-Security-Policy" content="([^"]*)"/) || [])[1] || '';
  check(/default-src 'none'/.test(csp) && /connect-src 'none'/.test(csp) && !/unsafe-inline|https?:|\*/.test(csp),
    'the page declares a CSP that forbids the network: ' + csp.slice(0, 80));
  // A separate, online context: an attempted request is blocked by the policy itself.
  const context = await browser.newContext();
  const page = await context.newPage();
  const reached = [];
  const refused = [];
  context.on('requestfinished', (r) => reached.push(r.url()));
  context.on('requestfailed', (r) => refused.push(r.failure() ? r.failure().errorText : '?'));
  await page.goto(pageUrl);
  await page.waitForSelector('html[data-ready="true"]');
  const blocked = await page.evaluate(async () => {
    const seen = [];
    document.addEventListener('securitypolicyviolation', (e) => seen.push(e.violatedDirective));
    try { await fetch('http://127.0.0.1:9/probe'); } catch (_) { /* blocked */ }
    const img = document.createElement('img');
    img.src = 'http://127.0.0.1:9/probe.png';
    document.body.append(img);
    await new Promise((r) => setTimeout(r, 300));
    return seen;
  });
  check(blocked.includes('connect-src') && blocked.includes('img-src'), 'CSP blocks fetch and images: ' + blocked.join(','));
  check(reached.every((u) => u.startsWith('file:')), 'nothing left the page: ' + reached.filter((u) => !u.startsWith('file:')).join(' '));
  check(refused.length > 0 && refused.every((e) => /csp/i.test(e)), 'the attempts were refused by the CSP: ' + refused.join(' '));
  await context.close();
}

async function staticServer(browser) {
  section('from a static server');
  const html = readFileSync(join(dist, 'index.html'));
  const server = createServer((req, res) => {
    if (req.url === '/' || req.url === '/index.html') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(html);
    } else {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${server.address().port}/`;
  const context = await browser.newContext();
  const requests = [];
  context.on('request', (r) => requests.push(r.url()));
  const page = await context.newPage();
  await page.goto(url);
  await page.waitForSelector('html[data-ready="true"]');
  await page.click('#example-button');
  await page.click('#score-button');
  await page.waitForSelector('#composite');
  check(requests.length === 1 && requests[0] === url, 'served over http: one request, the page itself: ' + requests.join(' '));
  await context.close();
  server.close();
}

// Rust's `{:.6}` rounds exact ties to even; the page's formatter must too.
async function formatting(page) {
  section('number formatting');
  const got = await page.evaluate(() => [50.0078125, 50.0234375, 0.25, 2.5, 0.03125, 0, 100, 1e-7]
    .map((v, i) => window.silkscore.fixed(v, i === 2 ? 1 : i === 3 ? 0 : i === 4 ? 4 : 6)));
  const want = ['50.007812', '50.023438', '0.2', '2', '0.0312', '0.000000', '100.000000', '0.000000'];
  check(JSON.stringify(got) === JSON.stringify(want), 'formatting as Rust: ' + got.join(' '));
}

// ---- the embedded font ----------------------------------------------------------------------
async function fonts(page) {
  section('embedded font');
  const coverage = new Set(readFileSync(join(kioskDir, 'web', 'fonts', 'coverage.txt'), 'utf8'));
  const text = readFileSync(join(kioskDir, 'web', 'i18n.js'), 'utf8');
  const missing = [...new Set(text)].filter((c) => c.trim() && !coverage.has(c));
  check(missing.length === 0, 'the embedded font covers every character of i18n.js (run kiosk/web/fonts/subset.py): ' + missing.join(''));
  const loaded = await page.evaluate(async () => {
    await document.fonts.ready;
    return Array.from(document.fonts).filter((f) => f.family.replace(/"/g, '') === 'Kiosk Sans' && f.status === 'loaded').map((f) => f.weight);
  });
  check(loaded.length === 2, 'both weights of the embedded font are in use: ' + loaded.join(','));
}

// ---- main ----------------------------------------------------------------------------------
async function main() {
  rmSync(join(dist, 'screenshots'), { recursive: true, force: true });
  mkdirSync(join(dist, 'screenshots'), { recursive: true });
  const profile = mkdtempSync(join(tmpdir(), 'silkscore-kiosk-'));
  const csv = expected.cases[0].csv;
  let records = 0;
  let refusals = 0;
  try {
    let context = await launch(profile, PORTRAIT);
    let page = await open(context);
    check(await page.evaluate(() => window.silkscore.signedModels), 'the page verifies signed models');
    check(await page.evaluate(() => window.silkscore.config.publicKey) === keys.public_key, 'the page trusts the test key');
    await fonts(page);
    await formatting(page);
    records = await bitIdentical(page);
    refusals = await signedModels(page);
    const log = await logEntries(page, csv);
    await keyboard(page);

    section('close and reopen the browser');
    await context.close();
    context = await launch(profile, PORTRAIT);
    page = await open(context);
    const again = await page.evaluate(async () => ({
      highest: window.kiosk.highestRevision(), fingerprint: window.silkscore.model.fingerprint,
    }));
    check(again.highest === 2, 'highest revision remembered after a restart');
    const c = await exportLog(page);
    check(c.bytes.startsWith(log.bytes.slice(0, log.bytes.length - 4)) && c.entries >= log.count,
      `the log survived the restart (${c.entries} entries)`);
    let r = await loadEnvelope(page, 'rollback.env');
    if (check(r.code === 'rollback', 'rolled-back envelope refused after a restart')) refusals++;
    await page.evaluate(() => window.kiosk.useBuiltin());

    await screenshots(page, csv);
    await context.close();

    const browser = await chromium.launch({ executablePath: chromiumPath, headless: true, args: ARGS });
    await policy(browser);
    await staticServer(browser);
    await browser.close();
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
  for (const url of network) console.error('network request: ' + url);
  check(network.length === 0, 'no network request');
  console.log(`${passed} passed, ${failed} failed`);
  if (failed) process.exit(1);
  console.log(`kiosk: ${records} records bit-identical, ${refusals} refusals, ${network.length} network requests`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
