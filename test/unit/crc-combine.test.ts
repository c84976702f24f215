import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { combineCrcs, crcFromBase64, crcToBase64 } from '../../lib/release/crc-combine';
import { sdkCrc } from '../support/crc';

describe('combineCrcs: the whole object\'s CRC from its parts\' CRCs and sizes', () => {
  const data = randomBytes(3 * 1024 * 1024 + 17);
  const cuts = [0, 1, 1000, 1024 * 1024, 2 * 1024 * 1024 + 5, data.length];

  for (const algorithm of ['CRC32', 'CRC32C', 'CRC64NVME'] as const) {
    it(`${algorithm}: equals the SDK's CRC of the concatenated bytes (parts of 1 byte to 1 MiB)`, async () => {
      const parts = [];
      for (let i = 0; i + 1 < cuts.length; i++) {
        const part = data.subarray(cuts[i], cuts[i + 1]);
        parts.push({ crc: crcFromBase64(await sdkCrc(algorithm, part)), size: part.length });
      }
      expect(crcToBase64(algorithm, combineCrcs(algorithm, parts))).toBe(await sdkCrc(algorithm, data));
    });
  }

  it('another cut of the same bytes gives the same CRC; other bytes another one', async () => {
    const whole = async (bytes: Buffer, size: number) => {
      const parts = [];
      for (let at = 0; at < bytes.length; at += size) {
        const part = bytes.subarray(at, at + size);
        parts.push({ crc: crcFromBase64(await sdkCrc('CRC32', part)), size: part.length });
      }
      return crcToBase64('CRC32', combineCrcs('CRC32', parts));
    };
    const other = Buffer.from(data);
    other[12345] = other[12345]! ^ 1;
    expect(await whole(data, 1024 * 1024)).toBe(await whole(data, 700 * 1024));
    expect(await whole(other, 1024 * 1024)).not.toBe(await whole(data, 1024 * 1024));
  });
});
