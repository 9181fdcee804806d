// view-log.js: the offline log: every score stored as a journal entry, the latest shown,
// and the export (one journal region, checked by the core before it is offered)
'use strict';

(function (global) {
  const K = global.KioskApp;
  const doc = global.document;
  const I = global.KioskI18n;
  const { h, s, kids, num, pct, shortNum, connColor } = global.KioskUI;
  const t = (key, params) => K.t(key, params);
  const state = K.state;
  const settings = K.settings;

  async function logScores(messages) {
    if (!K.journal) throw new Error(K.journalError || 'no log');
    const seqs = await K.journal.append(messages);
    state.logCount += seqs.length;
    return seqs;
  }

  async function refreshLog() {
    if (K.journal) {
      state.logCount = await K.journal.count();
      state.logRecent = await K.journal.recent(20);
    }
    renderLog();
  }

  function stamp() {
    const d = new Date();
    const p = (n) => String(n).padStart(2, '0');
    return d.getFullYear() + p(d.getMonth() + 1) + p(d.getDate()) + '-' + p(d.getHours()) + p(d.getMinutes()) + p(d.getSeconds());
  }

  // The export: every entry frame in sequence order, one K.journal region; checked by the
  // core (as a device's K.journal is recovered) before it is offered for download.
  async function exportLog(download) {
    if (!K.journal) throw new Error(K.journalError || 'no log');
    const x = await K.journal.exportBytes();
    if (!x.entries) {
      state.logMessage = { ok: true, text: t('exported_empty') };
      renderLog();
      return x;
    }
    const check = K.core.checkJournal(x.bytes);
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
      K.journal ? h('p', { id: 'log-count' }, state.logCount ? t('log_count', { n: state.logCount }) : t('log_empty'))
        : h('p', { class: 'reason', role: 'alert' }, t('log_unavailable', { err: K.journalError })),
      h('div', { class: 'buttons' },
        h('button', { class: 'btn primary', type: 'button', id: 'export-log', disabled: !K.journal,
          onclick: () => exportLog().catch((e) => K.showError(e)) }, t('export_button'))),
      msg ? h('p', { class: msg.ok ? 'okmsg' : 'reason', id: 'log-message', role: 'status' }, msg.text) : null,
      state.logRecent.length ? h('div', { class: 'card table-wrap' }, h('table', { id: 'log-table' },
        h('thead', {}, h('tr', {}, h('th', { class: 'n' }, t('sequence')), h('th', {}, t('id')),
          h('th', { class: 'n' }, t('composite')), h('th', {}, t('grade')), h('th', {}, t('fingerprint')), h('th', {}, t('when')))),
        h('tbody', {}, state.logRecent.map((e) => h('tr', {},
          h('td', { class: 'n' }, e.sequence), h('td', {}, e.ok ? e.recordId : '⚠'),
          h('td', { class: 'n' }, e.ok ? num(e.values[3], 2) : '–'),
          h('td', {}, e.ok ? h('span', { class: 'badge' }, e.grade) : '–'),
          h('td', { class: 'mono' }, e.ok ? e.fingerprint.toString(16).padStart(8, '0') : '–'),
          h('td', {}, e.at ? new Date(e.at).toLocaleString(K.lang === 'zh' ? 'zh-CN' : 'en-GB') : '')))))) : null));
  }


  K.logScores = logScores;
  K.refreshLog = refreshLog;
  K.exportLog = exportLog;
  K.renderLog = renderLog;
})(window);
