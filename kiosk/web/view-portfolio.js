// view-portfolio.js: a CSV portfolio read and scored by the core: the ranked table, the
// three-axis profile of the selected project, and the rows not scored
'use strict';

(function (global) {
  const K = global.KioskApp;
  const doc = global.document;
  const I = global.KioskI18n;
  const { h, s, kids, num, pct, shortNum, connColor } = global.KioskUI;
  const t = (key, params) => K.t(key, params);
  const state = K.state;
  const settings = K.settings;

  const MAX_FILE_MB = 64;
  const TOP_ROWS = 200;
  const FAILED_ROWS = 100;

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
    const result = await K.core.scoreCsv(bytes, (f) => {
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
      const seqs = await K.logScores(ok.map((r) => r.message));
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
      if (p.header.absent.length && p.header.absent.length < K.core.model.indicators.length) {
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
            h('td', { class: 'mono' }, r.status), h('td', {}, K.reason(r)))))),
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
      kids.push(s('circle', { cx: x, cy: y, r: 7, fill: connColor[K.core.CONNOTATIONS[k]] }));
    });
    // Labels outside the triangle: above the top corner, below the two lower ones.
    const labels = [[cx, 50], [cx + 175, cy + 140], [cx - 175, cy + 140]];
    labels.forEach(([x, y], k) => {
      const c = K.core.CONNOTATIONS[k];
      kids.push(s('text', { x, y, 'text-anchor': 'middle', 'font-size': 26, 'font-weight': 700, fill: connColor[c] },
        K.connLabel(c) + '  ' + num(vals[k], 1)));
    });
    kids.push(s('text', { x: cx, y: 545, 'text-anchor': 'middle', 'font-size': 24 },
      t('composite') + ' ' + num(r.composite, 2) + ' · ' + t('grade') + ' ' + r.grade));
    return s('svg', { class: 'chart radar', viewBox: '0 0 600 570', role: 'img', 'aria-label': t('profile_title', { name: r.name || r.id }) }, kids);
  }


  K.renderPortfolio = renderPortfolio;
  K.scorePortfolio = scorePortfolio;
})(window);
