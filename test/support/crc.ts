import { Crc32, Crc32c, Crc64Nvme } from '@aws-sdk/checksums/crc';
import type { CombinableAlgorithm } from '../../lib/release/crc-combine';

/** The AWS SDK's own CRC implementations (what S3 and the twin compute), base64 as S3 shows them. */
export async function sdkCrc(algorithm: CombinableAlgorithm, data: Uint8Array): Promise<string> {
  const c = algorithm === 'CRC32' ? new Crc32() : algorithm === 'CRC32C' ? new Crc32c() : new Crc64Nvme();
  c.update(data);
  return Buffer.from(await c.digest()).toString('base64');
}
