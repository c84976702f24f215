import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CreatePackageCommand, CreatePackageVersionCommand, GetPackageVersionCommand, type IoTClient, ListPackagesCommand } from '@aws-sdk/client-iot';
import { DescribePackagesCommand, type OpenSearchClient } from '@aws-sdk/client-opensearch';
import { GetObjectCommand, ListBucketsCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { FaultInjector } from '../../local/twin/core/faults';
import { faultRuleSchema, faultRulesSchema, startTwin, type FaultRule, type Twin } from '../../local/twin';
import { clients, failure, token } from './helpers';

let twin: Twin;
let iot: IoTClient;
let os: OpenSearchClient;
let s3: S3Client;

beforeAll(async () => {
  twin = await startTwin({ seed: 5 });
  ({ iot, os, s3 } = clients(twin));
  twin.s3.createBucket('faulty');
  await iot.send(new CreatePackageCommand({ packageName: 'faulty' }));
});
afterAll(async () => {
  for (const c of [iot, os, s3]) c.destroy();
  await twin.close();
});
beforeEach(() => {
  twin.setFaults([]);
  twin.resetCalls();
});

describe('fault kinds', () => {
  it('throttle: IoT ThrottlingException 400, OpenSearch 429 ThrottlingException, S3 503 SlowDown', async () => {
    twin.setFaults([{ operation: '*', kind: 'throttle', times: 3 }]);
    const i = await failure(iot.send(new ListPackagesCommand({})));
    const o = await failure(os.send(new DescribePackagesCommand({})));
    const s = await failure(s3.send(new ListBucketsCommand({})));
    expect([i.name, i.$metadata.httpStatusCode]).toEqual(['ThrottlingException', 400]);
    expect([o.name, o.$metadata.httpStatusCode]).toEqual(['ThrottlingException', 429]);
    expect([s.name, s.$metadata.httpStatusCode]).toEqual(['SlowDown', 503]);
    await iot.send(new ListPackagesCommand({})); // times: 3 is used up
  });

  it('error5xx: IoT InternalServerException, OpenSearch InternalException, S3 InternalError (all 500)', async () => {
    twin.setFaults([
      { operation: 'iot:*', kind: 'error5xx', times: 1 },
      { operation: 'es:DescribePackages', kind: 'error5xx', times: 1 },
      { operation: 's3:ListBuckets', kind: 'error5xx', times: 1 },
    ]);
    const i = await failure(iot.send(new ListPackagesCommand({})));
    const o = await failure(os.send(new DescribePackagesCommand({})));
    const s = await failure(s3.send(new ListBucketsCommand({})));
    expect([i.name, i.$metadata.httpStatusCode]).toEqual(['InternalServerException', 500]);
    expect([o.name, o.$metadata.httpStatusCode]).toEqual(['InternalException', 500]);
    expect([s.name, s.$metadata.httpStatusCode]).toEqual(['InternalError', 500]);
  });

  it('the SDK retries throttling and 5xx on its own (default retry strategy)', async () => {
    const retrying = clients(twin, 3);
    twin.setFaults([{ operation: 'iot:ListPackages', kind: 'throttle', times: 1 }, { operation: 'es:*', kind: 'error5xx', times: 1 }]);
    const r = await retrying.iot.send(new ListPackagesCommand({}));
    expect(r.$metadata.attempts).toBe(2);
    await retrying.os.send(new DescribePackagesCommand({}));
    expect(twin.calls()).toEqual({
      'es:DescribePackages': { succeeded: 1, failed: 1, injected: 1 },
      'iot:ListPackages': { succeeded: 1, failed: 1, injected: 1 },
    });
    retrying.iot.destroy();
    retrying.os.destroy();
  });

  it('latency delays the call', async () => {
    twin.setFaults([{ operation: 's3:GetObject', kind: 'latency', latencyMs: 150 }]);
    twin.s3.putObject('faulty', 'slow', 'x');
    const t0 = Date.now();
    await s3.send(new GetObjectCommand({ Bucket: 'faulty', Key: 'slow' }));
    expect(Date.now() - t0).toBeGreaterThanOrEqual(140);
  });

  it('lostResponse: the change is applied, the caller sees a 5xx', async () => {
    twin.setFaults([{ operation: 'iot:CreatePackageVersion', kind: 'lostResponse', times: 1 }, { operation: 's3:PutObject', kind: 'lostResponse', times: 1 }]);
    const e = await failure(iot.send(new CreatePackageVersionCommand({ packageName: 'faulty', versionName: 'lost', clientToken: token('lost') })));
    expect([e.name, e.$metadata.httpStatusCode]).toEqual(['InternalServerException', 500]);
    expect((await iot.send(new GetPackageVersionCommand({ packageName: 'faulty', versionName: 'lost' }))).status).toBe('DRAFT');
    // Retrying with the same clientToken replays the lost response instead of a ConflictException.
    const replay = await iot.send(new CreatePackageVersionCommand({ packageName: 'faulty', versionName: 'lost', clientToken: token('lost') }));
    expect(replay.status).toBe('DRAFT');

    const s = await failure(s3.send(new PutObjectCommand({ Bucket: 'faulty', Key: 'lost.bin', Body: 'kept' })));
    expect([s.name, s.$metadata.httpStatusCode]).toEqual(['InternalError', 500]);
    expect(twin.s3.getObject('faulty', 'lost.bin').body.toString()).toBe('kept');
  });

  it('lostResponse + SDK retry: the automatic retry carries the same clientToken and gets the replay', async () => {
    const retrying = clients(twin, 3);
    twin.setFaults([{ operation: 'iot:CreatePackageVersion', kind: 'lostResponse', times: 1 }]);
    const r = await retrying.iot.send(new CreatePackageVersionCommand({ packageName: 'faulty', versionName: 'auto' })); // SDK-generated token
    expect([r.status, r.$metadata.attempts]).toEqual(['DRAFT', 2]);
    expect(twin.calls()['iot:CreatePackageVersion']).toEqual({ succeeded: 1, failed: 1, injected: 1 });
    retrying.iot.destroy();
  });
});

describe('call counts', () => {
  it('counts every request per service:Operation, failures included', async () => {
    twin.setFaults([{ operation: 'iot:ListPackages', kind: 'throttle', times: 1 }]);
    await failure(iot.send(new ListPackagesCommand({})));
    await iot.send(new ListPackagesCommand({}));
    await failure(iot.send(new GetPackageVersionCommand({ packageName: 'faulty', versionName: 'ghost' })));
    await s3.send(new PutObjectCommand({ Bucket: 'faulty', Key: 'k', Body: 'v' }));
    expect(twin.calls()).toEqual({
      'iot:GetPackageVersion': { succeeded: 0, failed: 1 },
      'iot:ListPackages': { succeeded: 1, failed: 1, injected: 1 },
      's3:PutObject': { succeeded: 1, failed: 0 },
    });
  });
});

describe('seeded probability', () => {
  const pattern = (seed: number, rules: FaultRule[]) => {
    const f = new FaultInjector(seed, rules);
    return Array.from({ length: 40 }, () => f.decide('iot:CreatePackageVersion').fault ?? '-').join('');
  };
  const rules: FaultRule[] = [{ operation: 'iot:*', kind: 'error5xx', probability: 0.5 }];

  it('the same seed repeats exactly; another seed differs', () => {
    expect(pattern(42, rules)).toBe(pattern(42, rules));
    expect(pattern(42, rules)).not.toBe(pattern(43, rules));
    expect(pattern(42, rules)).toMatch(/error5xx/);
  });

  it('times caps probabilistic faults; non-matching operations are untouched', () => {
    const f = new FaultInjector(1, [{ operation: 'es:UpdatePackage', kind: 'throttle', probability: 1, times: 2 }]);
    expect([1, 2, 3].map(() => f.decide('es:UpdatePackage').fault)).toEqual(['throttle', 'throttle', undefined]);
    expect(f.decide('iot:UpdatePackage').fault).toBeUndefined();
  });

  it('the same seed gives the same failures over HTTP', async () => {
    const run = async () => {
      const t = await startTwin({ seed: 99, faults: [{ operation: 'iot:ListPackages', kind: 'error5xx', probability: 0.5 }] });
      const c = clients(t).iot;
      let out = '';
      for (let i = 0; i < 12; i++) out += await c.send(new ListPackagesCommand({})).then(() => '.', () => 'x');
      c.destroy();
      await t.close();
      return out;
    };
    const first = await run();
    expect(await run()).toBe(first);
    expect(first).toContain('x');
    expect(first).toContain('.');
  });
});

describe('fault rule schema', () => {
  it('accepts the documented forms and rejects the rest', () => {
    expect(faultRulesSchema.parse([{ operation: 'iot:CreatePackageVersion', kind: 'lostResponse', times: 1 }, { operation: '*', kind: 'latency', latencyMs: 5, probability: 0.1 }])).toHaveLength(2);
    for (const bad of [
      { operation: 'sqs:SendMessage', kind: 'throttle' },
      { operation: 'iot:*', kind: 'explode' },
      { operation: 'iot:*', kind: 'throttle', probability: 2 },
      { operation: 'iot:*', kind: 'throttle', times: 0 },
      { operation: 'iot:*', kind: 'throttle', latencyMs: 5 },
      { operation: 'iot:*', kind: 'throttle', extra: true },
    ]) {
      expect(faultRuleSchema.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
    expect(() => twin.setFaults([{ operation: 'nope', kind: 'throttle' }])).toThrow();
  });
});
