/**
 * Regenerates the documentation derived from code:
 *   - schemas/release-manifest.v1.schema.json  (from the zod manifest schema)
 *   - the Mermaid diagram of statemachines/release.asl.json between
 *     <!-- state-machine:start --> / <!-- state-machine:end --> in docs/state-machine.md and README.md
 *   - the CLI reference (every command's --help) in docs/cli.md
 *
 *   npm run docs                       # write the files
 *   npx tsx scripts/generate-docs.ts --check   # exit 1 if a committed file is out of date
 */
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DIAGRAM_END, DIAGRAM_START, generatedFiles } from './docs/generated';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const check = process.argv.includes('--check');
let stale = 0;

for (const { path, content } of generatedFiles(root)) {
  if (content === undefined) {
    console.log(`skip   ${path} (no ${DIAGRAM_START} / ${DIAGRAM_END} markers)`);
    continue;
  }
  const file = join(root, path);
  const current = existsSync(file) ? readFileSync(file, 'utf8') : undefined;
  if (current === content) {
    console.log(`ok     ${path}`);
  } else if (check) {
    console.log(`stale  ${path}`);
    stale++;
  } else {
    writeFileSync(file, content);
    console.log(`wrote  ${path}`);
  }
}
if (stale) {
  console.error(`${stale} generated file(s) out of date: run npm run docs`);
  process.exitCode = 1;
}
