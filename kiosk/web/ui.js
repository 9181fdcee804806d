// ui.js: building the page's elements (HTML and SVG) and formatting numbers for people.
'use strict';

(function (global) {
  const doc = global.document;

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
  global.KioskUI = { h, s, kids, num, pct, shortNum, connColor };
})(window);
