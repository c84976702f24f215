import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GetIndexingConfigurationCommand, IoTClient, UpdateIndexingConfigurationCommand } from '@aws-sdk/client-iot';
import { afterAll, describe, expect, it } from 'vitest';
import type { DoctorReport } from '../../lib/operations/doctor';
import { pkgrelease, removeTempDirs, startServe, tempDir } from './helpers';

afterAll(removeTempDirs);

describe('pkgrelease local doctor against a running serve', () => {
  it('with fleet indexing off says what to change; --fix-indexing merges it on and says what it changed; then every check is ok', async () => {
    const cwd = tempDir();
    const stateDir = join(cwd, 'state');
    const config = join(cwd, 'packages.json');
    writeFileSync(config, JSON.stringify({ packages: { 'edge-agent': { opensearchPackage: 'edge-agent-dict' } } }));
    const serve = await startServe(stateDir, ['--config', config], cwd);
    try {
      const env = serve.info.env;
      const iot = new IoTClient({ endpoint: env.AWS_ENDPOINT_URL_IOT, region: env.AWS_REGION, credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID!, secretAccessKey: env.AWS_SECRET_ACCESS_KEY! } });
      // A fresh account: thing indexing off (with a custom field someone declared, which the fix must keep).
      const customFields = [{ name: 'attributes.model', type: 'String' as const }];
      await iot.send(new UpdateIndexingConfigurationCommand({ thingIndexingConfiguration: { thingIndexingMode: 'OFF', customFields } }));

      const before = await pkgrelease(['local', 'doctor', '--state-dir', stateDir], { cwd });
      expect(before.code, before.stderr).toBe(1);
      expect(before.stdout).toMatch(/^FIX {3}fleet indexing: thingIndexingMode is OFF; namedShadowIndexingMode is OFF; filter.namedShadowNames has no \$package/m);
      expect(before.stdout).toContain(`fix: run "pkgrelease local doctor --state-dir ${stateDir} --fix-indexing"`);
      expect(before.stdout).toMatch(/^ok {4}bucket pkgrelease-local-artifacts: exists, versioning Enabled$/m);
      expect(before.stdout).toMatch(/^ok {4}OpenSearch package edge-agent-dict: .*AVAILABLE$/m);
      // Checking changes nothing.
      expect((await iot.send(new GetIndexingConfigurationCommand({}))).thingIndexingConfiguration).toMatchObject({ thingIndexingMode: 'OFF' });

      const fixed = await pkgrelease(['local', 'doctor', '--state-dir', stateDir, '--fix-indexing'], { cwd });
      expect(fixed.code, fixed.stdout + fixed.stderr).toBe(0);
      expect(fixed.stdout).toMatch(/^changed fleet indexing \(account-wide\): thingIndexingMode OFF → REGISTRY_AND_SHADOW; namedShadowIndexingMode OFF → ON; filter.namedShadowNames \[\] → \["\$package"\]$/m);
      expect(fixed.stdout).toMatch(/^ok {4}fleet indexing: thingIndexingMode REGISTRY_AND_SHADOW, named shadow \$package indexed$/m);
      expect((await iot.send(new GetIndexingConfigurationCommand({}))).thingIndexingConfiguration).toMatchObject({
        thingIndexingMode: 'REGISTRY_AND_SHADOW',
        namedShadowIndexingMode: 'ON',
        filter: { namedShadowNames: ['$package'] },
        customFields,
      });

      const after = await pkgrelease(['local', 'doctor', '--state-dir', stateDir, '--json'], { cwd });
      const report = JSON.parse(after.stdout) as DoctorReport;
      expect(after.code).toBe(0);
      expect(report).toMatchObject({ ok: true, changed: [] });
      expect(report.checks.map((c) => c.name)).toEqual(['fleet indexing', 'bucket pkgrelease-local-artifacts', 'state machine pkgrelease-local', 'table pkgrelease-idempotency', 'OpenSearch package edge-agent-dict']);
    } finally {
      expect(await serve.stop()).toBe(0);
    }
  });
});
