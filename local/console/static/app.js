// The local console page: hash routes (#/, #/execution/<arn>, #/catalog) over the console's JSON API.
// Everything it changes goes through POST /api/* — RedriveExecution, StartExecution, S3 PutObject.
const POLL_MS = 1000;
const STATUSES = ['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED'];
const OUTCOME_STYLE = {
  succeeded: 'fill:#dff3e4,stroke:#1d7a36,color:#0f4d21',
  failed: 'fill:#fbe3e4,stroke:#c0262d,color:#8a1419',
  caught: 'fill:#ffe9cc,stroke:#c76a00,color:#7a4100',
  running: 'fill:#dcebfb,stroke:#1565c0,color:#0d3c75',
  notreached: 'fill:#f1f1f1,stroke:#a0a0a0,color:#777',
};

const main = document.getElementById('main');
let timer;
let graphCache;
let renderCount = 0;

window.mermaid.initialize({ startOnLoad: false, securityLevel: 'strict', theme: 'default' });
window.addEventListener('hashchange', route);
route();

function route() {
  clearTimeout(timer);
  const hash = location.hash.slice(1) || '/';
  if (hash.startsWith('/execution/')) return executionPage(decodeURIComponent(hash.slice('/execution/'.length)));
  if (hash === '/catalog') return catalogPage();
  return executionsPage();
}

// ---- small helpers ------------------------------------------------------------------------------

function el(tag, attrs = {}, ...children) {
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

async function api(path, options = {}) {
  const res = await fetch(path, options);
  const body = await res.json();
  if (!res.ok && body.ok !== false) throw new Error(body.reason || res.statusText);
  return body;
}

function post(path, body) {
  return api(path, { method: 'POST', headers: { 'x-pkgrelease-console': '1' }, body });
}

function badge(text, cls) {
  return el('span', { class: `badge ${cls}`, 'data-status': text }, text);
}

function time(iso) {
  return iso ? new Date(iso).toLocaleString(undefined, { hour12: false }) : '';
}

/** Event timestamps to the millisecond, as the AWS console's event table shows them. */
function clock(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  return `${d.toLocaleTimeString(undefined, { hour12: false })}.${String(d.getMilliseconds()).padStart(3, '0')}`;
}

function pretty(text) {
  if (text === undefined || text === null || text === '') return '';
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

function message(node, text, ok) {
  node.replaceChildren(text);
  node.className = `message ${ok ? 'ok' : 'error'}`;
}

function poll(fn) {
  clearTimeout(timer);
  timer = setTimeout(fn, POLL_MS);
}

function kv(entries) {
  return el('dl', { class: 'kv' }, entries.filter(([, v]) => v !== undefined).flatMap(([k, v]) => [el('dt', {}, k), el('dd', {}, v ?? '—')]));
}

// ---- executions list ----------------------------------------------------------------------------

function executionsPage() {
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

// ---- execution page -----------------------------------------------------------------------------

async function executionPage(arn) {
  const head = el('h1', {}, 'Execution');
  const actions = el('div', { class: 'toolbar' });
  const actionResult = el('p', { class: 'message', id: 'action-result' });
  const graphBox = el('div', { id: 'graph' });
  const stateBox = el('div', { id: 'state-details' }, el('p', { class: 'muted' }, 'Click a state in the graph to see its input, output, error and cause.'));
  const statesTable = el('tbody', { id: 'states' });
  const events = el('tbody', { id: 'events' });
  const effect = el('div', { id: 'effect' });
  const io = el('div', { id: 'execution-io' });
  main.replaceChildren(
    head,
    el('section', { class: 'panel' }, actions, actionResult),
    el('div', { class: 'layout' },
      el('section', { class: 'panel' }, el('h2', {}, 'Graph'), legend(), graphBox),
      el('div', {},
        el('section', { class: 'panel' }, el('h2', {}, 'State'), stateBox),
        el('section', { class: 'panel' }, el('h2', {}, 'Catalog effect'), effect),
        el('section', { class: 'panel' }, el('h2', {}, 'States'),
          el('table', {}, el('thead', {}, el('tr', {}, ['State', 'Outcome', 'Entered', 'Retries (polls)', 'Error'].map((h) => el('th', {}, h)))), statesTable)))),
    el('section', { class: 'panel' }, el('h2', {}, 'Execution input and output'), io),
    el('section', { class: 'panel' }, el('h2', {}, 'Event history'),
      el('table', {}, el('thead', {}, el('tr', {}, ['ID', 'Type', 'State', 'Timestamp', 'Error / cause'].map((h) => el('th', {}, h)))), events)),
  );
  let selected;
  let graphKey;
  let detail;

  async function refresh() {
    try {
      detail = await api(`/api/execution?arn=${encodeURIComponent(arn)}`);
    } catch (e) {
      head.replaceChildren(`Execution ${arn}`);
      message(actionResult, e.message, false);
      return;
    }
    const x = detail.execution;
    head.replaceChildren(el('span', { class: 'mono' }, x.name), badge(x.status, `s-${x.status}`),
      detail.release.package ? el('span', { class: 'muted' }, `${detail.release.package} @ ${detail.release.version ?? '?'}`) : '');
    renderActions(x);
    const key = JSON.stringify(detail.states.map((s) => [s.name, s.outcome, s.entries, s.retries]));
    if (key !== graphKey) {
      graphKey = key;
      await renderGraph(graphBox, detail.states, (name) => select(name));
    }
    statesTable.replaceChildren(...detail.states.map((s) =>
      el('tr', { 'data-state': s.name, 'data-outcome': s.outcome },
        el('td', {}, el('a', { href: 'javascript:void 0', onclick: () => select(s.name) }, s.name)),
        el('td', {}, badge(s.outcome, `o-${s.outcome}`)), el('td', {}, s.entries), el('td', {}, s.retries), el('td', {}, s.error ?? ''))));
    events.replaceChildren(...detail.events.map((e) =>
      el('tr', {}, el('td', {}, e.id), el('td', { class: 'mono' }, e.type), el('td', {}, e.details?.name ?? ''), el('td', { class: 'mono' }, clock(e.timestamp)),
        el('td', { class: 'mono' }, [e.details?.error, e.details?.cause].filter(Boolean).join(': ')))));
    effect.replaceChildren(renderEffect(detail.effect));
    io.replaceChildren(el('h3', {}, 'Input'), el('pre', {}, pretty(x.input)), ...(x.output ? [el('h3', {}, 'Output'), el('pre', {}, pretty(x.output))] : []));
    if (selected) select(selected);
    if (x.status === 'RUNNING' && location.hash.startsWith('#/execution/')) poll(refresh);
  }

  function renderActions(x) {
    const failed = !['RUNNING', 'SUCCEEDED'].includes(x.status);
    const advice = detail.advice;
    const redrive = el('button', { id: 'redrive', disabled: !failed || (advice && !advice.redrivable), onclick: () => act('/api/redrive', 'Redrive started: it resumes at the failed state.') }, 'Redrive');
    const again = el('button', { id: 'new-execution', class: 'secondary', disabled: x.status === 'RUNNING', onclick: () => act('/api/new-execution', 'New execution started with the same input.') }, 'New execution');
    const note = failed && advice
      ? el('span', { id: 'redrive-advice', class: advice.redrivable ? 'muted' : 'message error' },
        advice.redrivable ? `${x.error ?? 'Failed'}: ${advice.action}` : `Redrive cannot help with ${x.error}: ${advice.action}`)
      : el('span', { class: 'muted' }, x.status === 'RUNNING' ? 'Running: the page updates by itself.' : x.redriveCount ? `Redriven ${x.redriveCount}×.` : '');
    actions.replaceChildren(redrive, again, note);
  }

  async function act(path, okText) {
    const out = await post(`${path}?arn=${encodeURIComponent(arn)}`).catch((e) => ({ ok: false, reason: e.message }));
    if (!out.ok) return message(actionResult, out.reason, false);
    message(actionResult, okText, true);
    if (out.executionArn && out.executionArn !== arn) location.hash = `#/execution/${encodeURIComponent(out.executionArn)}`;
    else refresh();
  }

  function select(name) {
    selected = name;
    const s = detail.states.find((x) => x.name === name);
    if (!s) return;
    for (const node of graphBox.querySelectorAll('g.node')) node.classList.toggle('selected', node.dataset.state === name);
    stateBox.replaceChildren(
      el('h3', { id: 'selected-state' }, name, ' ', badge(s.outcome, `o-${s.outcome}`)),
      kv([['Entered', String(s.entries)], ['Retries (polls)', String(s.retries)], ['Error', s.error], ['Cause', s.cause && el('pre', {}, pretty(s.cause))]]),
      ...(s.input ? [el('h4', {}, 'Input'), el('pre', { id: 'state-input' }, pretty(s.input))] : []),
      ...(s.output ? [el('h4', {}, 'Output'), el('pre', { id: 'state-output' }, pretty(s.output))] : []),
    );
  }

  refresh();
}

function legend() {
  return el('p', { class: 'legend' }, ['succeeded', 'failed', 'caught', 'running', 'not-reached'].map((o) => badge(o, `o-${o}`)));
}

/** The ASL's Mermaid diagram with each state coloured by its outcome and annotated with its polls. */
async function renderGraph(box, states, onSelect) {
  graphCache ??= await api('/api/graph');
  const { mermaid, ids } = graphCache;
  const byId = Object.fromEntries(Object.entries(ids).map(([name, id]) => [id, name]));
  const notes = {};
  const note = (id, text) => (notes[id] ??= []).push(text);
  // Mermaid places a self-loop's label over its neighbours: the retry loop's words go inside the state.
  const diagram = mermaid.split('\n').map((line) => {
    const loop = /^(\s*)(\S+) --> \2: (.+)$/.exec(line);
    if (!loop) return line;
    note(loop[2], loop[3]);
    return `${loop[1]}${loop[2]} --> ${loop[2]}`;
  });
  const lines = [...diagram, ...Object.entries(OUTCOME_STYLE).map(([cls, style]) => `    classDef ${cls} ${style}`)];
  for (const s of states) {
    const id = ids[s.name];
    if (!id) continue;
    lines.push(`    class ${id} ${s.outcome.replace('-', '')}`);
    const polls = [s.entries > 1 && `entered ${s.entries}x`, s.retries > 0 && `${s.retries} retries`].filter(Boolean).join(', ');
    if (polls) note(id, polls);
  }
  for (const [id, texts] of Object.entries(notes)) {
    // A state's first description line is its title: keep the name there (declared states have it already).
    if (id === byId[id]) lines.push(`    ${id} : ${id}`);
    for (const text of texts) lines.push(`    ${id} : ${text}`);
  }
  let rendered;
  try {
    rendered = await window.mermaid.render(`graph-${++renderCount}`, lines.join('\n'));
  } catch (e) {
    box.replaceChildren(el('p', { class: 'message error' }, `Mermaid could not draw the state machine: ${e.message}`), el('pre', {}, lines.join('\n')));
    return;
  }
  const { svg, bindFunctions } = rendered;
  box.innerHTML = svg;
  bindFunctions?.(box);
  const outcome = Object.fromEntries(states.map((s) => [s.name, s.outcome]));
  for (const node of box.querySelectorAll('g.node')) {
    // Mermaid names state nodes "<diagram>-state-<id>-<n>" (or "state-<id>-<n>").
    const match = /(?:^|-)state-(.+)-\d+$/.exec(node.id);
    const name = match && byId[match[1]];
    if (!name) continue;
    node.dataset.state = name;
    node.dataset.outcome = outcome[name];
    node.addEventListener('click', () => onSelect(name));
  }
}

function renderEffect(effect) {
  const parts = [];
  if (effect.iot) {
    parts.push(el('h3', {}, 'IoT software package'), kv([
      ['Package', effect.iot.package], ['Version', effect.iot.version], ['Version status', effect.iot.versionStatus ?? 'not created'], ['Default version', effect.iot.defaultVersion ?? 'none'],
    ]));
  }
  if (effect.opensearch) {
    const { history, ...rest } = effect.opensearch;
    parts.push(el('h3', {}, 'OpenSearch package'), generic(rest));
    parts.push(el('h4', {}, 'This release in its history'), history.length ? historyTable(history) : el('p', { class: 'muted' }, 'not yet'));
  }
  return parts.length ? el('div', { id: 'effect-body' }, parts) : el('p', { class: 'muted' }, 'Nothing known yet.');
}

/** Any object as a definition list; nested values as JSON (new catalog fields show up without code). */
function generic(obj) {
  return kv(Object.entries(obj).map(([k, v]) => [k, v === null ? 'none' : typeof v === 'object' ? el('pre', {}, JSON.stringify(v, null, 2)) : String(v)]));
}

function historyTable(history) {
  const columns = [...new Set(history.flatMap((h) => Object.keys(h)))];
  return el('table', {}, el('thead', {}, el('tr', {}, columns.map((c) => el('th', {}, c)))),
    el('tbody', {}, history.map((h) => el('tr', {}, columns.map((c) => el('td', { class: 'mono' }, typeof h[c] === 'object' && h[c] !== null ? JSON.stringify(h[c]) : h[c] ?? ''))))));
}

// ---- catalog ------------------------------------------------------------------------------------

async function catalogPage() {
  const box = el('div', { id: 'catalog' });
  main.replaceChildren(el('h1', {}, 'Catalog'), box);
  async function refresh() {
    const catalog = await api('/api/catalog');
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
    if (location.hash === '#/catalog') poll(refresh);
  }
  refresh();
}
