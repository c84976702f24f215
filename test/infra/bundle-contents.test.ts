/**
 * What the Lambda bundles hold, for their cold init. Lambda code validates with zod/mini
 * (lib/validation/zod.ts): classic zod would add ~65 KB and ~8 ms of cold init to every function, so
 * the build refuses a bundled import of it. A function builds at import every schema of the modules
 * it bundles, so one that never reads PACKAGES_CONFIG must not bundle its schema.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build, type BuiltFunction } from '../../scripts/build.mjs';
import { ROOT } from './project';

const dir = mkdtempSync(join(tmpdir(), 'pkgrelease-bundle-contents-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let built: BuiltFunction[];
beforeAll(async () => {
  built = await build({ outDir: join(dir, 'dist') });
}, 60_000);

describe('the build keeps classic zod out of the Lambda bundles', () => {
  it('bundles no module of classic zod into any function', () => {
    for (const b of built) {
      expect(b.inputs.filter((i) => i.includes('node_modules/zod/')), b.name).not.toEqual([]);
      expect(b.inputs.filter((i) => /node_modules\/zod\/(?:v4\/classic|v3)\//.test(i)), b.name).toEqual([]);
    }
  });

  it('refuses a function that imports classic zod, naming the file and what to import instead', async () => {
    mkdirSync(join(dir, 'functions', 'classic'), { recursive: true });
    writeFileSync(join(dir, 'functions', 'classic', 'handler.ts'), "import * as z from 'zod';\nexport const handler = (e: unknown) => z.string().parse(e);\n");
    await expect(build({ root: ROOT, functionsDir: join(dir, 'functions'), outDir: join(dir, 'refused') })).rejects.toThrow(
      /handler\.ts imports classic 'zod': Lambda code imports \* as z from lib\/validation\/zod\.ts/,
    );
  });
});

describe('the build keeps zod/mini behind lib/validation/zod.ts', () => {
  it.each(['zod/mini', 'zod/v4/mini', 'zod/v4-mini'])("refuses a function that imports '%s' itself (no English locale), naming the file", async (specifier) => {
    const name = `mini-${specifier.replace(/\W/g, '-')}`;
    mkdirSync(join(dir, 'mini-functions', name), { recursive: true });
    writeFileSync(join(dir, 'mini-functions', name, 'handler.ts'), `import * as z from '${specifier}';\nexport const handler = (e: unknown) => z.string().parse(e);\n`);
    await expect(build({ root: ROOT, functionsDir: join(dir, 'mini-functions'), outDir: join(dir, `refused-${name}`) })).rejects.toThrow(
      new RegExp(`handler\\.ts imports '${specifier}' directly`),
    );
    rmSync(join(dir, 'mini-functions', name), { recursive: true, force: true });
  });
});

describe('every step after Prepare re-checks its input against the configuration (lib/release/recheck.ts)', () => {
  const STEPS = ['create-version', 'attach-sbom', 'check-sbom', 'update-opensearch', 'check-opensearch', 'apply-to-domains', 'check-domains', 'promote', 'start-rollout-stage', 'watch-rollout-stage', 'rollout-default'];
  it.each(STEPS)('%s bundles the re-check and the configuration schema', (name) => {
    const b = built.find((x) => x.name === name);
    expect(b, name).toBeDefined();
    expect(b!.inputs).toContain('lib/release/recheck.ts');
    expect(b!.inputs).toContain('lib/release/config.ts');
  });
});
