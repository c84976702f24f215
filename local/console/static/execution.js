import { api, badge, clock, el, generic, historyTable, kv, main, message, poll, post, pretty } from './dom.js';
import { renderGraph } from './graph.js';

// One execution: actions, graph, the selected state, catalog effect, input/output, event history.
export async function executionPage(arn) {
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
  let lastSeen;

  async function refresh() {
    try {
      detail = await api(`/api/execution?arn=${encodeURIComponent(arn)}`);
    } catch (e) {
      head.replaceChildren(`Execution ${arn}`);
      message(actionResult, e.message, false);
      return;
    }
    const x = detail.execution;
    // Re-render only on change (a redrive from the CLI shows up too), so reading a state's input is not disturbed.
    const seen = JSON.stringify([x.status, x.redriveCount, detail.events.length, detail.effect, detail.rollout, detail.sbom]);
    if (location.hash.startsWith('#/execution/')) poll(refresh);
    if (seen === lastSeen) return;
    lastSeen = seen;
    head.replaceChildren(el('span', { class: 'mono' }, x.name), badge(x.status, `s-${x.status}`),
      detail.release.package ? el('span', { class: 'muted' }, releaseLabel(detail.release)) : '');
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
    effect.replaceChildren(renderEffect(detail.effect), ...renderProgress(detail));
    io.replaceChildren(el('h3', {}, 'Input'), el('pre', {}, pretty(x.input)), ...(x.output ? [el('h3', {}, 'Output'), el('pre', {}, pretty(x.output))] : []));
    if (selected) select(selected);
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

/** "edge-agent @ 1.2.0" for a release; "edge-agent: rollback to 1.0.0" for a rollback. */
function releaseLabel(release) {
  const version = release.version ?? '(version not known yet)';
  return release.rollback ? `${release.package}: rollback to ${version}` : `${release.package} @ ${version}`;
}

function legend() {
  return el('p', { class: 'legend' }, ['succeeded', 'failed', 'caught', 'running', 'not-reached'].map((o) => badge(o, `o-${o}`)));
}

/** The SBOM's validation and the rollout's stages (the same read as `pkgrelease status`). */
function renderProgress(detail) {
  const parts = [];
  if (detail.sbom) parts.push(el('h3', {}, 'SBOM'), kv([['Validation', detail.sbom]]));
  const r = detail.rollout;
  if (r) {
    const ended = Object.fromEntries(r.outcomes.map((o) => [o.stage, o]));
    const counts = (c) => (c ? Object.entries(c).filter(([, n]) => n > 0).map(([k, n]) => `${n} ${k}`).join(', ') : '');
    parts.push(el('h3', {}, `Rollout: ${r.status}`), el('table', { id: 'rollout-stages' },
      el('tr', {}, ...['Stage', 'Outcome', 'Job', 'Counts'].map((h) => el('th', {}, h))),
      ...r.stages.map((stage) => {
        const o = ended[stage];
        const outcome = o ? o.outcome + (o.supersededBy ? ` by ${o.supersededBy}` : '') : stage === r.stage && r.status === 'watching' ? 'in progress' : 'not started';
        return el('tr', { 'data-stage': stage }, el('td', {}, stage), el('td', {}, outcome), el('td', { class: 'mono' }, o?.jobId ?? (stage === r.stage ? r.jobId ?? '' : '')), el('td', {}, counts(o?.counts)));
      })));
  }
  return parts;
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
