/**
 * One release schema: the draft, the triggered request, the canonical request and the manifest take
 * their field schemas from the draft's (lib/release/request.ts), so a constraint changed there holds
 * for every shape at once.
 */
import { HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseReleaseInput } from '../../lib/release/inputs';
import { manifestJsonSchema } from '../../lib/release/manifest';
import { DraftArtifactSchema, ReleaseDraftSchema, ReleaseRequestInputSchema, ReleaseRequestSchema, TriggeredRequestSchema } from '../../lib/release/request';
import { prepareRelease } from '../../lib/release/steps/prepare';
import { requestFromS3Event } from '../../lib/release/steps/trigger';
import * as z from '../../lib/validation/zod';
import { BUCKET, CONFIG } from '../fixtures/release';

const KEY = 'releases/edge-agent/1.2.0/agent.zip';
const draft = ReleaseDraftSchema.shape;

function objectCreated() {
  const event = JSON.parse(readFileSync(new URL('../fixtures/events/s3-eventbridge-object-created.json', import.meta.url), 'utf8'));
  event.detail.bucket.name = BUCKET;
  event.detail.object.key = KEY;
  event.detail.object['version-id'] = 'v-1';
  return event;
}

describe('one release schema', () => {
  it('the triggered, canonical and input requests reuse the draft\'s field schemas', () => {
    for (const field of ['packageName', 'versionName', 'artifact'] as const) expect(TriggeredRequestSchema.shape[field]).toBe(draft[field]);
    for (const field of ['packageName', 'versionName', 'description', 'attributes', 'tags', 'recipe'] as const) expect(ReleaseRequestSchema.shape[field]).toBe(draft[field]);
    for (const field of Object.keys(draft) as (keyof typeof draft)[]) expect(ReleaseRequestInputSchema.shape[field]).toBe(draft[field]);
    expect(ReleaseRequestSchema.shape.artifact.shape.version).toBe(DraftArtifactSchema.shape.version);
  });

  it('the manifest\'s fields are the draft\'s under the manifest\'s names (the JSON Schema only adds descriptions)', () => {
    const props = (manifestJsonSchema().properties ?? {}) as Record<string, Record<string, unknown>>;
    const bare = (schema: z.ZodMiniType) => z.toJSONSchema(schema, { target: 'draft-2020-12' }) as Record<string, unknown>;
    const withoutDescription = ({ description: _d, ...rest }: Record<string, unknown>) => rest;
    const pairs = { package: 'packageName', version: 'versionName', description: 'description', attributes: 'attributes', tags: 'tags', recipe: 'recipe', clientToken: 'clientToken' } as const;
    for (const [manifestField, draftField] of Object.entries(pairs)) {
      const { $schema: _s, ...expected } = bare(draft[draftField]);
      expect(withoutDescription(props[manifestField]!), manifestField).toEqual(expected);
    }
  });

  it('what the trigger sends is a triggered request, and Prepare reads it as a request', async () => {
    const request = requestFromS3Event(objectCreated(), { config: CONFIG, artifactBucket: BUCKET });
    expect(TriggeredRequestSchema.safeParse(request).success).toBe(true);
    expect(parseReleaseInput(request)).toMatchObject({ source: 'request', packageName: 'edge-agent', versionName: '1.2.0', clientToken: request.clientToken });

    const s3 = mockClient(S3Client);
    s3.on(HeadObjectCommand).resolves({ VersionId: 'v-1', ETag: '"etag-1"' });
    const release = await prepareRelease(request, { s3: new S3Client({}), config: CONFIG, artifactBucket: BUCKET });
    expect(ReleaseRequestSchema.safeParse(release).success).toBe(true);
    s3.restore();
  });

  it('a request with a member no shape has is refused, naming it', () => {
    expect(() => parseReleaseInput({ packageName: 'edge-agent', versionName: '1.2.0', artifact: { bucket: BUCKET, key: KEY }, colour: 'red' })).toThrow(
      expect.objectContaining({ name: 'InvalidRelease', message: expect.stringContaining('colour') }),
    );
    expect(() => parseReleaseInput({ packageName: 'edge-agent', versionName: '1.2.0', artifact: { bucket: BUCKET, key: KEY, colour: 'red' } })).toThrow(
      expect.objectContaining({ name: 'InvalidRelease', field: 'artifact' }),
    );
  });
});
