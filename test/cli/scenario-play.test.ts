import { afterAll, describe, expect, it } from 'vitest';
import type { LocalReport } from '../../local/session';
import { pkgrelease, removeTempDirs, tempFile } from './helpers';

afterAll(removeTempDirs);

describe('local run plays a scenario as the campaign does', () => {
  it('starts a manifest only once its artifact upload has landed, however slow the upload', async () => {
    // Every PutObject takes 800 ms; the manifest's offset (0) alone would start it before its artifact exists.
    const key = 'builds/edge-plugin/1.0.0/words.txt';
    const { file: scenario } = tempFile('slow-upload.json', {
      packages: { 'edge-plugin': { opensearchPackage: 'edge-plugin-dict' } },
      opensearchPackages: [{ name: 'edge-plugin-dict', type: 'TXT-DICTIONARY' }],
      faults: [{ operation: 's3:PutObject', kind: 'latency', latencyMs: 800 }],
      uploads: [{ key, content: 'alpha\n', startAtMs: 0 }],
      manifests: [
        {
          executionName: 'codepipeline-slow-upload',
          startAtMs: 0,
          manifest: { manifestVersion: 1, package: 'edge-plugin', version: '1.0.0', artifact: { bucket: 'pkgrelease-local-artifacts', key } },
        },
      ],
    });
    const { stdout, code } = await pkgrelease(['local', 'run', scenario, '--json']);
    const report = JSON.parse(stdout) as LocalReport;
    expect(report.executions.map((e) => [e.name, e.status, e.error])).toEqual([['codepipeline-slow-upload', 'SUCCEEDED', null]]);
    expect(code).toBe(0);
    expect(report.catalog.iot['edge-plugin']).toMatchObject({ versions: { '1.0.0': { status: 'PUBLISHED' } } });
  });
});
