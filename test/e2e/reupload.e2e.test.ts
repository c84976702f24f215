import { afterEach, describe, expect, it } from 'vitest';
import { shortToken } from '../../lib/release/identity';
import { LOCAL_BUCKET, type LocalSession } from '../../local/session';
import { difference, MUTATING, mutatingSucceeded, startSession } from './harness';

/**
 * Identity by content (the campaign's invariant 4, local/campaign/invariants.ts): the same bytes uploaded again under a released
 * version (same key, a new S3 version id, so a new clientToken and a new execution) is a no-op
 * that succeeds and says "already released"; different bytes are a VersionConflict that names both.
 */
let session: LocalSession | undefined;
afterEach(async () => {
  await session?.close();
  session = undefined;
});

const KEY = 'releases/edge-agent/1.0.0/words.txt';
const WORDS = 'alpha\nbeta\n';
const OTHER_WORDS = 'alpha\nbeta\ndelta\n';
const NONE = Object.fromEntries(MUTATING.map((c) => [c, 0]));

/** Release 1.0.0, then upload `body` to the same key; returns what the second execution did. */
async function releaseThenUploadAgain(s: LocalSession, body: string) {
  const first = await s.upload(KEY, WORDS);
  await s.settled();
  const before = s.report();
  expect(before.executions.map((e) => e.status)).toEqual(['SUCCEEDED']);

  const second = await s.upload(KEY, body);
  await s.settled();
  const after = s.report();
  const execution = s.engine.list().find((e) => e.name !== before.executions[0]!.name)!;
  return { first, second, before, after, execution, token: after.executions.find((e) => e.name === execution.name)!.clientToken! };
}

describe('uploading a released version again', () => {
  it('byte-identical content under a new S3 version: SUCCEEDED, "already released", no IoT version, no OpenSearch update, 0 mutating calls', async () => {
    session = await startSession();
    const { first, second, before, after, execution, token } = await releaseThenUploadAgain(session, WORDS);

    expect(second.versionId).not.toBe(first.versionId);
    expect(token).not.toBe(before.executions[0]!.clientToken);
    expect(execution.status).toBe('SUCCEEDED');
    expect((execution.output as { steps: { createVersion: { outcome: string; alreadyReleasedAs?: string } } }).steps.createVersion).toMatchObject({
      outcome: 'existing',
      alreadyReleasedAs: expect.stringContaining(`already released with the same content from s3://${LOCAL_BUCKET}/${KEY}@${first.versionId} (${WORDS.length} bytes`),
    });

    // One IoT version, still pinned to the first upload.
    expect(after.catalog.iot).toEqual(before.catalog.iot);
    expect(after.catalog.iot['edge-agent']!.versions['1.0.0']!.artifact?.s3Location?.version).toBe(first.versionId);
    // No OpenSearch update: the same history, and no staging copy for this release's token.
    expect(after.catalog.opensearch['edge-agent-dict']!.history).toEqual(before.catalog.opensearch['edge-agent-dict']!.history);
    const staged = session.twin.s3.listObjects(LOCAL_BUCKET, 'staging/').map((o) => o.key);
    expect(staged.filter((k) => k.includes(`/${shortToken(token)}/`))).toEqual([]);
    expect(staged).toHaveLength(1);
    // Not one successful mutating call by the second execution.
    expect(difference(mutatingSucceeded(after), mutatingSucceeded(before))).toEqual(NONE);
  });

  it('different content under the released version: VersionConflict naming both artifacts (key, version id, size, checksum), nothing changed', async () => {
    session = await startSession();
    const { first, second, before, after, execution } = await releaseThenUploadAgain(session, OTHER_WORDS);

    expect(execution.status).toBe('FAILED');
    expect(execution.error).toBe('VersionConflict');
    const cause = execution.cause ?? '';
    expect(cause).toMatch(new RegExp(`released s3://${LOCAL_BUCKET}/${KEY}@${first.versionId} \\(${WORDS.length} bytes, [A-Z0-9]+ \\S+\\)`));
    expect(cause).toMatch(new RegExp(`this upload s3://${LOCAL_BUCKET}/${KEY}@${second.versionId} \\(${OTHER_WORDS.length} bytes, [A-Z0-9]+ \\S+\\)`));
    expect(cause).toMatch(/upload under a new version name/);
    expect(execution.states.at(-1)!.name).toBe('CreateVersion');

    expect(after.catalog.iot).toEqual(before.catalog.iot);
    expect(after.catalog.opensearch).toEqual(before.catalog.opensearch);
    expect(difference(mutatingSucceeded(after), mutatingSucceeded(before))).toEqual(NONE);
  });
});
