// view-score.js: the form generated from the active model, and the result of one project:
// the indices, the grade, the breakdown, or the reason it cannot be scored
'use strict';

(function (global) {
  const K = global.KioskApp;
  const doc = global.document;
  const I = global.KioskI18n;
  const { h, s, kids, num, pct, shortNum, connColor } = global.KioskUI;
  const t = (key, params) => K.t(key, params);
  const state = K.state;
  const settings = K.settings;

  function resetForm() {
    const n = K.core.model.indicators.length;
    state.cells = new Array(n).fill('');
    state.unknown = new Array(n).fill(false);
    state.errors = {};
    state.result = null;
    state.resultNote = null;
  }

  function example() {
    // A plausible project: the middle of each goalpost range (and a low risk, a low cost).
    state.cells = K.core.model.indicators.map((ind, i) => {
      const span = ind.hi - ind.lo;
      const f = ind.direction === 'cost' ? 0.25 : [0.55, 0.7, 0.4, 0.8, 0.6, 0.5][i % 6];
      const v = ind.lo + span * f;
      return String(Math.abs(v) >= 100 ? Math.round(v) : Math.round(v * 10) / 10);
    });
    state.unknown = K.core.model.indicators.map((_, i) => i === 3);
    state.cells[3] = '';
    state.errors = {};
    renderScore();
  }

  function renderScore() {
    const panel = doc.getElementById('panel-score');
    const m = K.core.model;
    if (state.cells.length !== m.indicators.length) resetForm();
    const fields = {};
    const groups = K.core.CONNOTATIONS.map((c) => {
      const items = m.indicators.map((ind, i) => [ind, i]).filter(([ind]) => ind.connotation === c);
      return h('fieldset', { class: 'conn conn-' + c },
        h('legend', {}, K.connLabel(c), ' ', h('span', { class: 'other', lang: K.lang === 'zh' ? 'en' : 'zh-Hans' }, '· ' + K.connOther(c))),
        items.map(([ind, i]) => {
          const id = 'ind-' + i;
          const unit = K.indUnit(ind);
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
            h('label', { for: id }, K.indName(ind)),
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
    const m = K.core.model;
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
      const o = K.core.score(probe.map((c, i) => (errors[i] ? '' : c)), id);
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
    const o = K.core.score(cells, id);
    o.note = null;
    if (o.scored) {
      try {
        const [seq] = await K.logScores([o.message]);
        o.note = t('logged', { seq });
        o.sequence = seq;
      } catch (e) {
        o.note = t('log_failed', { err: e.message || e });
      }
    }
    return o;
  }

  function renderResult(o) {
    const m = K.core.model;
    if (!o.scored) {
      return h('div', { class: 'card' },
        h('h2', {}, t('result_title')),
        h('div', { class: 'reason', role: 'alert' }, h('strong', {}, t('cannot_score')), ' ', K.reason(o),
          h('p', { class: 'note mono' }, o.status)));
    }
    const gw = I[K.lang].grade_words[o.grade];
    return h('div', { class: 'card' },
      h('h2', {}, t('result_title'), ' · ', t('result_of', { id: o.recordId })),
      h('div', { class: 'headline' },
        h('div', { class: 'composite', id: 'composite' }, num(o.composite, 2), h('small', {}, t('composite'), ' (0–100)')),
        h('div', { class: 'grade', 'aria-label': t('grade') + ' ' + o.grade }, o.grade),
        h('div', { class: 'grade-word' }, t('grade_is', { word: gw }))),
      h('div', { class: 'indices' }, K.core.CONNOTATIONS.map((c, k) =>
        h('div', { class: 'index conn-' + c },
          h('div', {}, K.connLabel(c)), h('b', {}, num(o.values[k], 2)),
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
      K.core.CONNOTATIONS.map((c) => {
        const items = m.indicators.map((ind, i) => [ind, i]).filter(([ind]) => ind.connotation === c);
        return h('div', { class: 'bd-block conn-' + c },
          h('h4', {}, K.connLabel(c)),
          items.map(([ind, i]) => {
            const b = o.breakdown[i];
            const v = b.missing ? 0 : b.score * 100;
            const fill = h('span', { class: 'fill' });
            fill.style.width = v.toFixed(2) + '%';
            const flag = b.missing ? t('flag_missing') : b.clamped ? t('flag_clamped') : null;
            return h('div', { class: 'bd-row', role: 'listitem', 'data-indicator': ind.id },
              h('span', { class: 'bd-name' }, K.indName(ind)),
              h('span', { class: 'track', 'aria-hidden': 'true' }, fill),
              h('span', { class: 'bd-value' }, b.missing ? '–' : num(v, 1)),
              flag ? h('span', { class: 'bd-flag' + (b.missing ? ' missing' : ' clamped') }, flag) : null);
          }));
      }));
  }

  function trimText(str, max) {
    return str.length > max ? str.slice(0, max - 1) + '…' : str;
  }


  K.resetForm = resetForm;
  K.example = example;
  K.renderScore = renderScore;
  K.submitProject = submitProject;
  K.scoreProject = scoreProject;
})(window);
