import { afterEach, describe, expect, it } from 'vitest';
import { LOCAL_BUCKET, type LocalSession } from '../../local/session';
import { MUTATING, mutatingSucceeded, startSession } from './harness';

/**
 * Uploads and requests that must not reach the fleet, through the real drop path (S3 → trigger →
 * engine): each is refused with a named error and changes nothing in IoT, OpenSearch or staging/.
 */
let session: LocalSession | undefined;
afterEach(async () => {
  await session?.close();
  session = undefined;
});

const NOTHING_CHANGED = Object.fromEntries(MUTATING.map((call) => [call, 0]));

describe('refused before anything changes', () => {
  it.each([
    ['an unconfigured package', 'releases/someone-else/1.0.0/words.txt', /no configuration/],
    ['a ".." version', 'releases/edge-agent/../words.txt', /"\." or "\.\." segment/],
    ['a version with "+"', 'releases/edge-agent/1.0.0+build/words.txt', /versionName/],
  ])('the trigger refuses %s (InvalidRelease) and starts no execution', async (_name, key, message) => {
    session = await startSession();
    await session.upload(key, 'alpha\n');
    await session.settled();
    expect(session.engine.list()).toEqual([]);
    expect(session.triggerErrors.map((e) => e.error)).toContain('InvalidRelease');
    expect(session.triggerErrors[0]!.message).toMatch(message);
    expect(mutatingSucceeded(session.report())).toEqual(NOTHING_CHANGED);
  });

  it('Prepare refuses a recipe from object metadata for a package that does not allow it', async () => {
    session = await startSession();
    await session.upload('releases/edge-agent/1.0.0/words.txt', 'alpha\n', { metadata: { recipe: '{"steps":["rm -rf /"]}' } });
    await session.settled();
    const [execution] = session.engine.list();
    expect(execution).toMatchObject({ status: 'FAILED', error: 'InvalidRelease' });
    expect(execution!.cause).toMatch(/x-amz-meta-recipe is not allowed for package "edge-agent"/);
    expect(mutatingSucceeded(session.report())).toEqual(NOTHING_CHANGED);
  });

  it('Prepare refuses a manifest that names another OpenSearch package than the configured one', async () => {
    session = await startSession();
    await session.upload('builds/edge-agent/2.0.0/words.txt', 'alpha\n');
    const manifest = { manifestVersion: 1, package: 'edge-agent', version: '2.0.0', artifact: { bucket: LOCAL_BUCKET, key: 'builds/edge-agent/2.0.0/words.txt' }, opensearchPackage: 'edge-plugin' };
    const execution = session.start('manifest-override', manifest);
    await session.settled();
    expect(execution).toMatchObject({ status: 'FAILED', error: 'InvalidRelease' });
    expect(execution.cause).toMatch(/opensearchPackage: "edge-plugin" differs from the configured "edge-agent-dict"/);
    expect(mutatingSucceeded(session.report())).toEqual(NOTHING_CHANGED);
  });
});
