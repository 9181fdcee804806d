// app.js: the kiosk's frame: the shared context of the views (view-*.js), the header, the
// tabs and the language, the names of indicators and connotations, the plain-language
// reasons, and the start: the core, the remembered model, the log. It exposes the page's
// actions as `window.kiosk` next to the core's `window.silkscore`.
'use strict';

(function (global) {
  const doc = global.document;
  const I = global.KioskI18n;
  const { settings, Journal } = global.KioskStore;
  const { pct } = global.KioskUI;
  const BUILTIN_FINGERPRINT = 0xa5f1d3eb;

  // The context the views share (view-*.js): the core, the log, the language, the state.
  const K = { core: null, journal: null, journalError: null, settings, state: null };
  global.KioskApp = K;
  let lang = settings.lang() || ((global.navigator.language || '').toLowerCase().startsWith('zh') ? 'zh' : 'en');
  const state = {
    tab: 'score',
    cells: [], unknown: [], projectId: '', errors: {}, result: null, resultNote: null,
    portfolio: null, portfolioName: '', selected: 0, progress: null, portfolioNote: null,
    modelMessage: null, logMessage: null, logCount: 0, logRecent: [],
  };

  // The views (loaded after this file) find these on K.
  Object.defineProperty(K, 'lang', { get: () => lang });
  K.state = state;
  Object.assign(K, { t, indName, indUnit, connLabel, connOther, isBuiltin, sourceText, reason,
    renderAll, renderChrome, selectTab, showError, setLang });

  function t(key, params) {
    let s = I[lang][key];
    if (s === undefined) s = I.en[key];
    if (s === undefined) s = key;
    if (params) s = s.replace(/\{(\w+)\}/g, (m, k) => (k in params ? String(params[k]) : m));
    return s;
  }

  function isBuiltin() { return K.core.model.fingerprint === BUILTIN_FINGERPRINT; }
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
    const ind = K.core.model.indicators[o.statusArg];
    switch (o.statusCode) {
      case 1: return o.statusArg === 0xffff ? t('why_parse_id') : t('why_parse', { name: ind ? indName(ind) : o.statusArg });
      case 2: return t('why_fields');
      case 3: return t('why_non_finite', { name: ind ? indName(ind) : o.statusArg });
      case 4: {
        const c = K.core.CONNOTATIONS[o.statusArg];
        const cov = o.coverage ? o.coverage[o.statusArg] : 0;
        const params = { conn: connLabel(c), conn_short: t(c + '_short'), pct: pct(cov), min: pct(K.core.model.minCoverage) };
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
      t('model_chip', { name: K.core.model.name || '—', fp: K.core.model.fingerprintHex }) + ' · ' + sourceText();
    for (const tab of doc.querySelectorAll('.tab')) {
      const on = tab.dataset.tab === state.tab;
      tab.setAttribute('aria-selected', on ? 'true' : 'false');
      tab.tabIndex = on ? 0 : -1;
      doc.getElementById('panel-' + tab.dataset.tab).hidden = !on;
    }
  }

  function renderAll() {
    renderChrome();
    K.renderScore();
    K.renderPortfolio();
    K.renderModels();
    K.renderLog();
  }

  function selectTab(name, focus) {
    state.tab = name;
    renderChrome();
    if (focus) doc.getElementById('tab-' + name).focus();
    if (name === 'log') K.refreshLog();
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

  async function start() {
    const cfg = global.KIOSK_CONFIG || {};
    K.core = await global.SilkscoreCore.create(global.SilkscoreCore.fromBase64(global.KIOSK_WASM), cfg);
    global.silkscore = K.core;
    await K.restoreModel();
    try {
      K.journal = await Journal.open(K.core);
    } catch (e) {
      K.journalError = (e && e.message) || String(e);
    }
    K.resetForm();
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
    await K.refreshLog();
    global.kiosk = {
      useBuiltin: K.useBuiltin, loadModelFile: K.loadModelFile, scoreProject: K.scoreProject,
      scorePortfolio: K.scorePortfolio, exportLog: K.exportLog,
      highestRevision: () => settings.revision(),
      savedModel: () => settings.model(),
      logCount: async () => (K.journal ? K.journal.count() : 0),
      setLang, selectTab, fillExample: K.example, submitProject: K.submitProject, refreshLog: K.refreshLog,
      state,
    };
    doc.documentElement.dataset.ready = 'true';
  }

  global.addEventListener('error', (e) => showError(e.error || e.message));
  global.addEventListener('unhandledrejection', (e) => showError(e.reason));
  // main.js, the last script, starts the page once every view is loaded.
  K.start = () => start().catch(showError);
})(window);
