import { api, el } from './dom.js';

// The state machine graph: the ASL's Mermaid diagram, each state coloured by its outcome in this execution.
const OUTCOME_STYLE = {
  succeeded: 'fill:#dff3e4,stroke:#1d7a36,color:#0f4d21',
  failed: 'fill:#fbe3e4,stroke:#c0262d,color:#8a1419',
  caught: 'fill:#ffe9cc,stroke:#c76a00,color:#7a4100',
  running: 'fill:#dcebfb,stroke:#1565c0,color:#0d3c75',
  notreached: 'fill:#f1f1f1,stroke:#a0a0a0,color:#777',
};
let graphCache;
let renderCount = 0;

export async function renderGraph(box, states, onSelect) {
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
