import { api, badge, el, generic, historyTable, main, message, poll, post } from './dom.js';

// The catalog: IoT packages with their versions and default; OpenSearch packages with their history.
// "Roll back to this version" is `pkgrelease rollback --dry-run`, then `pkgrelease rollback`.
export async function catalogPage() {
  const box = el('div', { id: 'catalog' });
  const rollbackResult = el('p', { class: 'message', id: 'rollback-result' });
  main.replaceChildren(el('h1', {}, 'Catalog'), rollbackResult, box);
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
          el('table', {}, el('thead', {}, el('tr', {}, ['Version', 'Status', 'Default', 'Artifact', ''].map((h) => el('th', {}, h)))),
            el('tbody', {}, Object.entries(p.versions).map(([v, info]) => el('tr', { 'data-version': v },
              el('td', {}, v), el('td', {}, badge(info.status, info.status === 'PUBLISHED' ? 's-SUCCEEDED' : info.status === 'DRAFT' ? 's-RUNNING' : 's-ABORTED')),
              el('td', {}, v === p.defaultVersion ? '✔' : ''),
              el('td', { class: 'mono' }, info.artifact ? JSON.stringify(info.artifact) : ''),
              el('td', {}, p.rollbackTargets?.includes(v)
                ? el('button', { class: 'secondary rollback', onclick: () => rollBack(rollbackResult, name, v) }, 'Roll back to this version') : ''))))))) : el('p', { class: 'muted' }, 'No packages yet.')),
      el('section', { class: 'panel', id: 'catalog-opensearch' }, el('h2', {}, 'OpenSearch packages'),
        os.length ? os.map(([name, p]) => {
          const { history, ...rest } = p;
          return el('div', { 'data-package': name }, el('h3', {}, name), generic(rest), el('h4', {}, 'Version history'), history?.length ? historyTable(history) : el('p', { class: 'muted' }, 'empty'));
        }) : el('p', { class: 'muted' }, 'No packages yet.')),
    );
  }
  refresh();
}

/** The preview (nothing changes) in a confirm dialog, an optional reason, then the rollback's StartExecution. */
async function rollBack(result, packageName, version) {
  const query = (extra = '') => `package=${encodeURIComponent(packageName)}&to=${encodeURIComponent(version)}${extra}`;
  const failed = (e) => ({ ok: false, reason: e.message });
  const preview = await post(`/api/rollback-preview?${query()}`).catch(failed);
  if (!preview.ok) return message(result, preview.reason, false);
  if (!window.confirm(`${preview.preview}\n\nStart this rollback?`)) return message(result, `Rollback of ${packageName} to ${version} not started.`, false);
  const reason = window.prompt('Reason (optional): it goes into the execution input', '');
  if (reason === null) return message(result, `Rollback of ${packageName} to ${version} not started.`, false);
  const out = await post(`/api/rollback?${query(reason ? `&reason=${encodeURIComponent(reason)}` : '')}`).catch(failed);
  if (!out.ok) return message(result, out.reason, false);
  message(result, `${out.alreadyStarted ? 'Already started (the same rollback)' : 'Rollback started'}: `, true);
  result.append(el('a', { href: `#/execution/${encodeURIComponent(out.executionArn)}`, class: 'mono' }, out.executionArn));
}
