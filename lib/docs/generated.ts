import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { manifestJsonSchema } from '../release/manifest';
import { type AslMachine, aslToMermaid, replaceBetweenMarkers } from './mermaid';

/**
 * Every generated documentation file and what it must contain: `scripts/generate-docs.ts` writes
 * them, `test/docs/drift.test.ts` fails when a committed file differs.
 */
export const SCHEMA_FILE = 'schemas/release-manifest.v1.schema.json';
export const STATE_MACHINE_FILE = 'statemachines/release.asl.json';
/** Markdown files that carry the state-machine diagram between the markers (missing files are skipped). */
export const DIAGRAM_FILES = ['docs/state-machine.md', 'README.md'];
export const DIAGRAM_START = '<!-- state-machine:start -->';
export const DIAGRAM_END = '<!-- state-machine:end -->';

export interface GeneratedFile {
  path: string;
  /** Expected content; undefined when a markdown file lacks the markers (nothing to generate). */
  content: string | undefined;
}

export function manifestSchemaText(): string {
  return `${JSON.stringify(manifestJsonSchema(), null, 2)}\n`;
}

export function stateMachineBlock(root: string): string {
  const asl = JSON.parse(readFileSync(join(root, STATE_MACHINE_FILE), 'utf8')) as AslMachine;
  return [
    `<!-- generated from ${STATE_MACHINE_FILE} by \`npm run docs\`; do not edit by hand -->`,
    '```mermaid',
    aslToMermaid(asl),
    '```',
  ].join('\n');
}

export function generatedFiles(root: string): GeneratedFile[] {
  const block = stateMachineBlock(root);
  const diagrams = DIAGRAM_FILES.filter((f) => existsSync(join(root, f))).map((path) => ({
    path,
    content: replaceBetweenMarkers(readFileSync(join(root, path), 'utf8'), DIAGRAM_START, DIAGRAM_END, block),
  }));
  return [{ path: SCHEMA_FILE, content: manifestSchemaText() }, ...diagrams];
}
