/**
 * `npm ci && npx serverless package --stage prod` on a fresh clone: no `npm run build` first, and a
 * stale dist/ is rebuilt rather than packaged. The clone is the checkout's tracked and unignored
 * files copied to a temp directory; node_modules is linked from this checkout in place of `npm ci`
 * (same lockfile, and the test must not need the network).
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { discoverFunctions } from '../../scripts/build.mjs';
import { packageService } from './packaged';
import { ROOT } from './project';

const clone = mkdtempSync(join(tmpdir(), 'pkgrelease-clone-'));
afterAll(() => rmSync(clone, { recursive: true, force: true }));

const STALE = Buffer.from('PK\u0003\u0004 a zip built from an older checkout');

describe('a fresh clone', () => {
  it('packages with `serverless package --stage prod` alone, building every zip and replacing a stale one', async () => {
    const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], { cwd: ROOT, encoding: 'utf8' }).split('\0').filter(Boolean);
    for (const file of files) {
      if (!existsSync(join(ROOT, file))) continue; // deleted in the work tree, not yet committed
      mkdirSync(dirname(join(clone, file)), { recursive: true });
      cpSync(join(ROOT, file), join(clone, file));
    }
    symlinkSync(join(ROOT, 'node_modules'), join(clone, 'node_modules'), 'dir');
    expect(existsSync(join(clone, 'dist')), 'dist/ is git-ignored, so a clone has none').toBe(false);
    mkdirSync(join(clone, 'dist'));
    writeFileSync(join(clone, 'dist/trigger.zip'), STALE);

    const packaged = await packageService({ cwd: clone, stage: 'prod', defaultDist: true });
    try {
      const dirs = await discoverFunctions(join(clone, 'functions'));
      for (const dir of dirs) {
        const zip = readFileSync(join(clone, 'dist', `${dir}.zip`));
        expect(zip.readUInt32LE(0), `${dir}.zip is a zip`).toBe(0x04034b50);
        expect(zip.toString('utf8', 30, 30 + zip.readUInt16LE(26)), `${dir}.zip entry`).toBe('index.mjs');
      }
      expect(readFileSync(join(clone, 'dist/trigger.zip')).equals(STALE), 'the stale trigger.zip was rebuilt').toBe(false);
      expect(Object.keys(packaged.template.Resources)).toContain('ReleaseStateMachine');
    } finally {
      packaged.dispose();
    }
  }, 180_000);

  it.each([
    ['two IoT packages on one OpenSearch package', { packages: { a: { opensearchPackage: 'shared-dict' }, b: { opensearchPackage: 'shared-dict' } } }, /config\/packages\.json: packages\.b\.opensearchPackage: OpenSearch package "shared-dict" is already fed by "a"/],
    ['domainWaitMinutes: 500', { packages: { a: { domainWaitMinutes: 500 } } }, /config\/packages\.json: packages\.a\.domainWaitMinutes: Too big: expected number to be <=110/],
  ])('refuses to package %s, with the schema\'s message', async (_, config, message) => {
    // The clone of the test above (its node_modules link), with only config/packages.json changed.
    expect(existsSync(join(clone, 'node_modules')), 'the clone exists').toBe(true);
    writeFileSync(join(clone, 'config/packages.json'), JSON.stringify(config));
    await expect(packageService({ cwd: clone, stage: 'prod', defaultDist: true })).rejects.toThrow(message);
  }, 120_000);
});
