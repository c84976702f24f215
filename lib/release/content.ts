import { createHash } from 'node:crypto';
import type { HeadObjectCommandOutput, S3Client } from '@aws-sdk/client-s3';
import { getObjectParts, getObjectStream } from '../clients/s3';
import { type CombinableAlgorithm, combineCrcs, crcFromBase64, crcToBase64, isCombinable } from './crc-combine';

/**
 * The identity of an artifact's bytes, as S3 reports it — not its version id: an identical
 * re-upload gets a new version id but the same content. S3 stores a checksum with every new object
 * (CRC64NVME unless the uploader chose another algorithm): of the bytes (FULL_OBJECT), or for a
 * multipart upload possibly of its parts (COMPOSITE); the ETag is the MD5 of single-part uploads.
 */
export interface ContentIdentity {
  size?: number;
  checksum?: { algorithm: string; value: string; type?: string };
  etag?: string;
}

/** Strongest first. */
const ALGORITHMS = ['CRC64NVME', 'SHA256', 'SHA1', 'CRC32C', 'CRC32'] as const;

export function contentOf(head: HeadObjectCommandOutput): ContentIdentity {
  const algorithm = ALGORITHMS.find((a) => head[`Checksum${a}`]);
  return {
    size: head.ContentLength,
    checksum: algorithm && { algorithm, value: head[`Checksum${algorithm}`]!, type: head.ChecksumType },
    etag: head.ETag?.replace(/^"|"$/g, ''),
  };
}

/**
 * A multipart object's COMPOSITE checksum (`…-N`) is a checksum of its parts' checksums: it
 * depends on where the uploader cut the parts, so the same bytes uploaded with another part size
 * have another composite value. Only a FULL_OBJECT checksum is a checksum of the bytes.
 */
export function isComposite(checksum: { value: string; type?: string }): boolean {
  return checksum.type === 'COMPOSITE' || /-\d+$/.test(checksum.value);
}

/**
 * true / false when S3's metadata tells; undefined when only reading both objects can: sizes
 * differ → false; full-object checksums of one algorithm decide; equal composite checksums (the
 * same parts, part by part) → true, unequal ones tell nothing.
 */
export function sameContent(a: ContentIdentity, b: ContentIdentity): boolean | undefined {
  if (a.size !== undefined && b.size !== undefined && a.size !== b.size) return false;
  if (a.checksum && b.checksum && a.checksum.algorithm === b.checksum.algorithm) {
    const composite = [isComposite(a.checksum), isComposite(b.checksum)];
    if (!composite[0] && !composite[1]) return a.checksum.value === b.checksum.value;
    if (composite[0] && composite[1] && a.checksum.value === b.checksum.value) return true;
  }
  // A multipart ETag ("…-N") depends on the part sizes, not only on the bytes.
  if (a.etag && b.etag && !a.etag.includes('-') && !b.etag.includes('-')) return a.etag === b.etag;
  return undefined;
}

/** SHA-256 of one object version, streamed chunk by chunk (memory stays bounded whatever the size). */
export async function sha256Of(s3: S3Client, ref: { bucket: string; key: string; version?: string }): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of await getObjectStream(s3, ref.bucket, ref.key, ref.version)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * Whether two object versions hold the same bytes: from S3's metadata when it tells; else from
 * their CRCs over the whole object, recombined from the parts' CRCs of a COMPOSITE checksum
 * (no bytes read); else by hashing both streams at once.
 */
export async function sameBytes(s3: S3Client, a: { ref: ArtifactLocation; content: ContentIdentity }, b: { ref: ArtifactLocation; content: ContentIdentity }): Promise<boolean> {
  const known = sameContent(a.content, b.content);
  if (known !== undefined) return known;
  const ca = a.content.checksum;
  const cb = b.content.checksum;
  if (ca && cb && ca.algorithm === cb.algorithm && isCombinable(ca.algorithm)) {
    const [x, y] = await Promise.all([fullObjectCrc(s3, a.ref, a.content), fullObjectCrc(s3, b.ref, b.content)]);
    if (x !== undefined && y !== undefined) return x === y;
  }
  const [x, y] = await Promise.all([sha256Of(s3, a.ref), sha256Of(s3, b.ref)]);
  return x === y;
}

/**
 * The FULL_OBJECT value of a CRC checksum: as is, or for a COMPOSITE one combined from the parts S3
 * lists (their count and sizes checked against the checksum and the object); undefined when S3's
 * part list cannot give it (no part checksums, or the call is refused), so that the bytes decide.
 */
async function fullObjectCrc(s3: S3Client, ref: ArtifactLocation, content: ContentIdentity): Promise<string | undefined> {
  const checksum = content.checksum!;
  const algorithm = checksum.algorithm as CombinableAlgorithm;
  if (!isComposite(checksum)) return checksum.value;
  const parts = await getObjectParts(s3, ref, algorithm).catch(() => undefined);
  const count = Number(/-(\d+)$/.exec(checksum.value)?.[1]);
  if (!parts || parts.length !== count || parts.some((p) => !p.checksum)) return undefined;
  if (content.size !== undefined && parts.reduce((n, p) => n + p.size, 0) !== content.size) return undefined;
  const ordered = [...parts].sort((x, y) => x.partNumber - y.partNumber);
  return crcToBase64(algorithm, combineCrcs(algorithm, ordered.map((p) => ({ crc: crcFromBase64(p.checksum!), size: p.size }))));
}

type ArtifactLocation = { bucket: string; key: string; version?: string };

/** `s3://bucket/key@version (N bytes, ALG value)`: how a conflict message names an artifact. */
export function describeArtifact(ref: { bucket: string; key: string; version?: string }, content: ContentIdentity): string {
  const facts = [content.size !== undefined ? `${content.size} bytes` : undefined, content.checksum ? `${content.checksum.algorithm} ${content.checksum.value}` : content.etag ? `ETag ${content.etag}` : undefined];
  return `s3://${ref.bucket}/${ref.key}${ref.version ? `@${ref.version}` : ''} (${facts.filter(Boolean).join(', ') || 'content unknown'})`;
}
