/**
 * The CRC of a whole object from the CRCs and sizes of its parts, without the bytes (zlib's
 * crc32_combine, generalised to the reflected CRCs S3 uses). A CRC is linear over GF(2), so
 *   crc(A‖B) = crc(A)·x^(8·|B|) mod P  ⊕  crc(B)
 * for CRCs whose initial value equals their final XOR (all of S3's: ~0 in, ~0 out).
 *
 * With it, a multipart object's COMPOSITE CRC32/CRC32C checksum (a checksum of its parts'
 * checksums) becomes the FULL_OBJECT checksum S3 would have computed over the bytes.
 */

interface CrcSpec {
  width: number;
  /** The polynomial, bit-reflected (as the table-driven implementations write it). */
  reflectedPoly: bigint;
}

export const CRC_SPECS = {
  CRC32: { width: 32, reflectedPoly: 0xedb88320n },
  CRC32C: { width: 32, reflectedPoly: 0x82f63b78n },
  CRC64NVME: { width: 64, reflectedPoly: 0x9a6c9329ac4bc9b5n },
} satisfies Record<string, CrcSpec>;

export type CombinableAlgorithm = keyof typeof CRC_SPECS;

export function isCombinable(algorithm: string): algorithm is CombinableAlgorithm {
  return Object.hasOwn(CRC_SPECS, algorithm);
}

/** a(x)·b(x) mod P, both in reflected order (x^0 is the top bit). */
function multModP(spec: CrcSpec, a: bigint, b: bigint): bigint {
  let m = 1n << BigInt(spec.width - 1);
  let p = 0n;
  while (m > 0n) {
    if (a & m) {
      p ^= b;
      if ((a & (m - 1n)) === 0n) break;
    }
    m >>= 1n;
    b = b & 1n ? (b >> 1n) ^ spec.reflectedPoly : b >> 1n;
  }
  return p;
}

/** x^(8·bytes) mod P, by squaring: x^(2^k) for each set bit of 8·bytes. */
function xPow8nModP(spec: CrcSpec, bytes: number): bigint {
  let p = 1n << BigInt(spec.width - 1); // x^0
  let power = 1n << BigInt(spec.width - 2); // x^1, then x^2, x^4, …
  for (let n = BigInt(bytes) * 8n; n > 0n; n >>= 1n) {
    if (n & 1n) p = multModP(spec, power, p);
    power = multModP(spec, power, power);
  }
  return p;
}

/** The CRC of the concatenation of the parts, in order (an empty list: the CRC of no bytes, 0). */
export function combineCrcs(algorithm: CombinableAlgorithm, parts: readonly { crc: bigint; size: number }[]): bigint {
  const spec = CRC_SPECS[algorithm];
  // Parts mostly share one size: each shift is computed once per distinct size.
  const shifts = new Map<number, bigint>();
  let crc = 0n;
  for (const [i, part] of parts.entries()) {
    if (i === 0) {
      crc = part.crc;
      continue;
    }
    let shift = shifts.get(part.size);
    if (shift === undefined) shifts.set(part.size, (shift = xPow8nModP(spec, part.size)));
    crc = multModP(spec, shift, crc) ^ part.crc;
  }
  return crc;
}

/** S3's base64 (big-endian bytes) form of a CRC value, and back. */
export function crcFromBase64(value: string): bigint {
  return BigInt(`0x${Buffer.from(value, 'base64').toString('hex') || '0'}`);
}

export function crcToBase64(algorithm: CombinableAlgorithm, crc: bigint): string {
  const bytes = CRC_SPECS[algorithm].width / 8;
  return Buffer.from(crc.toString(16).padStart(bytes * 2, '0'), 'hex').toString('base64');
}
