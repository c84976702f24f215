/**
 * Lambda code validates with zod/mini (lib/validation/zod.ts, issue 13): classic zod would add
 * ~65 KB and ~8 ms of cold init to every function, so the build refuses a bundled import of it.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { build } from '../../scripts/build.mjs';
import { ROOT } from './project';

const dir = mkdtempSync(join(tmpdir(), 'pkgrelease-zod-mini-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the build keeps classic zod out of the Lambda bundles', () => {
  it('bundles no module of classic zod into any function', async () => {
    const built = await build({ outDir: join(dir, 'dist') });
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
