import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { buildProgram } from '../../cli/main';
import { scenarioJsonSchema } from '../../cli/local/scenario';
import { manifestJsonSchema } from '../../lib/release/manifest';
import { type AslMachine, aslToMermaid, replaceBetweenMarkers } from '../../lib/diagram/mermaid';
import { ERRORS_END, ERRORS_FILE, ERRORS_START, errorsTableBlock } from './errors-table';

/**
 * Every generated documentation file and what it must contain: `scripts/generate-docs.ts` writes
 * them, `test/docs/generated.test.ts` fails when a committed file differs.
 */
export const SCHEMA_FILE = 'schemas/release-manifest.v1.schema.json';
export const SCENARIO_SCHEMA_FILE = 'schemas/scenario.v1.schema.json';
/** The CLI reference (docs/cli.md): every command's --help, between these markers. */
export const CLI_REFERENCE_FILE = 'docs/cli.md';
export const CLI_START = '<!-- cli-reference:start -->';
export const CLI_END = '<!-- cli-reference:end -->';
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

function readMachine(root: string): AslMachine {
  return JSON.parse(readFileSync(join(root, STATE_MACHINE_FILE), 'utf8')) as AslMachine;
}

export function stateMachineBlock(root: string): string {
  const asl = readMachine(root);
  return [
    `<!-- generated from ${STATE_MACHINE_FILE} by \`npm run docs\`; do not edit by hand -->`,
    '```mermaid',
    aslToMermaid(asl),
    '```',
  ].join('\n');
}

function allCommands(cmd: Command): Command[] {
  return [cmd, ...cmd.commands.flatMap(allCommands)];
}

function commandPath(cmd: Command): string {
  return cmd.parent ? `${commandPath(cmd.parent)} ${cmd.name()}` : cmd.name();
}

/** Every command's `--help`, at a fixed width so the text does not depend on the terminal. */
export function cliReferenceBlock(): string {
  const sections = allCommands(buildProgram()).map((cmd) => {
    cmd.configureHelp({ ...cmd.configureHelp(), helpWidth: 110 });
    return [`#### \`${commandPath(cmd)}\``, '', '```text', cmd.helpInformation().trimEnd(), '```'].join('\n');
  });
  return ['<!-- generated from cli/ by `npm run docs`; do not edit by hand -->', '<details><summary>Every command\'s --help</summary>', '', ...sections.flatMap((s) => [s, '']), '</details>'].join('\n');
}

export function generatedFiles(root: string): GeneratedFile[] {
  const block = stateMachineBlock(root);
  const diagrams = DIAGRAM_FILES.filter((f) => existsSync(join(root, f))).map((path) => ({
    path,
    content: replaceBetweenMarkers(readFileSync(join(root, path), 'utf8'), DIAGRAM_START, DIAGRAM_END, block),
  }));
  const cliReference = readFileSync(join(root, CLI_REFERENCE_FILE), 'utf8');
  const runbook = readFileSync(join(root, ERRORS_FILE), 'utf8');
  return [
    { path: CLI_REFERENCE_FILE, content: replaceBetweenMarkers(cliReference, CLI_START, CLI_END, cliReferenceBlock()) },
    { path: ERRORS_FILE, content: replaceBetweenMarkers(runbook, ERRORS_START, ERRORS_END, errorsTableBlock(readMachine(root))) },
    { path: SCHEMA_FILE, content: manifestSchemaText() },
    { path: SCENARIO_SCHEMA_FILE, content: `${JSON.stringify(scenarioJsonSchema(), null, 2)}\n` },
    ...diagrams,
  ];
}
