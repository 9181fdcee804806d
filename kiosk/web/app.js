// app.js: the kiosk's screens. It builds the form from the active model, shows what the
// core computed, keeps the model and the log (store.js), and exposes the page's actions as
// `window.kiosk` next to the core's `window.silkscore`.
'use strict';

(function (global) {
  const doc = global.document;
  const I = global.KioskI18n;
  const { settings, Journal } = global.KioskStore;
  const BUILTIN_FINGERPRINT = 0xa5f1d3eb;
  const MAX_FILE_MB = 64;
  const TOP_ROWS = 200;
  const FAILED_ROWS = 100;

  let core = null;
  let journal = null;
  let journalError = null;
  let lang = settings.lang() || ((global.navigator.language || '').toLowerCase().startsWith('zh') ? 'zh' : 'en');
  const state = {
    tab: 'score',
    cells: [], unknown: [], projectId: '', errors: {}, result: null, resultNote: null,
    portfolio: null, portfolioName: '', selected: 0, progress: null, portfolioNote: null,
    modelMessage: null, logMessage: null, logCount: 0, logRecent: [],
  };

  // ---- helpers ---------------------------------------------------------------------
  function t(key, params) {
    let s = I[lang][key];
    if (s === undefined) s = I.en[key];
    if (s === undefined) s = key;
    if (params) s = s.replace(/\{(\w+)\}/g, (m, k) => (k in params ? String(params[k]) : m));
    return s;
  }

  function h(tag, attrs, ...kids) {
    const el = doc.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k === 'class') el.className = v;
      else if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
      else if (v === true) el.setAttribute(k, '');
      else el.setAttribute(k, String(v));
    }
    for (const kid of kids.flat(Infinity)) {
      if (kid === null || kid === undefined || kid === false) continue;
      el.append(kid instanceof Node ? kid : doc.createTextNode(String(kid)));
    }
    return el;
  }

  const SVG = 'http://www.w3.org/2000/svg';
  function s(tag, attrs, ...kids) {
    const el = doc.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs || {})) el.setAttribute(k, String(v));
    for (const kid of kids.flat(Infinity)) {
      if (kid === null || kid === undefined) continue;
      el.append(kid instanceof Node ? kid : doc.createTextNode(String(kid)));
    }
    return el;
  }

  // Children for replaceChildren: nested arrays flattened, empty ones left out.
  function kids(...k) {
    return k.flat(Infinity).filter((x) => x !== null && x !== undefined && x !== false);
  }

  function num(v, d) { return Number.isFinite(v) ? v.toFixed(d) : '–'; }
  function pct(v) { return Math.round(v * 1000) / 10 + ' %'; }
  function shortNum(v) { return Number.isInteger(v) ? v.toLocaleString('en-US').replace(/,/g, ' ') : String(v); }
  const connColor = { cultural: '#a8322a', economic: '#1b5e8c', security: '#1d7344' };

  function isBuiltin() { return core.model.fingerprint === BUILTIN_FINGERPRINT; }
  function indName(ind) {
    const names = I.indicators[ind.id];
    return names ? names[lang === 'zh' ? 2 : 0] : ind.id;
  }
  function indUnit(ind) {
    const names = I.indicators[ind.id];
    return names && isBuiltin() ? names[lang === 'zh' ? 3 : 1] : null;
  }
  function connLabel(c) { return t(c); }
  function connOther(c) { return (lang === 'zh' ? I.en : I.zh)[c]; }

  function sourceText() {
    const m = settings.model();
    if (!m || m.kind === 'builtin') return t('source_builtin');
    if (m.kind === 'compiled') return t('source_compiled');
    return t('source_signed', { rev: m.revision });
  }

  // ---- the plain-language reason of a status ----------------------------------------
  function reason(o) {
    const ind = core.model.indicators[o.statusArg];
    switch (o.statusCode) {
      case 1: return o.statusArg === 0xffff ? t('why_parse_id') : t('why_parse', { name: ind ? indName(ind) : o.statusArg });
      case 2: return t('why_fields');
      case 3: return t('why_non_finite', { name: ind ? indName(ind) : o.statusArg });
      case 4: {
        const c = core.CONNOTATIONS[o.statusArg];
        const cov = o.coverage ? o.coverage[o.statusArg] : 0;
        const params = { conn: connLabel(c), conn_short: t(c + '_short'), pct: pct(cov), min: pct(core.model.minCoverage) };
        return cov > 0 ? t('why_insufficient', params) : t('why_insufficient_zero', params);
      }
      default: return t('why_other');
    }
  }

  // ---- header, tabs, language -----------------------------------------------------
  function renderChrome() {
    doc.documentElement.lang = lang === 'zh' ? 'zh-Hans' : 'en';
    doc.title = t('title');
    for (const el of doc.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
    const langBtn = doc.getElementById('lang');
    langBtn.textContent = t('lang_switch');
    langBtn.setAttribute('aria-label', t('lang_switch_label'));
    langBtn.setAttribute('lang', lang === 'zh' ? 'en' : 'zh-Hans');
    doc.getElementById('model-chip').textContent =
      t('model_chip', { name: core.model.name || '—', fp: core.model.fingerprintHex }) + ' · ' + sourceText();
    for (const tab of doc.querySelectorAll('.tab')) {
      const on = tab.dataset.tab === state.tab;
      tab.setAttribute('aria-selected', on ? 'true' : 'false');
      tab.tabIndex = on ? 0 : -1;
      doc.getElementById('panel-' + tab.dataset.tab).hidden = !on;
    }
  }

  function renderAll() {
    renderChrome();
    renderScore();
    renderPortfolio();
    renderModels();
    renderLog();
  }

  function selectTab(name, focus) {
    state.tab = name;
    renderChrome();
    if (focus) doc.getElementById('tab-' + name).focus();
    if (name === 'log') refreshLog();
  }

  // ---- score one project -------------------------------------------------------------
  function resetForm() {
    const n = core.model.indicators.length;
    state.cells = new Array(n).fill('');
    state.unknown = new Array(n).fill(false);
    state.errors = {};
    state.result = null;
    state.resultNote = null;
  }

  function example() {
    // A plausible project: the middle of each goalpost range (and a low risk, a low cost).
    state.cells = core.model.indicators.map((ind, i) => {
      const span = ind.hi - ind.lo;
      const f = ind.direction === 'cost' ? 0.25 : [0.55, 0.7, 0.4, 0.8, 0.6, 0.5][i % 6];
      const v = ind.lo + span * f;
      return String(Math.abs(v) >= 100 ? Math.round(v) : Math.round(v * 10) / 10);
    });
    state.unknown = core.model.indicators.map((_, i) => i === 3);
    state.cells[3] = '';
    state.errors = {};
    renderScore();
  }

  function renderScore() {
    const panel = doc.getElementById('panel-score');
    const m = core.model;
    if (state.cells.length !== m.indicators.length) resetForm();
    const fields = {};
    const groups = core.CONNOTATIONS.map((c) => {
      const items = m.indicators.map((ind, i) => [ind, i]).filter(([ind]) => ind.connotation === c);
      return h('fieldset', { class: 'conn conn-' + c },
        h('legend', {}, connLabel(c), ' ', h('span', { class: 'other', lang: lang === 'zh' ? 'en' : 'zh-Hans' }, '· ' + connOther(c))),
        items.map(([ind, i]) => {
          const id = 'ind-' + i;
          const unit = indUnit(ind);
          const hint = [unit, t('range', { lo: shortNum(ind.lo), hi: shortNum(ind.hi) }),
            t(ind.direction === 'cost' ? 'lower_better' : 'higher_better')].filter(Boolean).join(' · ');
          const err = state.errors[i];
          const input = h('input', {
            class: 'num', id, type: 'text', inputmode: 'decimal', enterkeyhint: 'next',
            autocomplete: 'off', spellcheck: 'false', 'aria-describedby': id + '-hint' + (err ? ' ' + id + '-err' : ''),
            'aria-invalid': err ? 'true' : null, disabled: state.unknown[i],
            'data-indicator': ind.id,
            oninput: (e) => { state.cells[i] = e.target.value; },
          });
          input.value = state.unknown[i] ? '' : state.cells[i];
          const unknownBtn = h('button', {
            class: 'btn unknown', type: 'button', 'aria-pressed': state.unknown[i] ? 'true' : 'false',
            'data-unknown': ind.id,
            onclick: () => {
              state.unknown[i] = !state.unknown[i];
              delete state.errors[i];
              renderScore();
              const again = doc.querySelector('[data-unknown="' + ind.id + '"]');
              if (again) again.focus();
            },
          }, t('unknown'));
          fields[i] = input;
          return h('div', { class: 'field' + (err ? ' bad' : '') },
            h('label', { for: id }, indName(ind)),
            h('span', { class: 'hint', id: id + '-hint' }, hint),
            h('div', { class: 'row' }, input, unknownBtn),
            err ? h('p', { class: 'err', id: id + '-err' }, t(err)) : null);
        }));
    });
    const idInput = h('input', {
      class: 'num', id: 'project-id', type: 'text', inputmode: 'numeric', autocomplete: 'off',
      'aria-describedby': 'project-id-hint', 'aria-invalid': state.errors.id ? 'true' : null,
      oninput: (e) => { state.projectId = e.target.value; },
    });
    idInput.value = state.projectId;
    const nErrors = Object.keys(state.errors).length;
    panel.replaceChildren(...kids(
      h('p', { class: 'intro' }, t('score_intro')),
      h('form', { id: 'score-form', novalidate: true, onsubmit: (e) => { e.preventDefault(); submitProject(); } },
        h('div', { class: 'form-top' },
          h('div', { class: 'id-field' + (state.errors.id ? ' field bad' : '') },
            h('label', { for: 'project-id' }, t('project_id')),
            h('span', { class: 'hint', id: 'project-id-hint' }, t('project_id_hint')), idInput,
            state.errors.id ? h('p', { class: 'err' }, t(state.errors.id)) : null)),
        h('div', { class: 'conns' }, groups),
        nErrors ? h('p', { class: 'reason', role: 'alert' }, t('check_fields', { n: nErrors })) : null,
        h('div', { class: 'actions' },
          h('button', { class: 'btn primary', type: 'submit', id: 'score-button' }, t('score_button')),
          h('button', { class: 'btn', type: 'button', onclick: example, id: 'example-button' }, t('example_button')),
          h('button', { class: 'btn', type: 'button', onclick: () => { resetForm(); state.projectId = ''; renderScore(); } }, t('clear_button')))),
      h('div', { id: 'result', class: 'result', 'aria-live': 'polite' }, state.result ? renderResult(state.result) : null)));
  }

  // Scores the form: every field must hold a value or be marked unknown; the core parses
  // the values (the grammar of records files) and finds every one it cannot read.
  async function submitProject() {
    const m = core.model;
    const errors = {};
    const cells = m.indicators.map((_, i) => {
      if (state.unknown[i]) return '';
      const v = (state.cells[i] || '').trim();
      if (v === '') errors[i] = 'need_value';
      return v;
    });
    let id = 0;
    const idText = state.projectId.trim();
    if (idText !== '') {
      if (!/^\+?[0-9]+$/.test(idText) || Number(idText) > 0xffffffff) errors.id = 'bad_id';
      else id = Number(idText);
    }
    // Ask the core about each value it cannot parse: blank it and score again.
    const probe = cells.slice();
    for (let k = 0; k < probe.length; k++) {
      const o = core.score(probe.map((c, i) => (errors[i] ? '' : c)), id);
      if (o.statusCode !== 1 || o.statusArg === 0xffff) break;
      errors[o.statusArg] = 'bad_number';
      probe[o.statusArg] = '';
    }
    state.errors = errors;
    if (Object.keys(errors).length) {
      state.result = null;
      renderScore();
      const first = doc.querySelector('.field.bad input, #project-id[aria-invalid]');
      if (first) first.focus();
      return;
    }
    const result = await scoreProject(cells, id);
    state.result = result;
    renderScore();
    const el = doc.getElementById('result');
    if (el && el.scrollIntoView) el.scrollIntoView({ block: 'start' });
  }

  async function scoreProject(cells, id) {
    const o = core.score(cells, id);
    o.note = null;
    if (o.scored) {
      try {
        const [seq] = await logScores([o.message]);
        o.note = t('logged', { seq });
        o.sequence = seq;
      } catch (e) {
        o.note = t('log_failed', { err: e.message || e });
      }
    }
    return o;
  }

  function renderResult(o) {
    const m = core.model;
    if (!o.scored) {
      return h('div', { class: 'card' },
        h('h2', {}, t('result_title')),
        h('div', { class: 'reason', role: 'alert' }, h('strong', {}, t('cannot_score')), ' ', reason(o),
          h('p', { class: 'note mono' }, o.status)));
    }
    const gw = I[lang].grade_words[o.grade];
    return h('div', { class: 'card' },
      h('h2', {}, t('result_title'), ' · ', t('result_of', { id: o.recordId })),
      h('div', { class: 'headline' },
        h('div', { class: 'composite', id: 'composite' }, num(o.composite, 2), h('small', {}, t('composite'), ' (0–100)')),
        h('div', { class: 'grade', 'aria-label': t('grade') + ' ' + o.grade }, o.grade),
        h('div', { class: 'grade-word' }, t('grade_is', { word: gw }))),
      h('div', { class: 'indices' }, core.CONNOTATIONS.map((c, k) =>
        h('div', { class: 'index conn-' + c },
          h('div', {}, connLabel(c)), h('b', {}, num(o.values[k], 2)),
          h('div', { class: 'cov' }, t('coverage', { pct: pct(o.coverage[k]) }))))),
      h('h3', {}, t('breakdown_title')),
      h('p', { class: 'note' }, t('breakdown_note'), ' ', t('flags_note')),
      breakdownChart(m, o),
      o.note ? h('p', { class: 'okmsg' }, o.note) : null);
  }

  // The breakdown as bars, one block per connotation (three columns on a landscape screen):
  // each indicator's normalised score, and whether it was unknown or clamped.
  function breakdownChart(m, o) {
    return h('div', { class: 'breakdown', role: 'list', 'aria-label': t('breakdown_title') },
      core.CONNOTATIONS.map((c) => {
        const items = m.indicators.map((ind, i) => [ind, i]).filter(([ind]) => ind.connotation === c);
        return h('div', { class: 'bd-block conn-' + c },
          h('h4', {}, connLabel(c)),
          items.map(([ind, i]) => {
            const b = o.breakdown[i];
            const v = b.missing ? 0 : b.score * 100;
            const fill = h('span', { class: 'fill' });
            fill.style.width = v.toFixed(2) + '%';
            const flag = b.missing ? t('flag_missing') : b.clamped ? t('flag_clamped') : null;
            return h('div', { class: 'bd-row', role: 'listitem', 'data-indicator': ind.id },
              h('span', { class: 'bd-name' }, indName(ind)),
              h('span', { class: 'track', 'aria-hidden': 'true' }, fill),
              h('span', { class: 'bd-value' }, b.missing ? '–' : num(v, 1)),
              flag ? h('span', { class: 'bd-flag' + (b.missing ? ' missing' : ' clamped') }, flag) : null);
          }));
      }));
  }

  function trimText(str, max) {
    return str.length > max ? str.slice(0, max - 1) + '…' : str;
  }

  // ---- portfolio ----------------------------------------------------------------
  async function readFile(file) {
    if (file.size > MAX_FILE_MB * 1024 * 1024) {
      state.portfolioNote = t('file_too_large', { max: MAX_FILE_MB });
      renderPortfolio();
      return;
    }
    const bytes = new Uint8Array(await file.arrayBuffer());
    await scorePortfolio(bytes, file.name);
  }

  async function scorePortfolio(bytes, name) {
    state.portfolioName = name || '';
    state.portfolioNote = null;
    state.progress = 0;
    renderPortfolio();
    const result = await core.scoreCsv(bytes, (f) => {
      state.progress = f;
      const p = doc.getElementById('progress');
      if (p) p.textContent = t('reading', { name: state.portfolioName, pct: Math.round(f * 100) + ' %' });
    });
    state.progress = null;
    // Logged in file order; ranked by composite, the earlier row first among equals.
    const ok = result.rows.filter((r) => r.scored);
    result.ranked = ok.slice().sort((a, b) => (b.composite - a.composite) || (a.index - b.index));
    result.failed = result.rows.filter((r) => !r.scored);
    try {
      const seqs = await logScores(ok.map((r) => r.message));
      result.logged = seqs.length;
    } catch (e) {
      state.portfolioNote = t('log_failed', { err: e.message || e });
    }
    state.portfolio = result;
    state.selected = 0;
    renderPortfolio();
    return result;
  }

  function renderPortfolio() {
    const panel = doc.getElementById('panel-portfolio');
    const input = h('input', {
      type: 'file', accept: '.csv,text/csv,text/plain', id: 'csv-file', 'aria-label': t('choose_file'),
      onchange: (e) => { const f = e.target.files[0]; if (f) readFile(f); e.target.value = ''; },
    });
    const drop = h('div', { class: 'drop', id: 'drop' }, t('drop_here'));
    drop.addEventListener('dragover', (e) => { e.preventDefault(); drop.classList.add('over'); });
    drop.addEventListener('dragleave', () => drop.classList.remove('over'));
    drop.addEventListener('drop', (e) => {
      e.preventDefault();
      drop.classList.remove('over');
      const f = e.dataTransfer && e.dataTransfer.files[0];
      if (f) readFile(f);
    });
    const p = state.portfolio;
    panel.replaceChildren(...kids(
      h('p', { class: 'intro' }, t('portfolio_intro')),
      h('div', { class: 'picker' },
        h('span', { class: 'btn primary file-btn' }, t('choose_file'), input), drop),
      state.progress !== null ? h('p', { class: 'progress', id: 'progress', 'aria-live': 'polite' },
        t('reading', { name: state.portfolioName, pct: Math.round(state.progress * 100) + ' %' })) : null,
      state.portfolioNote ? h('p', { class: 'warn', role: 'alert' }, state.portfolioNote) : null,
      p ? portfolioResult(p) : null));
  }

  function portfolioResult(p) {
    const parts = [];
    if (p.fatal) {
      const why = t('fatal_' + p.fatal.kind, { line: p.fatal.line, column: p.fatal.column, name: p.fatal.name });
      parts.push(h('p', { class: 'reason', role: 'alert', id: 'portfolio-fatal' }, t('fatal', { why })));
    }
    if (p.header) {
      parts.push(h('p', { id: 'portfolio-summary' }, h('strong', {}, state.portfolioName), ' — ',
        t('summary', { rows: p.rows.length, ok: p.ranked.length, failed: p.failed.length })));
      if (p.header.absent.length && p.header.absent.length < core.model.indicators.length) {
        parts.push(h('p', { class: 'warn' }, t('absent_columns', { list: p.header.absent.join(', ') })));
      }
      if (p.header.ignoredCount) {
        parts.push(h('p', { class: 'note' }, t('ignored_columns', { list: p.header.ignored.join(', ') + (p.header.ignoredCount > p.header.ignored.length ? ', …' : '') })));
      }
    }
    if (!p.ranked.length && !p.failed.length) return parts;
    const sel = p.ranked[state.selected] || null;
    const shown = p.ranked.slice(0, TOP_ROWS);
    const table = h('div', { class: 'card table-wrap' },
      h('table', { id: 'ranking' },
        h('thead', {}, h('tr', {},
          h('th', { class: 'n' }, t('rank')), h('th', {}, t('id')), h('th', {}, t('name')),
          h('th', { class: 'n' }, t('composite')), h('th', {}, t('grade')),
          h('th', { class: 'n' }, t('cultural_short')), h('th', { class: 'n' }, t('economic_short')),
          h('th', { class: 'n' }, t('security_short')))),
        h('tbody', {}, shown.map((r, k) => h('tr', { class: k === state.selected ? 'selected' : null },
          h('td', { class: 'n' }, k + 1),
          h('td', {}, r.id),
          h('td', {}, h('button', {
            class: 'pick', type: 'button', 'aria-pressed': k === state.selected ? 'true' : 'false',
            onclick: () => {
              state.selected = k;
              renderPortfolio();
              const b = doc.querySelectorAll('button.pick')[k];
              if (b) b.focus({ preventScroll: true });
              // On a portrait screen the profile sits above the table: bring it into view.
              const profile = doc.querySelector('.profile');
              if (profile && global.matchMedia('(orientation: portrait)').matches) profile.scrollIntoView({ block: 'start' });
            },
          }, r.name || r.id)),
          h('td', { class: 'n' }, num(r.composite, 2)),
          h('td', {}, h('span', { class: 'badge' }, r.grade)),
          h('td', { class: 'n' }, num(r.cultural, 1)), h('td', { class: 'n' }, num(r.economic, 1)),
          h('td', { class: 'n' }, num(r.security, 1)))))),
      p.ranked.length > TOP_ROWS ? h('p', { class: 'note' }, t('more_rows', { n: TOP_ROWS, total: p.ranked.length })) : null);
    const profile = h('div', { class: 'card profile', id: 'profile' },
      sel ? [h('h3', {}, t('profile_title', { name: sel.name || sel.id })), profileChart(sel)]
        : h('p', {}, t('profile_hint')));
    parts.push(h('div', { class: 'portfolio-grid' }, table, profile));
    if (p.failed.length) {
      parts.push(h('div', { class: 'card table-wrap' }, h('h3', {}, t('failed_title')),
        h('table', { id: 'failed' },
          h('thead', {}, h('tr', {}, h('th', { class: 'n' }, t('line')), h('th', {}, t('id')), h('th', {}, t('name')),
            h('th', {}, t('status')), h('th', {}, t('reason')))),
          h('tbody', {}, p.failed.slice(0, FAILED_ROWS).map((r) => h('tr', {},
            h('td', { class: 'n' }, r.line), h('td', {}, r.id), h('td', {}, r.name),
            h('td', { class: 'mono' }, r.status), h('td', {}, reason(r)))))),
        p.failed.length > FAILED_ROWS ? h('p', { class: 'note' }, t('more_rows', { n: FAILED_ROWS, total: p.failed.length })) : null));
    }
    return parts;
  }

  // The three-axis profile: cultural at the top, economic lower right, security lower left.
  function profileChart(r) {
    const cx = 300;
    const cy = 300;
    const R = 190;
    const angles = [-90, 30, 150].map((a) => a * Math.PI / 180);
    const pt = (k, v) => [cx + R * v / 100 * Math.cos(angles[k]), cy + R * v / 100 * Math.sin(angles[k])];
    const kids = [];
    for (const ring of [25, 50, 75, 100]) {
      kids.push(s('polygon', { points: [0, 1, 2].map((k) => pt(k, ring).join(',')).join(' '), fill: 'none', stroke: '#c9c4b8', 'stroke-width': ring === 100 ? 2 : 1 }));
    }
    for (let k = 0; k < 3; k++) {
      const [x, y] = pt(k, 100);
      kids.push(s('line', { x1: cx, y1: cy, x2: x, y2: y, stroke: '#c9c4b8', 'stroke-width': 1 }));
    }
    const vals = [r.cultural, r.economic, r.security];
    kids.push(s('polygon', { points: vals.map((v, k) => pt(k, v).join(',')).join(' '), fill: 'rgba(11,79,138,0.25)', stroke: '#0b4f8a', 'stroke-width': 4 }));
    vals.forEach((v, k) => {
      const [x, y] = pt(k, v);
      kids.push(s('circle', { cx: x, cy: y, r: 7, fill: connColor[core.CONNOTATIONS[k]] }));
    });
    // Labels outside the triangle: above the top corner, below the two lower ones.
    const labels = [[cx, 50], [cx + 175, cy + 140], [cx - 175, cy + 140]];
    labels.forEach(([x, y], k) => {
      const c = core.CONNOTATIONS[k];
      kids.push(s('text', { x, y, 'text-anchor': 'middle', 'font-size': 26, 'font-weight': 700, fill: connColor[c] },
        connLabel(c) + '  ' + num(vals[k], 1)));
    });
    kids.push(s('text', { x: cx, y: 545, 'text-anchor': 'middle', 'font-size': 24 },
      t('composite') + ' ' + num(r.composite, 2) + ' · ' + t('grade') + ' ' + r.grade));
    return s('svg', { class: 'chart radar', viewBox: '0 0 600 570', role: 'img', 'aria-label': t('profile_title', { name: r.name || r.id }) }, kids);
  }

  // ---- models -------------------------------------------------------------------
  function trustedKey() { return (core.config.publicKey || '').trim(); }

  function useBuiltin() {
    core.useBuiltin();
    settings.setModel({ kind: 'builtin' });
    afterModelChange({ ok: true, text: t('model_ok', { name: core.model.name, fp: core.model.fingerprintHex }) });
    return core.model;
  }

  function decodeWhy(e) {
    if (!e) return t('decode_other');
    const key = 'decode_' + e.kind;
    const field = e.indicator !== undefined ? e.field.replace(/^indicator/, 'indicator[' + e.indicator + ']') : e.field;
    return t(I.en[key] ? key : 'decode_other', { version: e.version, field, reason: e.reason });
  }

  // Loads a model file as the operator picked it: 'compiled' or 'signed'. The result says
  // whether it runs now, or why it was refused.
  function loadModelFile(bytes, kind, name) {
    let message;
    if (kind === 'signed') {
      const running = settings.revision();
      const r = core.loadSigned(bytes, trustedKey(), running);
      if (r.ok) {
        // The revision is raised before the model is stored: a restart in between can only
        // make the kiosk refuse more, never accept an older envelope.
        settings.raiseRevision(r.revision);
        settings.setModel({ kind: 'signed', revision: r.revision, data: core.toBase64(bytes) });
        message = { ok: true, code: 'ok', revision: r.revision, text: t('signed_ok', { name: r.model.name, rev: r.revision }) };
      } else {
        const why = t('refused_' + r.error.kind, {
          running: r.error.running, found: r.error.found, detail: decodeWhy(r.error.decode),
        });
        message = { ok: false, code: r.error.kind, text: t('refused', { why }) };
      }
    } else {
      const r = core.loadCompiled(bytes);
      if (r.ok) {
        settings.setModel({ kind: 'compiled', data: core.toBase64(bytes) });
        message = { ok: true, code: 'ok', text: t('model_ok', { name: r.model.name, fp: r.model.fingerprintHex }) };
      } else {
        message = { ok: false, code: r.error.kind, text: t('refused', { why: decodeWhy(r.error) }) };
      }
    }
    if (name) message.text = name + ': ' + message.text;
    afterModelChange(message);
    return message;
  }

  function afterModelChange(message) {
    state.modelMessage = message;
    resetForm();
    state.portfolio = null;
    renderAll();
  }

  function renderModels() {
    const panel = doc.getElementById('panel-models');
    const m = core.model;
    const rev = settings.revision();
    const key = trustedKey();
    const fileButton = (labelKey, kind, accept, id) => h('span', { class: 'btn file-btn' }, t(labelKey),
      h('input', {
        type: 'file', accept, id, 'aria-label': t(labelKey),
        onchange: async (e) => {
          const f = e.target.files[0];
          e.target.value = '';
          if (f) loadModelFile(new Uint8Array(await f.arrayBuffer()), kind, f.name);
        },
      }));
    const msg = state.modelMessage;
    panel.replaceChildren(...kids(
      h('p', { class: 'intro' }, t('models_intro')),
      h('div', { class: 'card' }, h('h2', {}, t('active_model')),
        h('dl', { class: 'facts' },
          h('dt', {}, t('name')), h('dd', { id: 'model-name' }, m.name || '—'),
          h('dt', {}, t('fingerprint')), h('dd', { class: 'mono', id: 'model-fingerprint' }, m.fingerprintHex),
          h('dt', {}, t('source')), h('dd', { id: 'model-source' }, sourceText()),
          h('dt', {}, t('indicators')), h('dd', {}, m.indicators.length + ' (' + core.CONNOTATIONS.map((c) => connLabel(c) + ' ' + m.indicators.filter((i) => i.connotation === c).length).join(', ') + ')'),
          h('dt', {}, t('highest_revision')), h('dd', { id: 'highest-revision' }, rev ? String(rev) : t('none_yet')),
          h('dt', {}, t('trusted_key')), h('dd', { class: key ? 'mono' : null }, key ? key.slice(0, 16) + '…' + key.slice(-8) : t('no_key')))),
      msg ? h('p', { class: msg.ok ? 'okmsg' : 'reason', role: msg.ok ? 'status' : 'alert', id: 'model-message', 'data-code': msg.code }, msg.text) : null,
      h('div', { class: 'buttons' },
        h('button', { class: 'btn', type: 'button', id: 'use-builtin', onclick: useBuiltin }, t('use_builtin')),
        fileButton('load_compiled', 'compiled', '.bin,application/octet-stream', 'model-file'),
        core.signedModels ? fileButton('load_signed', 'signed', '.env,application/octet-stream', 'envelope-file') : null)));
  }

  // ---- log ------------------------------------------------------------------------
  async function logScores(messages) {
    if (!journal) throw new Error(journalError || 'no log');
    const seqs = await journal.append(messages);
    state.logCount += seqs.length;
    return seqs;
  }

  async function refreshLog() {
    if (journal) {
      state.logCount = await journal.count();
      state.logRecent = await journal.recent(20);
    }
    renderLog();
  }

  function stamp() {
    const d = new Date();
    const p = (n) => String(n).padStart(2, '0');
    return d.getFullYear() + p(d.getMonth() + 1) + p(d.getDate()) + '-' + p(d.getHours()) + p(d.getMinutes()) + p(d.getSeconds());
  }

  // The export: every entry frame in sequence order, one journal region; checked by the
  // core (as a device's journal is recovered) before it is offered for download.
  async function exportLog(download) {
    if (!journal) throw new Error(journalError || 'no log');
    const x = await journal.exportBytes();
    if (!x.entries) {
      state.logMessage = { ok: true, text: t('exported_empty') };
      renderLog();
      return x;
    }
    const check = core.checkJournal(x.bytes);
    x.check = check;
    const clean = !x.bad.length && (!check || (check.entries === x.entries && check.consecutive && check.corruptRegions === 0 && !check.tornTail));
    const file = 'silkscore-kiosk-log-' + stamp() + '.bin';
    if (download !== false) {
      const url = URL.createObjectURL(new Blob([x.bytes], { type: 'application/octet-stream' }));
      const a = h('a', { href: url, download: file });
      doc.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60000);
    }
    state.logMessage = {
      ok: clean,
      text: t('exported', { n: x.entries, first: x.first, last: x.last, file,
        check: clean ? t('check_ok') : t('check_bad', { list: x.bad.join(', ') || '?' }) }),
    };
    renderLog();
    return x;
  }

  function renderLog() {
    const panel = doc.getElementById('panel-log');
    const msg = state.logMessage;
    panel.replaceChildren(...kids(
      h('p', { class: 'intro' }, t('log_intro')),
      journal ? h('p', { id: 'log-count' }, state.logCount ? t('log_count', { n: state.logCount }) : t('log_empty'))
        : h('p', { class: 'reason', role: 'alert' }, t('log_unavailable', { err: journalError })),
      h('div', { class: 'buttons' },
        h('button', { class: 'btn primary', type: 'button', id: 'export-log', disabled: !journal,
          onclick: () => exportLog().catch((e) => showError(e)) }, t('export_button'))),
      msg ? h('p', { class: msg.ok ? 'okmsg' : 'reason', id: 'log-message', role: 'status' }, msg.text) : null,
      state.logRecent.length ? h('div', { class: 'card table-wrap' }, h('table', { id: 'log-table' },
        h('thead', {}, h('tr', {}, h('th', { class: 'n' }, t('sequence')), h('th', {}, t('id')),
          h('th', { class: 'n' }, t('composite')), h('th', {}, t('grade')), h('th', {}, t('fingerprint')), h('th', {}, t('when')))),
        h('tbody', {}, state.logRecent.map((e) => h('tr', {},
          h('td', { class: 'n' }, e.sequence), h('td', {}, e.ok ? e.recordId : '⚠'),
          h('td', { class: 'n' }, e.ok ? num(e.values[3], 2) : '–'),
          h('td', {}, e.ok ? h('span', { class: 'badge' }, e.grade) : '–'),
          h('td', { class: 'mono' }, e.ok ? e.fingerprint.toString(16).padStart(8, '0') : '–'),
          h('td', {}, e.at ? new Date(e.at).toLocaleString(lang === 'zh' ? 'zh-CN' : 'en-GB') : '')))))) : null));
  }

  function showError(e) {
    const el = doc.getElementById('fatal');
    el.textContent = t('error_generic', { err: (e && e.message) || String(e) });
    el.hidden = false;
  }

  function setLang(l) {
    lang = l;
    settings.setLang(l);
    renderAll();
  }

  // ---- start -----------------------------------------------------------------------
  async function restoreModel() {
    const saved = settings.model();
    if (!saved || saved.kind === 'builtin' || !saved.data) return;
    let bytes;
    try { bytes = core.fromBase64(saved.data); } catch (_) { return; }
    if (saved.kind === 'compiled') {
      const r = core.loadCompiled(bytes);
      if (!r.ok) state.modelMessage = { ok: false, code: r.error.kind, text: t('refused', { why: decodeWhy(r.error) }) };
    } else if (saved.kind === 'signed') {
      // The stored envelope is verified again: the revision it was accepted at must not be
      // below the highest ever accepted, and its signature must still hold.
      const rev = Number(saved.revision) >>> 0;
      const r = rev >= 1 && rev >= settings.revision() ? core.loadSigned(bytes, trustedKey(), rev - 1)
        : { ok: false, error: { kind: 'rollback', running: settings.revision(), found: rev } };
      if (!r.ok) {
        core.useBuiltin();
        settings.setModel({ kind: 'builtin' });
        state.modelMessage = { ok: false, code: r.error.kind, text: t('refused', { why: t('refused_' + r.error.kind, r.error) }) };
      }
    }
  }

  async function start() {
    const cfg = global.KIOSK_CONFIG || {};
    core = await global.SilkscoreCore.create(global.SilkscoreCore.fromBase64(global.KIOSK_WASM), cfg);
    global.silkscore = core;
    await restoreModel();
    try {
      journal = await Journal.open(core);
    } catch (e) {
      journalError = (e && e.message) || String(e);
    }
    resetForm();
    doc.getElementById('lang').addEventListener('click', () => setLang(lang === 'zh' ? 'en' : 'zh'));
    const tabs = Array.from(doc.querySelectorAll('.tab'));
    tabs.forEach((tab, k) => {
      tab.addEventListener('click', () => selectTab(tab.dataset.tab, false));
      tab.addEventListener('keydown', (e) => {
        const d = e.key === 'ArrowRight' ? 1 : e.key === 'ArrowLeft' ? -1 : 0;
        if (!d) return;
        e.preventDefault();
        selectTab(tabs[(k + d + tabs.length) % tabs.length].dataset.tab, true);
      });
    });
    renderAll();
    await refreshLog();
    global.kiosk = {
      useBuiltin, loadModelFile, scoreProject, scorePortfolio, exportLog,
      highestRevision: () => settings.revision(),
      savedModel: () => settings.model(),
      logCount: async () => (journal ? journal.count() : 0),
      setLang, selectTab, fillExample: example, submitProject, refreshLog,
      state,
    };
    doc.documentElement.dataset.ready = 'true';
  }

  global.addEventListener('error', (e) => showError(e.error || e.message));
  global.addEventListener('unhandledrejection', (e) => showError(e.reason));
  start().catch(showError);
})(window);
