/**
 * GetObject / HeadObject as S3 answers them: `Range` (206 + Content-Range, 416 when unsatisfiable),
 * `partNumber`, If-Match / If-None-Match / If-(Un)Modified-Since, the stored checksum when asked,
 * and GetObjectAttributes.
 */
import type { Reply, RequestContext } from '../core/http';
import { header } from './body';
import { checksumHeader, checksumOf, type StoredChecksum } from './checksums';
import { s3Error, type S3ObjectVersion } from './model';
import { t, xmlReply } from './xml';

/** The object's checksum with its value (a FULL_OBJECT value is computed from the body, once). */
export async function storedChecksum(o: S3ObjectVersion): Promise<StoredChecksum> {
  const { algorithm, type, composite } = o.checksum;
  return { algorithm, type, value: composite ?? (await checksumOf(algorithm, o.body)) };
}

/** 412 / 304 as S3 decides them (If-Match before If-Unmodified-Since, If-None-Match before If-Modified-Since). */
function checkConditions(o: S3ObjectVersion, ctx: RequestContext): void {
  const ifMatch = header(ctx, 'if-match');
  const ifNoneMatch = header(ctx, 'if-none-match');
  const matches = (list: string) => list.split(',').map((s) => s.trim()).some((e) => e === '*' || e === o.etag || `"${e}"` === o.etag);
  const since = (name: string) => {
    const v = header(ctx, name);
    const ms = v === undefined ? NaN : Date.parse(v);
    return Number.isNaN(ms) ? undefined : ms;
  };
  const failed = () => s3Error(412, 'PreconditionFailed', 'At least one of the pre-conditions you specified did not hold', { Condition: ifMatch !== undefined ? 'If-Match' : 'If-Unmodified-Since' });
  if (ifMatch !== undefined) {
    if (!matches(ifMatch)) throw failed();
  } else {
    const unmodified = since('if-unmodified-since');
    if (unmodified !== undefined && Math.floor(o.lastModified / 1000) * 1000 > unmodified) throw failed();
  }
  const notModified = () => Object.assign(s3Error(304, 'NotModified', 'Not Modified'), { notModified: true });
  if (ifNoneMatch !== undefined) {
    if (matches(ifNoneMatch)) throw notModified();
  } else {
    const modified = since('if-modified-since');
    if (modified !== undefined && Math.floor(o.lastModified / 1000) * 1000 <= modified) throw notModified();
  }
}

/** The byte range a `Range` or `partNumber` selects; undefined = the whole object. */
function selectedRange(o: S3ObjectVersion, ctx: RequestContext): { start: number; end: number; part?: number } | undefined {
  const partRaw = ctx.query.get('partNumber');
  if (partRaw !== null) {
    const part = Number(partRaw);
    const sizes = o.parts?.map((p) => p.size) ?? [o.size];
    if (!Number.isInteger(part) || part < 1 || part > 10000) throw s3Error(400, 'InvalidArgument', 'Part number must be an integer between 1 and 10000, inclusive');
    if (part > sizes.length) throw s3Error(416, 'InvalidPartNumber', 'The requested partnumber is not satisfiable', { PartNumberRequested: partRaw, ActualPartCount: String(sizes.length) });
    if (!o.parts) return undefined;
    const start = sizes.slice(0, part - 1).reduce((a, b) => a + b, 0);
    return { start, end: start + sizes[part - 1]! - 1, part };
  }
  const range = header(ctx, 'range');
  // S3 serves one range; anything it cannot parse (or several ranges) is ignored: the whole object.
  const m = range && /^bytes=(\d*)-(\d*)$/.exec(range.trim());
  if (!m || (m[1] === '' && m[2] === '')) return undefined;
  let start: number;
  let end: number;
  if (m[1] === '') {
    start = Math.max(0, o.size - Number(m[2]));
    end = o.size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === '' ? o.size - 1 : Math.min(Number(m[2]), o.size - 1);
    if (m[2] !== '' && Number(m[2]) < start) return undefined;
  }
  if (start >= o.size || (m[1] === '' && Number(m[2]) === 0)) {
    throw s3Error(416, 'InvalidRange', 'The requested range is not satisfiable', { RangeRequested: range, ActualObjectSize: String(o.size) });
  }
  return { start, end };
}

/** GetObject (with body) and HeadObject (without) of a version already looked up. */
export async function readObject(o: S3ObjectVersion, ctx: RequestContext): Promise<Reply> {
  try {
    checkConditions(o, ctx);
  } catch (e) {
    if ((e as { notModified?: boolean }).notModified) return { status: 304, headers: { etag: o.etag, 'last-modified': new Date(o.lastModified).toUTCString(), 'x-amz-version-id': o.versionId } };
    throw e;
  }
  const range = selectedRange(o, ctx);
  const h: Record<string, string> = {
    'content-type': o.contentType,
    etag: o.etag,
    'last-modified': new Date(o.lastModified).toUTCString(),
    'x-amz-version-id': o.versionId,
    'x-amz-server-side-encryption': o.serverSideEncryption,
    'accept-ranges': 'bytes',
  };
  for (const [k, v] of Object.entries(o.metadata)) h[`x-amz-meta-${k}`] = v;
  if (o.parts && ctx.query.has('partNumber')) h['x-amz-mp-parts-count'] = String(o.parts.length);
  // Only when asked; a ranged read has no checksum of its own, except a part of a composite object.
  if (header(ctx, 'x-amz-checksum-mode') === 'ENABLED') {
    const c = await storedChecksum(o);
    const partChecksum = range?.part && o.checksum.type === 'COMPOSITE' ? o.parts?.[range.part - 1]?.checksum : undefined;
    const value = !range ? c.value : partChecksum;
    if (value) {
      h[checksumHeader(c.algorithm)] = value;
      h['x-amz-checksum-type'] = c.type;
    }
  }
  if (!range) return { status: 200, headers: { ...h, 'content-length': String(o.size) }, body: o.body };
  // subarray shares the stored bytes: a ranged read copies nothing.
  return {
    status: 206,
    headers: { ...h, 'content-length': String(range.end - range.start + 1), 'content-range': `bytes ${range.start}-${range.end}/${o.size}` },
    body: o.body.subarray(range.start, range.end + 1),
  };
}

const ATTRIBUTES = ['ETag', 'Checksum', 'ObjectParts', 'StorageClass', 'ObjectSize'];

/** GetObjectAttributes: only the attributes asked for in `x-amz-object-attributes`. */
export async function objectAttributes(o: S3ObjectVersion, ctx: RequestContext): Promise<Reply> {
  const asked = (header(ctx, 'x-amz-object-attributes') ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = asked.filter((a) => !ATTRIBUTES.includes(a));
  if (asked.length === 0 || unknown.length > 0) throw s3Error(400, 'InvalidArgument', `Invalid attribute name specified: ${unknown.join(', ') || '(none)'}; valid: ${ATTRIBUTES.join(', ')}`);
  const c = await storedChecksum(o);
  let inner = '';
  if (asked.includes('ETag')) inner += t('ETag', o.etag.replace(/^"|"$/g, ''));
  if (asked.includes('Checksum')) inner += `<Checksum>${t(`Checksum${c.algorithm}`, c.value)}${t('ChecksumType', c.type)}</Checksum>`;
  if (asked.includes('ObjectParts') && o.parts) {
    const max = Math.min(Number(header(ctx, 'x-amz-max-parts') ?? 1000) || 1000, 1000);
    const marker = Number(header(ctx, 'x-amz-part-number-marker') ?? 0) || 0;
    const page = o.parts.map((p, i) => ({ ...p, number: i + 1 })).filter((p) => p.number > marker).slice(0, max);
    const last = page.at(-1)?.number ?? marker;
    inner += `<ObjectParts>${t('PartsCount', o.parts.length)}${t('PartNumberMarker', marker)}${t('NextPartNumberMarker', last)}${t('MaxParts', max)}${t('IsTruncated', last < o.parts.length)}`;
    for (const p of page) inner += `<Part>${t('PartNumber', p.number)}${t('Size', p.size)}${p.checksum ? t(`Checksum${c.algorithm}`, p.checksum) : ''}</Part>`;
    inner += '</ObjectParts>';
  }
  if (asked.includes('StorageClass')) inner += t('StorageClass', 'STANDARD');
  if (asked.includes('ObjectSize')) inner += t('ObjectSize', o.size);
  return xmlReply('GetObjectAttributesResponse', inner, 200, { 'last-modified': new Date(o.lastModified).toUTCString(), 'x-amz-version-id': o.versionId });
}

