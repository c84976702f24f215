// Shared by the console's pages: DOM building (text only, never HTML from data), the JSON API, polling.
export const main = document.getElementById('main');
const POLL_MS = 1000;
let timer;

/** One page polls at a time: a new page (or a new poll) replaces the pending one. */
export function poll(fn) {
  clearTimeout(timer);
  timer = setTimeout(fn, POLL_MS);
}

export function stopPolling() {
  clearTimeout(timer);
}

export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else if (k === 'class') node.className = v;
    else node.setAttribute(k, v === true ? '' : String(v));
  }
  for (const child of children.flat()) if (child !== undefined && child !== null) node.append(child instanceof Node ? child : String(child));
  return node;
}

export async function api(path, options = {}) {
  const res = await fetch(path, options);
  const body = await res.json();
  if (!res.ok && body.ok !== false) throw new Error(body.reason || res.statusText);
  return body;
}

export function post(path, body) {
  return api(path, { method: 'POST', headers: { 'x-pkgrelease-console': '1' }, body });
}

export function badge(text, cls) {
  return el('span', { class: `badge ${cls}`, 'data-status': text }, text);
}

export function time(iso) {
  return iso ? new Date(iso).toLocaleString(undefined, { hour12: false }) : '';
}

/** Event timestamps to the millisecond, as the AWS console's event table shows them. */
export function clock(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  return `${d.toLocaleTimeString(undefined, { hour12: false })}.${String(d.getMilliseconds()).padStart(3, '0')}`;
}

export function pretty(text) {
  if (text === undefined || text === null || text === '') return '';
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

export function message(node, text, ok) {
  node.replaceChildren(text);
  node.className = `message ${ok ? 'ok' : 'error'}`;
}

export function kv(entries) {
  return el('dl', { class: 'kv' }, entries.filter(([, v]) => v !== undefined).flatMap(([k, v]) => [el('dt', {}, k), el('dd', {}, v ?? '—')]));
}

/** Any object as a definition list; nested values as JSON (new catalog fields show up without code). */
export function generic(obj) {
  return kv(Object.entries(obj).map(([k, v]) => [k, v === null ? 'none' : typeof v === 'object' ? el('pre', {}, JSON.stringify(v, null, 2)) : String(v)]));
}

export function historyTable(history) {
  const columns = [...new Set(history.flatMap((h) => Object.keys(h)))];
  return el('table', {}, el('thead', {}, el('tr', {}, columns.map((c) => el('th', {}, c)))),
    el('tbody', {}, history.map((h) => el('tr', {}, columns.map((c) => el('td', { class: 'mono' }, typeof h[c] === 'object' && h[c] !== null ? JSON.stringify(h[c]) : h[c] ?? ''))))));
}
