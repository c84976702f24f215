/**
 * ASL (Amazon States Language, JSONPath) → Mermaid `stateDiagram-v2`: every state, its Next /
 * Choices / Default / Catch transitions, `End` and terminal states to `[*]`. Parallel branches and
 * Map processors are drawn as composite states. Pure: the docs generator and its test call it.
 */
import { POLL_ERROR_NAMES } from '../release/errors-catalog';

export interface AslState {
  Type: string;
  Next?: string;
  End?: boolean;
  Default?: string;
  Choices?: AslRule[];
  Catch?: { ErrorEquals: string[]; Next: string }[];
  Retry?: AslRetrier[];
  Branches?: AslMachine[];
  Iterator?: AslMachine;
  ItemProcessor?: AslMachine;
  Seconds?: number;
  SecondsPath?: string;
}

export interface AslRetrier {
  ErrorEquals: string[];
  BackoffRate?: number;
  IntervalSeconds?: number;
  MaxAttempts?: number;
  MaxDelaySeconds?: number;
  JitterStrategy?: string;
}

export interface AslMachine {
  StartAt: string;
  States: Record<string, AslState>;
}

type AslRule = Record<string, unknown> & { Next?: string };

export function aslToMermaid(machine: AslMachine): string {
  return aslToMermaidWithIds(machine).mermaid;
}

/** The diagram plus the Mermaid id of every state name (the local console colours states by id). */
export function aslToMermaidWithIds(machine: AslMachine): { mermaid: string; ids: Record<string, string> } {
  const ids = new Ids();
  const mermaid = ['stateDiagram-v2', ...renderMachine(machine, '    ', ids)].join('\n');
  return { mermaid, ids: ids.all() };
}

function renderMachine(machine: AslMachine, indent: string, ids: Ids): string[] {
  const id = (name: string) => ids.of(name);
  const lines: string[] = [];
  for (const name of Object.keys(machine.States)) {
    if (id(name) !== name) lines.push(`${indent}state "${label(name)}" as ${id(name)}`);
  }
  lines.push(`${indent}[*] --> ${id(machine.StartAt)}`);
  for (const [name, state] of Object.entries(machine.States)) {
    const from = id(name);
    const edge = (to: string, text?: string) => lines.push(`${indent}${from} --> ${to}${text ? `: ${label(text)}` : ''}`);
    for (const sub of [...(state.Branches ?? []), state.ItemProcessor ?? state.Iterator].filter((m) => m !== undefined)) {
      lines.push(`${indent}state ${from} {`, ...renderMachine(sub, `${indent}    `, ids), `${indent}}`);
    }
    for (const rule of state.Choices ?? []) if (rule.Next) edge(id(rule.Next), describeRule(rule));
    if (state.Default) edge(id(state.Default), 'Default');
    for (const c of state.Catch ?? []) edge(id(c.Next), `Catch ${c.ErrorEquals.join(', ')}`);
    // A Retry on a "not ready yet" name is a poll: drawn as a loop, since it is part of the flow.
    for (const r of state.Retry ?? []) if (r.ErrorEquals.every((e) => POLLS.has(e))) edge(from, pollLabel(r));
    if (state.Next) edge(id(state.Next), waitLabel(state));
    if (state.End || state.Type === 'Succeed' || state.Type === 'Fail') edge('[*]');
  }
  return lines;
}

const POLLS = new Set(Object.keys(POLL_ERROR_NAMES));

/** A Wait's length on its way out: `after 30 s`, or `after firstPollSeconds s` for `SecondsPath: $.x.firstPollSeconds`. */
function waitLabel(state: AslState): string | undefined {
  if (state.Type !== 'Wait') return undefined;
  if (state.SecondsPath) return `after ${state.SecondsPath.split('.').pop()} s`;
  return state.Seconds !== undefined ? `after ${state.Seconds} s` : undefined;
}

/** `every 30 s while X (at most 60×)`, or with a backoff `3 s ×1.5 up to 10 s, full jitter, while X (at most 300×)`. */
export function pollLabel(r: AslRetrier): string {
  return `${backoffText(r)}${r.JitterStrategy === 'FULL' ? ',' : ''} while ${r.ErrorEquals.join(', ')} (at most ${r.MaxAttempts ?? 3}×)`;
}

/** A retrier's delays (ASL defaults filled in): `every 30 s`, or `3 s ×1.5 up to 10 s, full jitter`. */
export function backoffText(r: AslRetrier): string {
  const interval = r.IntervalSeconds ?? 1;
  const rate = r.BackoffRate ?? 2;
  const shape = rate === 1 ? `every ${interval} s` : `${interval} s ×${rate}${r.MaxDelaySeconds ? ` up to ${r.MaxDelaySeconds} s` : ''}`;
  return `${shape}${r.JitterStrategy === 'FULL' ? ', full jitter' : ''}`;
}

/** `{"Variable":"$.x","BooleanEquals":true}` → `$.x BooleanEquals true`; And / Or / Not nest. */
export function describeRule(rule: Record<string, unknown>): string {
  if (Array.isArray(rule.And)) return rule.And.map((r) => `(${describeRule(r)})`).join(' And ');
  if (Array.isArray(rule.Or)) return rule.Or.map((r) => `(${describeRule(r)})`).join(' Or ');
  if (rule.Not && typeof rule.Not === 'object') return `Not (${describeRule(rule.Not as Record<string, unknown>)})`;
  const op = Object.keys(rule).find((k) => k !== 'Variable' && k !== 'Next' && k !== 'Comment');
  return op ? `${String(rule.Variable)} ${op} ${JSON.stringify(rule[op])}` : String(rule.Variable ?? '');
}

/** Mermaid ids allow letters, digits and `_`; other names are declared `state "name" as id`. */
class Ids {
  private readonly byName = new Map<string, string>();
  private readonly used = new Set<string>();

  of(name: string): string {
    let id = this.byName.get(name);
    if (id) return id;
    const base = name.replace(/[^A-Za-z0-9_]/g, '_');
    id = base;
    for (let n = 2; this.used.has(id); n++) id = `${base}_${n}`;
    this.byName.set(name, id);
    this.used.add(id);
    return id;
  }

  all(): Record<string, string> {
    return Object.fromEntries(this.byName);
  }
}

/** Text Mermaid shows verbatim: single quotes for double, no colons, semicolons or `#` (its entity escape). */
function label(text: string): string {
  return text.replace(/"/g, "'").replace(/[:;#]/g, ' ').replace(/\s+/g, ' ').trim();
}

/**
 * Replaces what lies between `start` and `end` marker lines with `content` (markers kept).
 * Undefined when the markers are missing, so callers decide whether that is an error.
 */
export function replaceBetweenMarkers(markdown: string, start: string, end: string, content: string): string | undefined {
  const from = markdown.indexOf(start);
  const to = markdown.indexOf(end, from + start.length);
  if (from < 0 || to < 0) return undefined;
  return `${markdown.slice(0, from + start.length)}\n${content.trimEnd()}\n${markdown.slice(to)}`;
}
