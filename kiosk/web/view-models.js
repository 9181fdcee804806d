// view-models.js: the model the kiosk runs: built-in, compiled, or a signed envelope verified
// against the operator's key with the highest accepted revision (rollbacks refused)
'use strict';

(function (global) {
  const K = global.KioskApp;
  const doc = global.document;
  const I = global.KioskI18n;
  const { h, s, kids, num, pct, shortNum, connColor } = global.KioskUI;
  const t = (key, params) => K.t(key, params);
  const state = K.state;
  const settings = K.settings;

  function trustedKey() { return (K.core.config.publicKey || '').trim(); }

  function useBuiltin() {
    K.core.useBuiltin();
    settings.setModel({ kind: 'builtin' });
    afterModelChange({ ok: true, text: t('model_ok', { name: K.core.model.name, fp: K.core.model.fingerprintHex }) });
    return K.core.model;
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
      const r = K.core.loadSigned(bytes, trustedKey(), running);
      if (r.ok) {
        // The revision is raised before the model is stored: a restart in between can only
        // make the kiosk refuse more, never accept an older envelope.
        settings.raiseRevision(r.revision);
        settings.setModel({ kind: 'signed', revision: r.revision, data: K.core.toBase64(bytes) });
        message = { ok: true, code: 'ok', revision: r.revision, text: t('signed_ok', { name: r.model.name, rev: r.revision }) };
      } else {
        const why = t('refused_' + r.error.kind, {
          running: r.error.running, found: r.error.found, detail: decodeWhy(r.error.decode),
        });
        message = { ok: false, code: r.error.kind, text: t('refused', { why }) };
      }
    } else {
      const r = K.core.loadCompiled(bytes);
      if (r.ok) {
        settings.setModel({ kind: 'compiled', data: K.core.toBase64(bytes) });
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
    K.resetForm();
    state.portfolio = null;
    K.renderAll();
  }

  function renderModels() {
    const panel = doc.getElementById('panel-models');
    const m = K.core.model;
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
          h('dt', {}, t('source')), h('dd', { id: 'model-source' }, K.sourceText()),
          h('dt', {}, t('indicators')), h('dd', {}, m.indicators.length + ' (' + K.core.CONNOTATIONS.map((c) => K.connLabel(c) + ' ' + m.indicators.filter((i) => i.connotation === c).length).join(', ') + ')'),
          h('dt', {}, t('highest_revision')), h('dd', { id: 'highest-revision' }, rev ? String(rev) : t('none_yet')),
          h('dt', {}, t('trusted_key')), h('dd', { class: key ? 'mono' : null }, key ? key.slice(0, 16) + '…' + key.slice(-8) : t('no_key')))),
      msg ? h('p', { class: msg.ok ? 'okmsg' : 'reason', role: msg.ok ? 'status' : 'alert', id: 'model-message', 'data-code': msg.code }, msg.text) : null,
      h('div', { class: 'buttons' },
        h('button', { class: 'btn', type: 'button', id: 'use-builtin', onclick: useBuiltin }, t('use_builtin')),
        fileButton('load_compiled', 'compiled', '.bin,application/octet-stream', 'model-file'),
        K.core.signedModels ? fileButton('load_signed', 'signed', '.env,application/octet-stream', 'envelope-file') : null)));
  }

  async function restoreModel() {
    const saved = settings.model();
    if (!saved || saved.kind === 'builtin' || !saved.data) return;
    let bytes;
    try { bytes = K.core.fromBase64(saved.data); } catch (_) { return; }
    if (saved.kind === 'compiled') {
      const r = K.core.loadCompiled(bytes);
      if (!r.ok) state.modelMessage = { ok: false, code: r.error.kind, text: t('refused', { why: decodeWhy(r.error) }) };
    } else if (saved.kind === 'signed') {
      // The stored envelope is verified again: the revision it was accepted at must not be
      // below the highest ever accepted, and its signature must still hold.
      const rev = Number(saved.revision) >>> 0;
      const r = rev >= 1 && rev >= settings.revision() ? K.core.loadSigned(bytes, trustedKey(), rev - 1)
        : { ok: false, error: { kind: 'rollback', running: settings.revision(), found: rev } };
      if (!r.ok) {
        K.core.useBuiltin();
        settings.setModel({ kind: 'builtin' });
        state.modelMessage = { ok: false, code: r.error.kind, text: t('refused', { why: t('refused_' + r.error.kind, r.error) }) };
      }
    }
  }


  K.useBuiltin = useBuiltin;
  K.loadModelFile = loadModelFile;
  K.renderModels = renderModels;
  K.restoreModel = restoreModel;
})(window);
