import { api, badge, el, main, message, poll, post, time } from './dom.js';

// The executions list (newest first, filter by status, refreshed every second) and the upload form.
const STATUSES = ['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED'];

export function executionsPage() {
  const filter = el('select', { id: 'status-filter', onchange: refresh }, el('option', { value: '' }, 'All statuses'), STATUSES.map((s) => el('option', { value: s }, s)));
  const rows = el('tbody', { id: 'executions' });
  main.replaceChildren(
    uploadPanel(),
    el('section', { class: 'panel' },
      el('div', { class: 'toolbar' }, el('h2', {}, 'Executions'), el('label', {}, 'Status', filter), el('span', { class: 'muted', id: 'updated' })),
      el('table', {}, el('thead', {}, el('tr', {}, ['Name', 'Package', 'Version', 'Status', 'Started', 'Stopped', 'Failed state', 'Error'].map((h) => el('th', {}, h)))), rows)),
  );
  async function refresh() {
    try {
      const { executions, limit } = await api(`/api/executions${filter.value ? `?status=${filter.value}` : ''}`);
      rows.replaceChildren(
        ...executions.map((e) =>
          el('tr', { 'data-name': e.name },
            el('td', { class: 'mono' }, el('a', { href: `#/execution/${encodeURIComponent(e.executionArn)}` }, e.name)),
            el('td', {}, e.package ?? ''),
            el('td', {}, e.version ?? ''),
            el('td', {}, badge(e.status, `s-${e.status}`)),
            el('td', {}, time(e.startDate)),
            el('td', {}, time(e.stopDate)),
            el('td', {}, e.failedState ?? ''),
            el('td', { title: e.cause ?? '' }, e.error ?? ''),
          ),
        ),
      );
      if (!executions.length) rows.replaceChildren(el('tr', {}, el('td', { colspan: 8, class: 'muted' }, 'No executions yet: upload an artifact above.')));
      const limited = executions.length >= limit ? ` · showing the newest ${limit}` : '';
      document.getElementById('updated').textContent = `updated ${new Date().toLocaleTimeString(undefined, { hour12: false })}${limited}`;
    } finally {
      if (location.hash.slice(1) === '/' || location.hash === '') poll(refresh);
    }
  }
  refresh();
}

function uploadPanel() {
  const file = el('input', { type: 'file', id: 'upload-file', required: true });
  const pkg = el('input', { id: 'upload-package', placeholder: 'edge-agent', required: true, size: 18, list: 'configured-packages' });
  const configured = el('datalist', { id: 'configured-packages' });
  const hint = el('span', { class: 'muted' });
  api('/api/packages').then((names) => {
    configured.replaceChildren(...names.map((n) => el('option', { value: n })));
    hint.textContent = names.length ? `Configured packages: ${names.join(', ')}.` : 'No package is configured: start serve with --config config/packages.json.';
  });
  const version = el('input', { id: 'upload-version', placeholder: '1.4.0', required: true, size: 10 });
  const result = el('p', { class: 'message', id: 'upload-result' });
  const form = el('form', { class: 'inline', id: 'upload-form', onsubmit: submit },
    el('label', {}, 'Artifact', file), el('label', {}, 'Package', pkg), el('label', {}, 'Version', version), el('button', { type: 'submit' }, 'Upload'));
  async function submit(event) {
    event.preventDefault();
    const chosen = file.files[0];
    if (!chosen) return message(result, 'Choose a file to upload.', false);
    const query = new URLSearchParams({ package: pkg.value.trim(), version: version.value.trim(), file: chosen.name });
    const out = await post(`/api/upload?${query}`, await chosen.arrayBuffer()).catch((e) => ({ ok: false, reason: e.message }));
    if (out.ok) message(result, `Uploaded s3://${out.bucket}/${out.key} (version ${out.versionId}); the release starts from the S3 drop.`, true);
    else message(result, out.reason, false);
  }
  return el('section', { class: 'panel' },
    el('h2', {}, 'Upload an artifact'),
    el('p', { class: 'muted' }, 'PutObject under releases/<package>/<version>/<file>, the same drop path as aws s3 cp: the S3 event starts the release. ', hint),
    form, configured, result);
}
