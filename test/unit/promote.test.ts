import {
  GetPackageCommand,
  GetPackageVersionCommand,
  IoTClient,
  ListPackageVersionsCommand,
  UpdatePackageCommand,
  UpdatePackageVersionCommand,
} from '@aws-sdk/client-iot';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { promote } from '../../lib/release/steps/promote';
import { release } from '../fixtures/release';

const iot = mockClient(IoTClient);

/** A package whose default and PUBLISHED versions behave like the service's. */
function catalog(state: { status: string; defaultVersion?: string; published: string[] }) {
  iot.on(GetPackageVersionCommand).callsFake(() => ({ status: state.status }));
  iot.on(UpdatePackageVersionCommand).callsFake(() => {
    state.status = 'PUBLISHED';
    state.published.push('1.2.0');
    return {};
  });
  iot.on(GetPackageCommand).callsFake(() => ({ packageName: 'edge-agent', defaultVersionName: state.defaultVersion }));
  iot.on(ListPackageVersionsCommand).callsFake(() => ({
    packageVersionSummaries: state.published.map((versionName) => ({ versionName, status: 'PUBLISHED' })),
  }));
  iot.on(UpdatePackageCommand).callsFake((input: { defaultVersionName: string }) => {
    state.defaultVersion = input.defaultVersionName;
    return {};
  });
  return state;
}

describe('promote', () => {
  beforeEach(() => iot.reset());

  it('publishes a DRAFT version and makes it the default when newer', async () => {
    const r = release();
    const state = catalog({ status: 'DRAFT', defaultVersion: '1.1.0', published: ['1.1.0'] });

    const result = await promote(r, new IoTClient({}));

    expect(result).toEqual({ publish: 'published', defaultVersion: '1.2.0', defaultChanged: true });
    expect(iot.commandCalls(UpdatePackageVersionCommand)[0]!.args[0].input).toEqual({
      packageName: 'edge-agent', versionName: '1.2.0', action: 'PUBLISH', clientToken: r.clientToken,
    });
    expect(iot.commandCalls(UpdatePackageCommand)[0]!.args[0].input).toEqual({
      packageName: 'edge-agent', defaultVersionName: '1.2.0', clientToken: r.clientToken,
    });
    expect(state.defaultVersion).toBe('1.2.0');
  });

  it('skips PUBLISH when the version is already PUBLISHED', async () => {
    catalog({ status: 'PUBLISHED', defaultVersion: '1.2.0', published: ['1.2.0'] });
    const result = await promote(release(), new IoTClient({}));
    expect(result).toEqual({ publish: 'already-published', defaultVersion: '1.2.0', defaultChanged: false });
    expect(iot.commandCalls(UpdatePackageVersionCommand)).toHaveLength(0);
    expect(iot.commandCalls(UpdatePackageCommand)).toHaveLength(0);
  });

  it('leaves a newer default untouched (if-newer)', async () => {
    const state = catalog({ status: 'DRAFT', defaultVersion: '1.10.0', published: ['1.10.0'] });
    const result = await promote(release(), new IoTClient({}));
    expect(result).toMatchObject({ publish: 'published', defaultVersion: '1.10.0', defaultChanged: false });
    expect(iot.commandCalls(UpdatePackageCommand)).toHaveLength(0);
    expect(state.defaultVersion).toBe('1.10.0');
  });

  it('moves the default to the newest PUBLISHED version when an older release overtook a newer one', async () => {
    // 1.3.0 was published by a concurrent release; the default still points at 1.1.0.
    const state = catalog({ status: 'DRAFT', defaultVersion: '1.1.0', published: ['1.1.0', '1.3.0'] });
    const r = release();
    const result = await promote(r, new IoTClient({}));
    expect(result.defaultVersion).toBe('1.3.0');
    expect(state.defaultVersion).toBe('1.3.0');
    // Another version's default uses a token of its own: a token names exactly one request.
    expect(iot.commandCalls(UpdatePackageCommand)[0]!.args[0].input.clientToken).not.toBe(r.clientToken);
  });

  it('policy "always" sets this version even when older; "never" does not touch the default', async () => {
    const s1 = catalog({ status: 'PUBLISHED', defaultVersion: '2.0.0', published: ['2.0.0', '1.2.0'] });
    await promote(release({ defaultVersionPolicy: 'always' }), new IoTClient({}));
    expect(s1.defaultVersion).toBe('1.2.0');

    iot.reset();
    const s2 = catalog({ status: 'DRAFT', published: [] });
    const result = await promote(release({ defaultVersionPolicy: 'never' }), new IoTClient({}));
    expect(result).toEqual({ publish: 'published', defaultVersion: null, defaultChanged: false });
    expect(s2.defaultVersion).toBeUndefined();
  });

  it('does not re-publish or promote a DEPRECATED version', async () => {
    catalog({ status: 'DEPRECATED', defaultVersion: '1.1.0', published: ['1.1.0'] });
    const result = await promote(release(), new IoTClient({}));
    expect(result).toEqual({ publish: 'deprecated', defaultVersion: '1.1.0', defaultChanged: false });
    expect(iot.commandCalls(UpdatePackageVersionCommand)).toHaveLength(0);
    expect(iot.commandCalls(UpdatePackageCommand)).toHaveLength(0);
  });

  // A rollback from 1.2.0 back to 1.0.0: the head is 1.0.0, every version through 1.2.0 barred.
  const rolledBack = { epoch: 1, head: '1.0.0', barredThrough: '1.2.0', token: 'rb-1' };

  it('a version a rollback barred is neither published nor made the default', async () => {
    const state = catalog({ status: 'DRAFT', defaultVersion: '1.0.0', published: ['1.0.0'] });
    const result = await promote(release(), new IoTClient({}), rolledBack);
    expect(result).toEqual({ publish: 'barred', defaultVersion: '1.0.0', defaultChanged: false, barredBy: '1.0.0' });
    expect(iot.commandCalls(UpdatePackageVersionCommand)).toHaveLength(0);
    expect(iot.commandCalls(UpdatePackageCommand)).toHaveLength(0);
    expect(state).toMatchObject({ status: 'DRAFT', defaultVersion: '1.0.0' });
  });

  it('if-newer never moves the default to a barred version still PUBLISHED (the rollback catalog step has not run yet)', async () => {
    // 1.1.0 is barred but still PUBLISHED; this release of 1.0.0 (the head, redriven) must not pick it.
    const state = catalog({ status: 'PUBLISHED', defaultVersion: '0.9.0', published: ['0.9.0', '1.0.0', '1.1.0'] });
    const result = await promote(release({ versionName: '1.0.0' }), new IoTClient({}), { ...rolledBack, barredThrough: '1.1.0' });
    expect(result.defaultVersion).toBe('1.0.0');
    expect(state.defaultVersion).toBe('1.0.0');
  });

  it('a version newer than the barred ones goes forward as usual', async () => {
    const state = catalog({ status: 'DRAFT', defaultVersion: '1.0.0', published: ['1.0.0'] });
    // catalog() publishes 1.2.0; bar only through 1.1.0.
    const result = await promote(release(), new IoTClient({}), { ...rolledBack, barredThrough: '1.1.0' });
    expect(result).toEqual({ publish: 'published', defaultVersion: '1.2.0', defaultChanged: true });
    expect(state.defaultVersion).toBe('1.2.0');
  });
});
