import { ExecutionAlreadyExists, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { readFileSync } from 'node:fs';
import { beforeEach, describe, expect, it } from 'vitest';
import { STEP_FUNCTIONS } from '../../lib/release/constraints';
import { InvalidRelease } from '../../lib/release/errors';
import { executionName } from '../../lib/release/identity';
import { requestFromS3Event, startRelease } from '../../lib/release/steps/trigger';
import { CONFIG } from '../fixtures/release';

const sfn = mockClient(SFNClient);
const stateMachineArn = 'arn:aws:states:us-east-1:123456789012:stateMachine:pkgrelease-test';
const admit = { config: CONFIG, artifactBucket: 'example-bucket' };

function objectCreated(key: string, versionId?: string) {
  const event = JSON.parse(readFileSync(new URL('../fixtures/events/s3-eventbridge-object-created.json', import.meta.url), 'utf8'));
  event.detail.object.key = key;
  if (versionId) event.detail.object['version-id'] = versionId;
  return event;
}

describe('trigger', () => {
  beforeEach(() => sfn.reset());

  it('starts one execution whose name and input derive from the artifact', async () => {
    sfn.on(StartExecutionCommand).resolves({ executionArn: 'arn:exec', startDate: new Date() });
    const request = requestFromS3Event(objectCreated('releases/edge-agent/1.2.0/agent.zip', 'v-1'), admit);

    const result = await startRelease(request, { sfn: new SFNClient({}), stateMachineArn });

    expect(result.start).toEqual({ status: 'started', executionArn: 'arn:exec' });
    const input = sfn.commandCalls(StartExecutionCommand)[0]!.args[0].input;
    expect(input.name).toBe(result.executionName);
    expect(input.name).toMatch(STEP_FUNCTIONS.executionName.pattern);
    expect(JSON.parse(input.input!)).toEqual({
      packageName: 'edge-agent',
      versionName: '1.2.0',
      artifact: { bucket: 'example-bucket', key: 'releases/edge-agent/1.2.0/agent.zip', version: 'v-1', etag: '4e68adba0abe2dc8653dc3354e14c01d' },
      clientToken: result.clientToken,
    });
  });

  it('treats a duplicate event (ExecutionAlreadyExists) as already handled', async () => {
    sfn.on(StartExecutionCommand).rejects(new ExecutionAlreadyExists({ message: 'exists', $metadata: {} }));
    const request = requestFromS3Event(objectCreated('releases/edge-agent/1.2.0/agent.zip', 'v-1'), admit);
    await expect(startRelease(request, { sfn: new SFNClient({}), stateMachineArn })).resolves.toMatchObject({
      start: { status: 'already-exists' },
    });
  });

  it('maps the same artifact to the same name, and a new upload of it to a new name', () => {
    const a = requestFromS3Event(objectCreated('releases/edge-agent/1.2.0/agent.zip', 'v-1'), admit);
    const b = requestFromS3Event(objectCreated('releases/edge-agent/1.2.0/agent.zip', 'v-1'), admit);
    const c = requestFromS3Event(objectCreated('releases/edge-agent/1.2.0/agent.zip', 'v-2'), admit);
    const name = (r: typeof a) => executionName(r.packageName, r.versionName, r.clientToken);
    expect(name(a)).toBe(name(b));
    expect(name(a)).not.toBe(name(c));
  });

  it('keeps execution names within Step Functions rules for long and odd names', () => {
    const name = executionName('p'.repeat(128), 'v'.repeat(64), 'a'.repeat(64));
    expect(name.length).toBeLessThanOrEqual(80);
    expect(name).toMatch(STEP_FUNCTIONS.executionName.pattern);
    expect(executionName('a:b', '1.0', 'a'.repeat(64))).toMatch(STEP_FUNCTIONS.executionName.pattern);
  });

  it('accepts an upload from an IPv6 address (members it does not use are not checked)', () => {
    const event = objectCreated('releases/edge-agent/1.2.0/agent.zip', 'v-1');
    event.detail['source-ip-address'] = '2001:db8::8a2e:370:7334';
    expect(requestFromS3Event(event, admit).packageName).toBe('edge-agent');
  });

  const refusals: [string, () => unknown, RegExp][] = [
    ['a key outside the convention', () => objectCreated('IMG_m7fzo3.jpg'), /key convention/],
    ['another detail-type', () => ({ ...objectCreated('releases/edge-agent/1.2.0/agent.zip'), 'detail-type': 'Object Deleted' }), /detail-type/],
    ['an event from another source', () => ({ ...objectCreated('releases/edge-agent/1.2.0/agent.zip'), source: 'my.app' }), /source/],
    ['a payload that is not an EventBridge event', () => ({ packageName: 'edge-agent', versionName: '1.2.0', artifact: { bucket: 'example-bucket', key: 'releases/edge-agent/1.2.0/a.zip' } }), /EventBridge "Object Created"/],
    ['a package with no configuration', () => objectCreated('releases/other-agent/1.2.0/agent.zip'), /no configuration/],
    ['a version named ".."', () => objectCreated('releases/edge-agent/../agent.zip'), /"\." or "\.\." segment/],
    ['a version named "." (URL-encoded)', () => objectCreated('releases/edge-agent/%2E/agent.zip'), /"\." or "\.\." segment/],
    ['a bad version name', () => objectCreated('releases/edge-agent/1.2.0%2Bbuild/agent.zip'), /versionName/],
    ['another bucket', () => ({ ...objectCreated('releases/edge-agent/1.2.0/agent.zip'), detail: { ...objectCreated('x').detail, bucket: { name: 'other' }, object: { key: 'releases/edge-agent/1.2.0/agent.zip' } } }), /artifact bucket/],
  ];

  it.each(refusals)('refuses %s with InvalidRelease before StartExecution', async (_name, event, message) => {
    sfn.on(StartExecutionCommand).resolves({ executionArn: 'arn:exec', startDate: new Date() });
    const error = (() => {
      try {
        requestFromS3Event(event(), admit);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(InvalidRelease);
    expect((error as Error).name).toBe('InvalidRelease');
    expect((error as Error).message).toMatch(message);
    expect(sfn.calls()).toHaveLength(0);
  });
});
