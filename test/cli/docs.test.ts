import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../cli/main';
import { CLI_END, CLI_START, cliReferenceBlock } from '../../scripts/docs/generated';
import { SFN_API_OPERATIONS } from '../../local/engine/sfn-api';
import { pkgrelease } from './helpers';

const cliDoc = readFileSync(new URL('../../docs/cli.md', import.meta.url), 'utf8');
const localDoc = readFileSync(new URL('../../docs/local.md', import.meta.url), 'utf8');
const squash = (text: string) => text.replace(/\s+/g, ' ').trim();

describe('the docs match the CLI', () => {
  it('carries the CLI reference (every command\'s --help) between its markers, up to date (npm run docs)', () => {
    const block = cliDoc.slice(cliDoc.indexOf(CLI_START) + CLI_START.length, cliDoc.indexOf(CLI_END));
    expect(cliDoc).toContain(CLI_START);
    expect(block.trim()).toBe(cliReferenceBlock().trim());
  });

  it('the reference is what the real command prints for --help', async () => {
    const { stdout, code } = await pkgrelease(['local', 'publish', '--help']);
    expect(code).toBe(0);
    const section = cliDoc.split('#### `pkgrelease local publish`')[1]!.split('```text')[1]!.split('```')[0]!;
    expect(squash(section)).toBe(squash(stdout));
  });

  it('lists every local command in its Local use examples', () => {
    const local = buildProgram().commands.find((c) => c.name() === 'local')!;
    for (const cmd of local.commands) expect(localDoc, cmd.name()).toMatch(new RegExp(`npx pkgrelease local ${cmd.name()}\\b`));
  });

  it('lists exactly the operations the twin\'s Step Functions API implements', () => {
    const listed = /<!-- sfn-operations -->(.*?)<!-- \/sfn-operations -->/s.exec(localDoc)![1]!.match(/`(\w+)`/g)!.map((s) => s.slice(1, -1));
    expect(listed).toEqual([...SFN_API_OPERATIONS]);
  });

  it('says which AWS CLI reads AWS_ENDPOINT_URL_* and shows --endpoint-url for older ones', () => {
    expect(localDoc).toMatch(/AWS CLI ≥ 2\.13/);
    expect(localDoc).toMatch(/aws --endpoint-url http:\/\/127\.0\.0\.1:4581 s3 cp/);
  });
});
