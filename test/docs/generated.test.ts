import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DIAGRAM_FILES, generatedFiles, SCHEMA_FILE } from '../../scripts/docs/generated';
import { parseReleaseInput } from '../../lib/release/inputs';
import { ReleaseManifestSchema } from '../../lib/release/manifest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const read = (path: string) => readFileSync(join(root, path), 'utf8');

describe('generated docs are up to date (npm run docs)', () => {
  const files = generatedFiles(root);

  it.each(files.map((f) => [f.path, f] as const))('%s', (path, file) => {
    if (file.content === undefined) {
      // README.md and friends may not carry the diagram (yet); docs/state-machine.md must.
      expect(path, `${path} lacks the state-machine markers`).not.toBe(DIAGRAM_FILES[0]);
      return;
    }
    expect(existsSync(join(root, path)), `${path} is missing: run npm run docs`).toBe(true);
    expect(read(path), `${path} is out of date: run npm run docs`).toBe(file.content);
  });

  it('covers the schema and every existing diagram file', () => {
    const paths = files.map((f) => f.path);
    expect(paths).toContain(SCHEMA_FILE);
    for (const f of DIAGRAM_FILES) expect(paths.includes(f)).toBe(existsSync(join(root, f)));
  });
});

describe('examples', () => {
  it('release-manifest.json is a valid v1 manifest that Prepare reads as one', () => {
    const manifest = JSON.parse(read('examples/release-manifest.json'));
    expect(ReleaseManifestSchema.safeParse(manifest).error).toBeUndefined();
    expect(parseReleaseInput(manifest)).toMatchObject({ source: 'manifest', packageName: 'edge-agent', versionName: '1.2.0' });
  });
});
