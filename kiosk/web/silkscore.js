// silkscore.js: loads the WebAssembly core and exposes the page's public interface,
// `window.silkscore`. Every score comes from the core (kiosk/src, the silkscore crate):
// this file only moves bytes in and out and reads the layouts that kiosk/src documents.
// Numbers come back as f32 bits, so `bits` are exact and `values` are the f32 values.
'use strict';

(function (global) {
  const CONNOTATIONS = ['cultural', 'economic', 'security'];
  const GRADES = ['A', 'B', 'C', 'D', 'E'];
  const AGGREGATIONS = ['arithmetic', 'geometric'];
  const DIRECTIONS = ['benefit', 'cost'];
  const TRANSFORMS = ['lin', 'log', 'ln'];
  const utf8 = new TextDecoder('utf-8');
  const encoder = new TextEncoder();

  function fromBase64(s) {
    const bin = atob(s);
    const out = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out;
  }

  function toBase64(bytes) {
    let s = '';
    for (let i = 0; i < bytes.length; i += 0x8000) {
      s += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
    }
    return btoa(s);
  }

  function hex(bytes) {
    return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  }

  function fromHex(s) {
    const clean = String(s).trim();
    if (!/^([0-9a-fA-F]{2})*$/.test(clean)) throw new TypeError('not hex');
    const out = new Uint8Array(clean.length / 2);
    for (let i = 0; i < out.length; i++) out[i] = parseInt(clean.substr(2 * i, 2), 16);
    return out;
  }

  // Reads the little-endian layouts the module writes.
  class Reader {
    constructor(bytes) {
      this.bytes = bytes;
      this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      this.at = 0;
    }
    get done() { return this.at >= this.bytes.length; }
    u8() { return this.view.getUint8(this.at++); }
    u16() { const v = this.view.getUint16(this.at, true); this.at += 2; return v; }
    u32() { const v = this.view.getUint32(this.at, true); this.at += 4; return v; }
    u64() { const v = this.view.getBigUint64(this.at, true); this.at += 8; return Number(v); }
    f32() { const v = this.view.getFloat32(this.at, true); this.at += 4; return v; }
    take(n) { const s = this.bytes.subarray(this.at, this.at + n); this.at += n; return s; }
    str8() { return utf8.decode(this.take(this.u8())); }
    str16() { return utf8.decode(this.take(this.u16())); }
  }

  // `value` (an f32, exact in a JS number) with `d` decimals exactly as Rust's `{:.d}`
  // writes it: the exact binary value rounded half to even (JavaScript's toFixed rounds
  // ties up, so 50.0078125 would differ in the last digit).
  function fixed(value, d) {
    if (!Number.isFinite(value)) return String(value);
    const view = new DataView(new ArrayBuffer(8));
    view.setFloat64(0, Math.abs(value));
    const bits = view.getBigUint64(0);
    let exp = Number((bits >> 52n) & 0x7ffn);
    let mant = bits & ((1n << 52n) - 1n);
    if (exp === 0) exp = 1; else mant |= 1n << 52n;
    const e = exp - 1075;
    const scale = 10n ** BigInt(d);
    let q;
    if (e >= 0) {
      q = (mant << BigInt(e)) * scale;
    } else {
      const num = mant * scale;
      const den = 1n << BigInt(-e);
      q = num / den;
      const twice = 2n * (num % den);
      if (twice > den || (twice === den && (q & 1n) === 1n)) q += 1n;
    }
    const digits = q.toString().padStart(d + 1, '0');
    const text = d ? digits.slice(0, -d) + '.' + digits.slice(-d) : digits;
    return (value < 0 || Object.is(value, -0) ? '-' : '') + text;
  }

  // One CSV field as the csv crate writes it: quoted when it holds a separator, a quote or
  // a line break.
  function csvField(text) {
    return /[",\r\n]/.test(text) ? '"' + text.replace(/"/g, '""') + '"' : text;
  }

  const CSV_HEADER = 'id,cultural,economic,security,composite,grade,status,name,cultural_coverage,economic_coverage,security_coverage';

  function bitsOf(values) {
    return new Uint32Array(Float32Array.from(values).buffer);
  }

  function readModel(r) {
    const m = {
      name: r.str8(),
      fingerprint: r.u32(),
      within: AGGREGATIONS[r.u8()],
      across: AGGREGATIONS[r.u8()],
      floor: r.f32(),
      minCoverage: r.f32(),
      grades: [r.f32(), r.f32(), r.f32(), r.f32()],
      weights: [r.f32(), r.f32(), r.f32()],
      indicators: [],
    };
    const n = r.u8();
    for (let i = 0; i < n; i++) {
      m.indicators.push({
        id: r.str8(),
        connotation: CONNOTATIONS[r.u8()],
        direction: DIRECTIONS[r.u8()],
        transform: TRANSFORMS[r.u8()],
        lo: r.f32(),
        hi: r.f32(),
        weight: r.f32(),
      });
    }
    m.fingerprintHex = m.fingerprint.toString(16).padStart(8, '0');
    return m;
  }

  const DECODE_ERRORS = [null, 'unknown_version', 'malformed', 'invalid_value', 'trailing_bytes',
    'bad_frame', 'checksum_mismatch', 'buffer_too_small', 'invalid_model', 'other'];
  const VERIFY_ERRORS = [null, 'malformed', 'truncated', 'too_long', 'untrusted_key',
    'bad_signature', 'rollback', 'invalid_model', 'invalid_key', 'other'];

  function readDecodeError(r) {
    const code = r.u8();
    const version = r.u8();
    const field = r.str8();
    const indicator = r.u8();
    const reason = r.str8();
    const e = { kind: DECODE_ERRORS[code] || 'other', version, field, reason };
    if (indicator !== 255) e.indicator = indicator;
    return e;
  }

  async function create(wasmBytes, config) {
    const { instance } = await WebAssembly.instantiate(wasmBytes, {});
    const x = instance.exports;
    const mem = x.memory;
    const ioSize = x.silkscore_io_size();

    function input(bytes) {
      if (bytes.length > ioSize) throw new RangeError('input larger than ' + ioSize + ' bytes');
      new Uint8Array(mem.buffer, x.silkscore_io(), ioSize).set(bytes);
      return bytes.length;
    }
    function output() {
      return new Uint8Array(mem.buffer, x.silkscore_out(), x.silkscore_out_len()).slice();
    }

    const api = {
      version: 1,
      signedModels: (x.silkscore_features() & 1) === 1,
      config: config || {},
      model: null,
      CONNOTATIONS, GRADES,
      hex, fromHex, toBase64, fromBase64,
    };

    function describe(rc) {
      api.model = readModel(new Reader(output()));
      return rc;
    }
    describe(x.silkscore_describe());

    // The status string of docs/spec.md §7.3, as `silkscore score` writes it.
    api.statusText = function (code, arg) {
      const id = (i) => (api.model.indicators[i] || { id: String(i) }).id;
      switch (code) {
        case 0: return 'ok';
        case 1: return arg === 0xffff ? 'parse:id' : 'parse:' + id(arg);
        case 2: return 'parse:fields';
        case 3: return 'non_finite:' + id(arg);
        case 4: return 'insufficient_data:' + CONNOTATIONS[arg];
        default: return 'error:other';
      }
    };

    function readOutcome(r) {
      const code = r.u8();
      const arg = r.u16();
      const grade = r.u8();
      const hasCoverage = r.u8() === 1;
      const coverage = [r.f32(), r.f32(), r.f32()];
      const o = {
        status: api.statusText(code, arg),
        statusCode: code,
        statusArg: arg,
        scored: code === 0,
        coverage: hasCoverage ? coverage : null,
        coverageBits: hasCoverage ? Array.from(bitsOf(coverage)) : null,
        grade: grade === 255 ? null : GRADES[grade],
        values: null, bits: null, basisPoints: null, message: null,
      };
      if (code === 0) {
        const start = r.at;
        const values = [r.f32(), r.f32(), r.f32(), r.f32()];
        const bitsView = new DataView(r.bytes.buffer, r.bytes.byteOffset + start, 16);
        o.bits = [0, 1, 2, 3].map((i) => bitsView.getUint32(4 * i, true));
        o.values = values;
        o.basisPoints = [r.u16(), r.u16(), r.u16(), r.u16()];
        o.message = r.take(r.u8()).slice();
        [o.cultural, o.economic, o.security, o.composite] = values;
      }
      return o;
    }

    api.useBuiltin = function () {
      describe(x.silkscore_model_builtin());
      return api.model;
    };

    api.loadCompiled = function (bytes) {
      const rc = x.silkscore_model_compiled(input(bytes));
      if (rc < 0) return { ok: false, error: readDecodeError(new Reader(output())) };
      describe(rc);
      return { ok: true, model: api.model };
    };

    api.loadSigned = function (bytes, trustedKey, running) {
      if (!api.signedModels) return { ok: false, error: { kind: 'unsupported' } };
      const key = typeof trustedKey === 'string' ? fromHex(trustedKey) : trustedKey;
      if (key.length !== 32) return { ok: false, error: { kind: 'invalid_key' } };
      const buf = new Uint8Array(32 + bytes.length);
      buf.set(key, 0);
      buf.set(bytes, 32);
      const rc = x.silkscore_model_signed(input(buf), running >>> 0);
      if (rc < 0) {
        const r = new Reader(output());
        const code = r.u8();
        const error = { kind: VERIFY_ERRORS[code] || 'other', running: r.u32(), found: r.u32() };
        const d = readDecodeError(r);
        if (error.kind === 'invalid_model') error.decode = d;
        return { ok: false, error };
      }
      describe(0);
      return { ok: true, revision: rc, model: api.model };
    };

    // Scores one project: `cells` holds one string per indicator (model order); an empty
    // string or null is an unknown value. Returns the outcome and the breakdown.
    api.score = function (cells, id) {
      const n = api.model.indicators.length;
      if (!Array.isArray(cells) || cells.length !== n) {
        throw new RangeError('expected ' + n + ' cells, one per indicator');
      }
      const text = cells.map((c) => (c === null || c === undefined ? '' : String(c))).join('\n');
      if (/[\n]/.test(cells.join(''))) throw new RangeError('a cell holds a line break');
      const rc = x.silkscore_score(input(encoder.encode(text)), (id >>> 0) || 0);
      const r = new Reader(output());
      if (rc < 0) throw new RangeError('the cells do not match the model');
      const o = readOutcome(r);
      o.recordId = (id >>> 0) || 0;
      const k = r.u8();
      o.breakdown = [];
      for (let i = 0; i < k; i++) {
        const score = r.f32();
        const contribution = r.f32();
        const flags = r.u8();
        o.breakdown.push({ score, contribution, clamped: (flags & 1) !== 0, missing: (flags & 2) !== 0 });
      }
      return o;
    };

    const CHUNK = 64 * 1024;
    const FATAL = [null, 'blank_lines', 'record_too_long', 'nul_byte', 'header_too_wide',
      'open_quote', 'empty_file', 'header_not_utf8', 'duplicate_column', 'no_id_column'];

    function readItems(bytes, result) {
      const r = new Reader(bytes);
      while (!r.done) {
        const kind = r.u8();
        if (kind === 1) {
          const h = { line: r.u64(), columns: r.u32(), hasName: r.u8() === 1 };
          const absent = r.u32();
          h.absent = api.model.indicators.filter((_, i) => (absent >>> i) & 1).map((ind) => ind.id);
          h.ignoredCount = r.u32();
          h.ignored = [];
          for (let i = 0; i < Math.min(h.ignoredCount, 16); i++) h.ignored.push(r.str8());
          result.header = h;
        } else if (kind === 2) {
          const line = r.u64();
          const index = r.u64();
          const o = readOutcome(r);
          o.line = line;
          o.index = index;
          o.id = r.str16().trim();
          o.name = r.str16().trim();
          o.nameCut = r.u8() === 1;
          result.rows.push(o);
        } else if (kind === 3) {
          const code = r.u8();
          result.fatal = { kind: FATAL[code] || 'other', line: r.u64(), column: r.u32(), name: r.str8() };
        } else if (kind === 4) {
          result.rowCount = r.u64();
          result.complete = true;
        } else {
          throw new Error('unknown item ' + kind);
        }
      }
    }

    // Reads and scores a records file (docs/spec.md §7.2) in 64 KiB chunks, as
    // `silkscore score` would. `onProgress(fraction)` is called between chunks.
    api.scoreCsv = async function (data, onProgress) {
      const bytes = typeof data === 'string' ? encoder.encode(data) : new Uint8Array(data);
      const result = { header: null, rows: [], fatal: null, complete: false, rowCount: 0 };
      x.silkscore_csv_begin();
      let last = 0;
      for (let at = 0; at < bytes.length && !result.fatal;) {
        const chunk = bytes.subarray(at, Math.min(at + CHUNK, bytes.length));
        const used = x.silkscore_csv_feed(input(chunk));
        if (used < 0) throw new Error('portfolio reader busy');
        readItems(output(), result);
        at += used;
        if (onProgress && at - last > 4 * CHUNK) {
          last = at;
          onProgress(at / bytes.length);
          await new Promise((resolve) => setTimeout(resolve, 0));
        }
      }
      for (let i = 0; i < 1e6; i++) {
        const done = x.silkscore_csv_finish();
        readItems(output(), result);
        if (done === 1) break;
      }
      if (onProgress) onProgress(1);
      return result;
    };

    // The journal entry frame (docs/spec.md §6.4) of a scores message with `sequence`.
    api.entryFrame = function (message, sequence) {
      const rc = x.silkscore_entry_frame(input(message), sequence >>> 0);
      if (rc < 0) throw new Error('not a valid scores message');
      return output();
    };

    // Decodes a stored entry frame (CRC, COBS and ranges checked by the core); null if bad.
    api.readEntry = function (frame) {
      const rc = x.silkscore_entry_read(input(frame));
      if (rc < 0) return null;
      const r = new Reader(output());
      const e = { sequence: r.u32(), recordId: r.u32(), fingerprint: r.u32() };
      const start = r.at;
      e.values = [r.f32(), r.f32(), r.f32(), r.f32()];
      e.bits = Array.from(new Uint32Array(output().slice(start, start + 16).buffer));
      e.grade = GRADES[r.u8()];
      return e;
    };

    // Opens an exported log as a journal region, as a device would (null if larger than
    // the module's input buffer).
    api.checkJournal = function (bytes) {
      if (bytes.length > ioSize) return null;
      const rc = x.silkscore_journal_check(input(bytes));
      if (rc < 0) return null;
      const r = new Reader(output());
      return {
        entries: r.u32(), corruptRegions: r.u32(), missing: r.u32(), tornTail: r.u8() === 1,
        used: r.u64(), first: r.u32(), last: r.u32(), consecutive: r.u8() === 1,
      };
    };

    // The CSV that `silkscore score` writes for the same file (docs/spec.md §7.3), from a
    // `scoreCsv` result: six decimals for scores, four for coverage, formatted from the
    // exact f32 values. Names over 256 bytes are cut in the page (nameCut), so their rows
    // differ from the tool's.
    api.toCsv = function (result) {
      const lines = [CSV_HEADER];
      for (const r of result.rows) {
        const score = (k) => (r.scored ? fixed(r.values[k], 6) : '');
        const cov = (k) => (r.coverage ? fixed(r.coverage[k], 4) : '');
        lines.push([r.id, score(0), score(1), score(2), score(3), r.grade || '', r.status, r.name,
          cov(0), cov(1), cov(2)].map(csvField).join(','));
      }
      return lines.join('\n') + '\n';
    };
    api.fixed = fixed;

    api.ioSize = ioSize;
    return api;
  }

  global.SilkscoreCore = { create, fromBase64, toBase64, hex, fromHex };
})(window);
