/**
 * S3's additional checksums as S3 computes them: CRC32, CRC32C, CRC64NVME, SHA1, SHA256 over the
 * bytes (FULL_OBJECT), or for multipart uploads the checksum of the parts' binary checksums
 * followed by `-<parts>` (COMPOSITE). The CRCs come from the AWS SDK's own implementations, so the
 * twin and the SDK's response validation agree by construction.
 */
import { createHash } from 'node:crypto';
import { Crc32, Crc32c, Crc64Nvme } from '@aws-sdk/checksums/crc';

/** The SDK's checksum interface (@smithy/types Checksum). */
interface Checksum {
  update(data: Uint8Array): void;
  digest(): Promise<Uint8Array>;
}

export const CHECKSUM_ALGORITHMS = ['CRC32', 'CRC32C', 'CRC64NVME', 'SHA1', 'SHA256'] as const;
export type ChecksumAlgorithm = (typeof CHECKSUM_ALGORITHMS)[number];
export type ChecksumType = 'FULL_OBJECT' | 'COMPOSITE';

/** What an object version carries; `value` is base64 (composite values end in `-N`). */
export interface StoredChecksum {
  readonly algorithm: ChecksumAlgorithm;
  readonly type: ChecksumType;
  readonly value: string;
}

/** Every new S3 object has a checksum; without one requested, S3 computes CRC64NVME. */
export const DEFAULT_ALGORITHM: ChecksumAlgorithm = 'CRC64NVME';

const sha = (name: string): Checksum => {
  const h = createHash(name);
  return { update: (d) => void h.update(d), digest: async () => h.digest() };
};

const FACTORIES: Record<ChecksumAlgorithm, () => Checksum> = {
  CRC32: () => new Crc32(),
  CRC32C: () => new Crc32c(),
  CRC64NVME: () => new Crc64Nvme(),
  SHA1: () => sha('sha1'),
  SHA256: () => sha('sha256'),
};

/** `x-amz-checksum-crc64nvme` for CRC64NVME. */
export const checksumHeader = (a: ChecksumAlgorithm) => `x-amz-checksum-${a.toLowerCase()}`;

export function parseAlgorithm(raw: string | undefined): ChecksumAlgorithm | undefined {
  if (raw === undefined || raw === '') return undefined;
  const upper = raw.toUpperCase();
  if (!(CHECKSUM_ALGORITHMS as readonly string[]).includes(upper)) {
    throw new RangeError(`Checksum algorithm ${raw} is not one of ${CHECKSUM_ALGORITHMS.join(', ')}`);
  }
  return upper as ChecksumAlgorithm;
}

async function digest(algorithm: ChecksumAlgorithm, data: Uint8Array): Promise<Buffer> {
  const c = FACTORIES[algorithm]();
  c.update(data);
  return Buffer.from(await c.digest());
}

/** Object bodies never change once stored: each checksum is computed once per body. */
const cache = new WeakMap<Buffer, Map<ChecksumAlgorithm, string>>();

/** Base64 checksum of the bytes (what S3 calls FULL_OBJECT). */
export async function checksumOf(algorithm: ChecksumAlgorithm, data: Buffer): Promise<string> {
  let known = cache.get(data);
  const hit = known?.get(algorithm);
  if (hit) return hit;
  const value = (await digest(algorithm, data)).toString('base64');
  if (!known) cache.set(data, (known = new Map()));
  known.set(algorithm, value);
  return value;
}

/** Checksum of the concatenated binary part checksums, `-N`: S3's COMPOSITE multipart checksum. */
export async function compositeChecksum(algorithm: ChecksumAlgorithm, partValues: readonly string[]): Promise<string> {
  const joined = Buffer.concat(partValues.map((v) => Buffer.from(v, 'base64')));
  return `${(await digest(algorithm, joined)).toString('base64')}-${partValues.length}`;
}

/** Which checksum types S3 accepts for an algorithm in CreateMultipartUpload, the default first. */
export function multipartTypes(algorithm: ChecksumAlgorithm): readonly ChecksumType[] {
  if (algorithm === 'CRC64NVME') return ['FULL_OBJECT'];
  if (algorithm === 'SHA1' || algorithm === 'SHA256') return ['COMPOSITE'];
  return ['COMPOSITE', 'FULL_OBJECT'];
}
