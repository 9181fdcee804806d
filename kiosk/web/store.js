// store.js: what the page keeps in the browser. The model it runs and the highest signed
// revision it has accepted live in localStorage; the offline log lives in IndexedDB, one
// record per journal entry frame (docs/spec.md §6.4), keyed by its sequence number.
'use strict';

(function (global) {
  const KEY_MODEL = 'silkscore.kiosk.model';
  const KEY_REVISION = 'silkscore.kiosk.revision';
  const KEY_LANG = 'silkscore.kiosk.lang';
  const DB = 'silkscore-kiosk';
  const STORE = 'journal';

  function get(key) {
    try { return global.localStorage.getItem(key); } catch (_) { return null; }
  }
  function set(key, value) {
    try { global.localStorage.setItem(key, value); return true; } catch (_) { return false; }
  }

  const settings = {
    // { kind: 'builtin' | 'compiled' | 'signed', data: base64 bytes, revision }
    model() {
      try { return JSON.parse(get(KEY_MODEL) || 'null'); } catch (_) { return null; }
    },
    setModel(m) { return set(KEY_MODEL, JSON.stringify(m)); },
    // The highest revision ever accepted: it never goes down, whatever model runs now.
    revision() {
      const n = Number(get(KEY_REVISION) || 0);
      return Number.isInteger(n) && n >= 0 && n <= 0xffffffff ? n : 0;
    },
    raiseRevision(r) {
      if (r > settings.revision()) return set(KEY_REVISION, String(r));
      return true;
    },
    lang() { return get(KEY_LANG); },
    setLang(l) { set(KEY_LANG, l); },
  };

  function request(req) {
    return new Promise((resolve, reject) => {
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
  }

  function done(tx) {
    return new Promise((resolve, reject) => {
      tx.oncomplete = () => resolve();
      tx.onabort = () => reject(tx.error || new Error('transaction aborted'));
      tx.onerror = () => reject(tx.error);
    });
  }

  class Journal {
    constructor(db, core) { this.db = db; this.core = core; }

    static async open(core) {
      if (!global.indexedDB) throw new Error('IndexedDB is not available');
      const req = global.indexedDB.open(DB, 1);
      req.onupgradeneeded = () => {
        req.result.createObjectStore(STORE, { keyPath: 'seq' });
      };
      const db = await request(req);
      return new Journal(db, core);
    }

    // Appends one entry per scores message, in one transaction: sequence numbers follow the
    // last stored one, and the transaction commits all of them or none (strict durability:
    // on disk when it completes). Returns the sequence numbers.
    async append(messages) {
      if (!messages.length) return [];
      const tx = this.db.transaction(STORE, 'readwrite', { durability: 'strict' });
      const store = tx.objectStore(STORE);
      const finished = done(tx);
      const seqs = [];
      const cursorReq = store.openCursor(null, 'prev');
      cursorReq.onsuccess = () => {
        const cursor = cursorReq.result;
        let seq = cursor ? cursor.key + 1 : 0;
        for (const m of messages) {
          const frame = this.core.entryFrame(m, seq);
          store.add({ seq, frame, at: Date.now() });
          seqs.push(seq);
          seq += 1;
        }
      };
      await finished;
      return seqs;
    }

    async count() {
      const tx = this.db.transaction(STORE, 'readonly');
      return request(tx.objectStore(STORE).count());
    }

    // The last `n` entries, newest first, decoded by the core (a damaged one is marked).
    async recent(n) {
      const tx = this.db.transaction(STORE, 'readonly');
      const store = tx.objectStore(STORE);
      const out = [];
      await new Promise((resolve, reject) => {
        const req = store.openCursor(null, 'prev');
        req.onsuccess = () => {
          const c = req.result;
          if (!c || out.length >= n) return resolve();
          const e = this.core.readEntry(c.value.frame);
          out.push(e ? Object.assign(e, { at: c.value.at, ok: e.sequence === c.key })
            : { sequence: c.key, ok: false, at: c.value.at });
          c.continue();
        };
        req.onerror = () => reject(req.error);
      });
      return out;
    }

    // Every entry frame, in sequence order, read in one snapshot: the export. Reading never
    // changes the log, so exporting twice gives the same bytes, plus any entry added between.
    async exportBytes() {
      const tx = this.db.transaction(STORE, 'readonly');
      const all = await request(tx.objectStore(STORE).getAll());
      let size = 0;
      const bad = [];
      for (const rec of all) {
        const e = this.core.readEntry(rec.frame);
        if (!e || e.sequence !== rec.seq) bad.push(rec.seq);
        size += rec.frame.length;
      }
      const bytes = new Uint8Array(size);
      let at = 0;
      for (const rec of all) {
        bytes.set(rec.frame, at);
        at += rec.frame.length;
      }
      return { bytes, entries: all.length, bad,
        first: all.length ? all[0].seq : null, last: all.length ? all[all.length - 1].seq : null };
    }
  }

  global.KioskStore = { settings, Journal };
})(window);
