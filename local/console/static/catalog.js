import { api, badge, el, generic, historyTable, main, poll } from './dom.js';

// The catalog: IoT packages with their versions and default; OpenSearch packages with their history.
export async function catalogPage() {
  const box = el('div', { id: 'catalog' });
  main.replaceChildren(el('h1', {}, 'Catalog'), box);
  let lastSeen;
  async function refresh() {
    const catalog = await api('/api/catalog');
    if (location.hash === '#/catalog') poll(refresh);
    // Re-render only on change, so reading or copying from the page is not disturbed.
    const seen = JSON.stringify(catalog);
    if (seen === lastSeen) return;
    lastSeen = seen;
    const iot = Object.entries(catalog.iot ?? {});
    const os = Object.entries(catalog.opensearch ?? {});
    box.replaceChildren(
      el('section', { class: 'panel', id: 'catalog-iot' }, el('h2', {}, 'IoT software packages'),
        iot.length ? iot.map(([name, p]) => el('div', { 'data-package': name },
          el('h3', {}, name, ' ', el('span', { class: 'muted' }, `default: ${p.defaultVersion ?? 'none'}`)),
          el('table', {}, el('thead', {}, el('tr', {}, ['Version', 'Status', 'Default', 'Artifact'].map((h) => el('th', {}, h)))),
            el('tbody', {}, Object.entries(p.versions).map(([v, info]) => el('tr', { 'data-version': v },
              el('td', {}, v), el('td', {}, badge(info.status, info.status === 'PUBLISHED' ? 's-SUCCEEDED' : info.status === 'DRAFT' ? 's-RUNNING' : 's-ABORTED')),
              el('td', {}, v === p.defaultVersion ? '✔' : ''),
              el('td', { class: 'mono' }, info.artifact ? JSON.stringify(info.artifact) : ''))))))) : el('p', { class: 'muted' }, 'No packages yet.')),
      el('section', { class: 'panel', id: 'catalog-opensearch' }, el('h2', {}, 'OpenSearch packages'),
        os.length ? os.map(([name, p]) => {
          const { history, ...rest } = p;
          return el('div', { 'data-package': name }, el('h3', {}, name), generic(rest), el('h4', {}, 'Version history'), history?.length ? historyTable(history) : el('p', { class: 'muted' }, 'empty'));
        }) : el('p', { class: 'muted' }, 'No packages yet.')),
    );
  }
  refresh();
}
