import type { S3Client } from '@aws-sdk/client-s3';
import { headObject } from '../clients/s3';
import { contentOf } from './content';
import { ArtifactNotFound } from './errors';
import { normaliseEtag } from './identity';
import type { DraftArtifactSchema, PinnedArtifactSchema } from './request';
import type * as z from '../validation/zod';

/**
 * Pins an artifact to one S3 object version (HeadObject): the version and ETag that the release —
 * its clientToken, its IoT version, its OpenSearch import — will all refer to. Used by Prepare and
 * by `pkgrelease start`, so both name the same bytes.
 */
export interface PinnedArtifact {
  artifact: z.infer<typeof PinnedArtifactSchema>;
  /** The object's user metadata (`x-amz-meta-*`), read by the same HeadObject. */
  metadata: Record<string, string>;
}

export async function pinArtifact(s3: S3Client, artifact: z.infer<typeof DraftArtifactSchema>): Promise<PinnedArtifact> {
  const { bucket, key, version } = artifact;
  const head = await headObject(s3, bucket, key, version);
  if (!head) {
    throw new ArtifactNotFound(
      `s3://${bucket}/${key}${version ? ` version ${version}` : ''} does not exist; check the key (not URL-encoded) and the version id`,
    );
  }
  const etag = normaliseEtag(head.ETag ?? artifact.etag ?? '');
  if (artifact.etag && !version && normaliseEtag(artifact.etag) !== etag) {
    throw new ArtifactNotFound(`s3://${bucket}/${key} changed since the event (ETag ${etag}); upload it again to release it`);
  }
  const { size, checksum } = contentOf(head);
  return { artifact: { bucket, key, version: head.VersionId ?? version, etag, size, checksum }, metadata: head.Metadata ?? {} };
}
