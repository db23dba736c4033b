// Tiny DOM helpers: every value goes in as text, never as HTML.
export const $ = (selector, root = document) => root.querySelector(selector);

export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === 'class') node.className = value;
    else if (name === 'dataset') Object.assign(node.dataset, value);
    else if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

export function stat(label, value) {
  return el('div', { class: 'stat' }, el('b', {}, value), el('span', {}, label));
}

export const fmt = {
  int: (n) => (n === null || n === undefined ? '–' : Math.round(n).toLocaleString('en-US')),
  ms: (n) => (n === null || n === undefined ? '–' : `${Math.round(n)} ms`),
  pct: (n) => (n === null || n === undefined ? '–' : `${(n * 100).toFixed(1)} %`),
  usd: (n) => `$${(n ?? 0).toFixed(n && n < 1 ? 4 : 2)}`,
  time: (t) => (t ? new Date(t).toLocaleString('en-GB', { hour12: false }) : '–'),
};
