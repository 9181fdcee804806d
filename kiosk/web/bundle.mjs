// bundle.mjs: puts the page together into one self-contained index.html: the WebAssembly
// module (base64), the scripts and the style inlined, and a Content-Security-Policy that
// allows exactly those two inline blocks (by their SHA-256) and WebAssembly, and nothing
// from anywhere: no network, no other script, style, font, image, frame or worker.
//
//   node kiosk/web/bundle.mjs --wasm MODULE.wasm --out DIR [--public-key HEX]
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const opt = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const wasmPath = opt('--wasm');
const outDir = opt('--out');
const publicKey = (opt('--public-key') || '').trim().toLowerCase();
if (!wasmPath || !outDir) {
  console.error('usage: node bundle.mjs --wasm MODULE.wasm --out DIR [--public-key HEX]');
  process.exit(2);
}
if (publicKey && !/^[0-9a-f]{64}$/.test(publicKey)) {
  console.error('bundle: --public-key must be 64 hex digits (the .pub file of `silkscore model keygen`)');
  process.exit(2);
}

const read = (f) => readFileSync(join(here, f), 'utf8');
const wasm = readFileSync(wasmPath);
const config = { publicKey: publicKey || null };
const script = [
  `window.KIOSK_WASM = "${wasm.toString('base64')}";`,
  `window.KIOSK_CONFIG = ${JSON.stringify(config)};`,
  read('i18n.js'),
  read('silkscore.js'),
  read('store.js'),
  read('ui.js'),
  read('app.js'),
  read('view-score.js'),
  read('view-portfolio.js'),
  read('view-models.js'),
  read('view-log.js'),
  read('main.js'),
].join('\n');
// The embedded font (fonts/subset.py): Noto Sans CJK SC cut to the page's own characters,
// so that Chinese is readable on a kiosk without CJK fonts; user data in other scripts
// falls back to the system's fonts.
const font = (weight) => `@font-face { font-family: "Kiosk Sans"; font-weight: ${weight}; font-style: normal; font-display: block; src: url(data:font/woff2;base64,${readFileSync(join(here, 'fonts', `kiosk-sans-${weight}.woff2`)).toString('base64')}) format("woff2"); }`;
const style = [font(400), font(700), read('style.css')].join('\n');
for (const [name, text] of [['script', script], ['style', style]]) {
  if (/<\/(script|style)/i.test(text)) {
    console.error(`bundle: the ${name} holds a closing tag`);
    process.exit(1);
  }
}
const sha = (text) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
const csp = [
  "default-src 'none'",
  `script-src ${sha(script)} 'wasm-unsafe-eval'`,
  `style-src ${sha(style)}`,
  "connect-src 'none'",
  // data: only, for the empty favicon (`<link rel="icon" href="data:,">`) that keeps the
  // browser from asking a server for /favicon.ico
  'img-src data:',
  'font-src data:',
  "media-src 'none'",
  "object-src 'none'",
  "frame-src 'none'",
  "worker-src 'none'",
  "manifest-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');
const html = read('index.html')
  .split('{{CSP}}').join(csp)
  .split('{{STYLE}}').join(style)
  .split('{{SCRIPT}}').join(script);
mkdirSync(outDir, { recursive: true });
writeFileSync(join(outDir, 'index.html'), html);
console.log(`bundle: ${join(outDir, 'index.html')} (${Buffer.byteLength(html)} bytes; key ${publicKey ? publicKey.slice(0, 8) + '…' : 'none'})`);
