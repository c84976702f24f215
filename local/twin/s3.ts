/**
 * S3 stand-in (restXml, path-style addressing) over the twin's versioned S3Store.
 * Path-style is what the SDK picks by itself for an IP-literal endpoint such as http://127.0.0.1:port.
 */
import { createHash } from 'node:crypto';
import { ServiceError, type Protocol, type Reply, type RequestContext, type Route } from './http';
import { crc32Base64, s3Error, type S3ObjectVersion, type S3Store } from './s3-store';

const S3_NS = 'http://s3.amazonaws.com/doc/2006-03-01/';

const esc = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
/** `<tag>escaped text</tag>` */
const t = (tag: string, text: string | number | boolean) => `<${tag}>${esc(String(text))}</${tag}>`;
const iso = (ms: number) => new Date(ms).toISOString();

function xmlReply(root: string, inner: string, status = 200, headers: Record<string, string> = {}): Reply {
  const ns = root === 'Error' ? '' : ` xmlns="${S3_NS}"`;
  return {
    status,
    headers: { 'content-type': 'application/xml', ...headers },
    body: `<?xml version="1.0" encoding="UTF-8"?>\n<${root}${ns}>${inner}</${root}>`,
  };
}

/** S3 errors are XML; members named like headers (`x-amz-...`) are sent as headers instead. */
export const s3Protocol: Protocol = {
  errorReply(e) {
    const headers: Record<string, string> = {};
    let inner = t('Code', e.code) + t('Message', e.message);
    for (const [k, v] of Object.entries(e.extra)) {
      if (k.startsWith('x-amz-')) headers[k] = String(v);
      else inner += t(k, String(v));
    }
    return xmlReply('Error', inner, e.status, headers);
  },
  faultError: (kind) =>
    kind === 'throttle'
      ? new ServiceError(503, 'SlowDown', 'Please reduce your request rate. (twin fault injection)')
      : new ServiceError(500, 'InternalError', 'We encountered an internal error. Please try again. (twin fault injection)'),
};

const header = (ctx: RequestContext, name: string): string | undefined => {
  const v = ctx.headers[name];
  return Array.isArray(v) ? v[0] : v;
};

/**
 * Decodes an `aws-chunked` body (`<hex size>[;chunk-signature=..]\r\n<data>\r\n ... 0\r\n<trailers>\r\n\r\n`),
 * which the SDK sends for streaming bodies unless request checksums are WHEN_REQUIRED.
 */
export function decodeAwsChunked(buf: Buffer): { body: Buffer; trailers: Record<string, string> } {
  const bad = () => s3Error(400, 'IncompleteBody', 'Malformed aws-chunked request body');
  const parts: Buffer[] = [];
  let pos = 0;
  for (;;) {
    const lineEnd = buf.indexOf('\r\n', pos);
    if (lineEnd < 0) throw bad();
    const size = Number.parseInt(buf.toString('latin1', pos, lineEnd).split(';')[0] ?? '', 16);
    if (!Number.isFinite(size) || size < 0) throw bad();
    pos = lineEnd + 2;
    if (size === 0) break;
    if (pos + size > buf.length) throw bad();
    parts.push(buf.subarray(pos, pos + size));
    pos += size;
    if (buf.toString('latin1', pos, pos + 2) !== '\r\n') throw bad();
    pos += 2;
  }
  const trailers: Record<string, string> = {};
  for (const line of buf.toString('latin1', pos).split('\r\n')) {
    const i = line.indexOf(':');
    if (i > 0) trailers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
  }
  return { body: Buffer.concat(parts), trailers };
}

/** The request body as stored: aws-chunked framing removed, checksums and Content-MD5 verified. */
function objectBody(ctx: RequestContext): Buffer {
  let body = ctx.body;
  let trailers: Record<string, string> = {};
  const encoding = header(ctx, 'content-encoding') ?? '';
  if (encoding.includes('aws-chunked') || (header(ctx, 'x-amz-content-sha256') ?? '').startsWith('STREAMING-')) {
    ({ body, trailers } = decodeAwsChunked(body));
    const decoded = header(ctx, 'x-amz-decoded-content-length');
    if (decoded !== undefined && Number(decoded) !== body.length) {
      throw s3Error(400, 'IncompleteBody', 'You did not provide the number of bytes specified by x-amz-decoded-content-length');
    }
  }
  const checks: Record<string, (b: Buffer) => string> = {
    'x-amz-checksum-crc32': crc32Base64,
    'x-amz-checksum-sha1': (b) => createHash('sha1').update(b).digest('base64'),
    'x-amz-checksum-sha256': (b) => createHash('sha256').update(b).digest('base64'),
  };
  for (const [name, compute] of Object.entries(checks)) {
    const expected = trailers[name] ?? header(ctx, name);
    if (expected !== undefined && expected !== compute(body)) {
      throw s3Error(400, 'BadDigest', `The ${name.slice('x-amz-checksum-'.length).toUpperCase()} you specified did not match the calculated checksum.`);
    }
  }
  const md5 = header(ctx, 'content-md5');
  if (md5 !== undefined && md5 !== createHash('md5').update(body).digest('base64')) {
    throw s3Error(400, 'BadDigest', 'The Content-MD5 you specified did not match what we received.');
  }
  return body;
}

function userMetadata(ctx: RequestContext): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(ctx.headers)) {
    if (k.startsWith('x-amz-meta-') && v !== undefined) out[k.slice('x-amz-meta-'.length)] = Array.isArray(v) ? v.join(',') : v;
  }
  return out;
}

function objectHeaders(o: S3ObjectVersion, ctx: RequestContext): Record<string, string> {
  const h: Record<string, string> = {
    'content-type': o.contentType,
    'content-length': String(o.size),
    etag: o.etag,
    'last-modified': new Date(o.lastModified).toUTCString(),
    'x-amz-version-id': o.versionId,
    'x-amz-server-side-encryption': o.serverSideEncryption,
    'accept-ranges': 'bytes',
  };
  for (const [k, v] of Object.entries(o.metadata)) h[`x-amz-meta-${k}`] = v;
  // Only when asked (the SDK asks unless response checksum validation is WHEN_REQUIRED); the SDK then verifies it.
  if (header(ctx, 'x-amz-checksum-mode') === 'ENABLED') {
    h['x-amz-checksum-crc32'] = crc32Base64(o.body);
    h['x-amz-checksum-type'] = 'FULL_OBJECT';
  }
  return h;
}

/** `x-amz-copy-source`: `[/]bucket/url-encoded-key[?versionId=...]`. */
function parseCopySource(value: string): { bucket: string; key: string; versionId?: string } {
  const src = value.startsWith('/') ? value.slice(1) : value;
  const q = src.indexOf('?');
  const path = q < 0 ? src : src.slice(0, q);
  const versionId = new URLSearchParams(q < 0 ? '' : src.slice(q + 1)).get('versionId') ?? undefined;
  const slash = path.indexOf('/');
  if (slash <= 0 || slash === path.length - 1) throw s3Error(400, 'InvalidArgument', 'Copy Source must mention the source bucket and key: sourcebucket/sourcekey');
  try {
    return { bucket: decodeURIComponent(path.slice(0, slash)), key: decodeURIComponent(path.slice(slash + 1)), versionId };
  } catch {
    throw s3Error(400, 'InvalidArgument', 'Copy Source is not valid URL-encoded text');
  }
}

function maxKeys(ctx: RequestContext): number {
  const raw = ctx.query.get('max-keys');
  const n = raw === null ? 1000 : Number(raw);
  if (!Number.isInteger(n) || n < 0) throw s3Error(400, 'InvalidArgument', 'max-keys must be a non-negative integer');
  return Math.min(n, 1000);
}

function listObjectsV2(store: S3Store, ctx: RequestContext): Reply {
  const bucket = ctx.params.Bucket!;
  const prefix = ctx.query.get('prefix') ?? '';
  const delimiter = ctx.query.get('delimiter') ?? '';
  const limit = maxKeys(ctx);
  const token = ctx.query.get('continuation-token');
  // Continuation token: the last key (or common prefix) returned, so a resumed listing skips past it.
  let after = ctx.query.get('start-after') ?? '';
  let afterIsPrefix = false;
  if (token) {
    try {
      ({ after, afterIsPrefix } = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { after: string; afterIsPrefix: boolean });
    } catch {
      throw s3Error(400, 'InvalidArgument', 'The continuation token provided is incorrect');
    }
  }
  const contents: S3ObjectVersion[] = [];
  const prefixes: string[] = [];
  let truncated = false;
  let last: { after: string; afterIsPrefix: boolean } | undefined;
  for (const o of store.listObjects(bucket, prefix)) {
    if (o.key <= after || (afterIsPrefix && o.key.startsWith(after))) continue;
    const rest = o.key.slice(prefix.length);
    const cut = delimiter ? rest.indexOf(delimiter) : -1;
    const common = cut >= 0 ? prefix + rest.slice(0, cut + delimiter.length) : undefined;
    if (common && prefixes.at(-1) === common) continue;
    if (contents.length + prefixes.length >= limit) {
      truncated = true;
      break;
    }
    if (common) prefixes.push(common);
    else contents.push(o);
    last = common ? { after: common, afterIsPrefix: true } : { after: o.key, afterIsPrefix: false };
  }
  let inner = t('Name', bucket) + t('Prefix', prefix) + t('KeyCount', contents.length + prefixes.length) + t('MaxKeys', limit);
  if (delimiter) inner += t('Delimiter', delimiter);
  inner += t('IsTruncated', truncated);
  if (token) inner += t('ContinuationToken', token);
  if (truncated && last) inner += t('NextContinuationToken', Buffer.from(JSON.stringify(last)).toString('base64url'));
  for (const o of contents) {
    inner += `<Contents>${t('Key', o.key)}${t('LastModified', iso(o.lastModified))}${t('ETag', o.etag)}${t('Size', o.size)}${t('StorageClass', 'STANDARD')}</Contents>`;
  }
  for (const p of prefixes) inner += `<CommonPrefixes>${t('Prefix', p)}</CommonPrefixes>`;
  return xmlReply('ListBucketResult', inner);
}

function listObjectVersions(store: S3Store, ctx: RequestContext): Reply {
  const bucket = ctx.params.Bucket!;
  const prefix = ctx.query.get('prefix') ?? '';
  const limit = maxKeys(ctx);
  const keyMarker = ctx.query.get('key-marker') ?? '';
  const versionMarker = ctx.query.get('version-id-marker') ?? '';
  let all = store.listVersions(bucket, prefix);
  if (keyMarker) {
    const at = versionMarker ? all.findIndex(({ entry }) => entry.key === keyMarker && entry.versionId === versionMarker) : -1;
    all = at >= 0 ? all.slice(at + 1) : all.filter(({ entry }) => entry.key > keyMarker);
  }
  const page = all.slice(0, limit);
  const truncated = all.length > page.length;
  let inner = t('Name', bucket) + t('Prefix', prefix) + t('KeyMarker', keyMarker) + t('VersionIdMarker', versionMarker) + t('MaxKeys', limit) + t('IsTruncated', truncated);
  const lastEntry = page.at(-1)?.entry;
  if (truncated && lastEntry) inner += t('NextKeyMarker', lastEntry.key) + t('NextVersionIdMarker', lastEntry.versionId);
  for (const { entry: e, isLatest } of page) {
    const common = t('Key', e.key) + t('VersionId', e.versionId) + t('IsLatest', isLatest) + t('LastModified', iso(e.lastModified));
    inner +=
      e.kind === 'object'
        ? `<Version>${common}${t('ETag', e.etag)}${t('Size', e.size)}${t('StorageClass', 'STANDARD')}</Version>`
        : `<DeleteMarker>${common}</DeleteMarker>`;
  }
  return xmlReply('ListVersionsResult', inner);
}

function putObject(store: S3Store, ctx: RequestContext): Reply {
  const { Bucket: bucket, Key: key } = ctx.params as { Bucket: string; Key: string };
  const body = objectBody(ctx);
  // Conditional write (If-None-Match: *): only when the key has no current object.
  if (header(ctx, 'if-none-match') === '*' && store.findObject(bucket, key)) {
    throw s3Error(412, 'PreconditionFailed', 'At least one of the pre-conditions you specified did not hold', { Condition: 'If-None-Match' });
  }
  const o = store.putObject(bucket, key, body, {
    contentType: header(ctx, 'content-type'),
    metadata: userMetadata(ctx),
    serverSideEncryption: header(ctx, 'x-amz-server-side-encryption'),
  });
  return {
    status: 200,
    headers: { etag: o.etag, 'x-amz-version-id': o.versionId, 'x-amz-server-side-encryption': o.serverSideEncryption, 'x-amz-checksum-crc32': crc32Base64(o.body) },
  };
}

function copyObject(store: S3Store, ctx: RequestContext): Reply {
  const { Bucket: bucket, Key: key } = ctx.params as { Bucket: string; Key: string };
  const src = parseCopySource(header(ctx, 'x-amz-copy-source') ?? '');
  const replace = header(ctx, 'x-amz-metadata-directive') === 'REPLACE';
  const sse = header(ctx, 'x-amz-server-side-encryption');
  if (src.bucket === bucket && src.key === key && !src.versionId && !replace && !sse) {
    throw s3Error(400, 'InvalidRequest', "This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes.");
  }
  const { source, created } = store.copyObject(src, { bucket, key }, {
    replaceMetadata: replace ? { contentType: header(ctx, 'content-type'), metadata: userMetadata(ctx) } : undefined,
    serverSideEncryption: sse,
  });
  return xmlReply('CopyObjectResult', t('LastModified', iso(created.lastModified)) + t('ETag', created.etag), 200, {
    'x-amz-version-id': created.versionId,
    'x-amz-copy-source-version-id': source.versionId,
    'x-amz-server-side-encryption': created.serverSideEncryption,
  });
}

function deleteObject(store: S3Store, ctx: RequestContext): Reply {
  const { Bucket: bucket, Key: key } = ctx.params as { Bucket: string; Key: string };
  const result = store.deleteObject(bucket, key, ctx.query.get('versionId') ?? undefined);
  const headers: Record<string, string> = {};
  if (result.versionId) headers['x-amz-version-id'] = result.versionId;
  if (result.deleteMarker) headers['x-amz-delete-marker'] = 'true';
  return { status: 204, headers };
}

const has = (name: string) => (ctx: RequestContext) => ctx.query.has(name);

export function s3Routes(store: S3Store): Route[] {
  const key = (ctx: RequestContext) => [ctx.params.Bucket!, ctx.params.Key!] as const;
  const versionId = (ctx: RequestContext) => ctx.query.get('versionId') ?? undefined;
  const bucketOp = (ctx: RequestContext, reply: () => Reply): Reply => {
    store.requireBucket(ctx.params.Bucket!);
    return reply();
  };
  return [
    {
      method: 'GET', path: '/', operation: 'ListBuckets',
      handle: () =>
        xmlReply('ListAllMyBucketsResult', `<Buckets>${store.listBuckets().map((b) => `<Bucket>${t('Name', b.name)}${t('CreationDate', iso(b.createdAt))}</Bucket>`).join('')}</Buckets>`),
    },
    // Every twin bucket is versioned; PutBucketVersioning is accepted and changes nothing.
    { method: 'PUT', path: '/{Bucket}', operation: 'PutBucketVersioning', when: has('versioning'), handle: (ctx) => bucketOp(ctx, () => ({ status: 200 })) },
    { method: 'GET', path: '/{Bucket}', operation: 'GetBucketVersioning', when: has('versioning'), handle: (ctx) => bucketOp(ctx, () => xmlReply('VersioningConfiguration', t('Status', 'Enabled'))) },
    {
      method: 'PUT', path: '/{Bucket}', operation: 'CreateBucket',
      handle: (ctx) => {
        store.createBucket(ctx.params.Bucket!);
        return { status: 200, headers: { location: `/${ctx.params.Bucket}` } };
      },
    },
    { method: 'HEAD', path: '/{Bucket}', operation: 'HeadBucket', handle: (ctx) => bucketOp(ctx, () => ({ status: 200 })) },
    {
      method: 'DELETE', path: '/{Bucket}', operation: 'DeleteBucket',
      handle: (ctx) => {
        store.deleteBucket(ctx.params.Bucket!);
        return { status: 204 };
      },
    },
    { method: 'GET', path: '/{Bucket}', operation: 'ListObjectVersions', when: has('versions'), handle: (ctx) => listObjectVersions(store, ctx) },
    { method: 'GET', path: '/{Bucket}', operation: 'ListObjectsV2', when: (ctx) => ctx.query.get('list-type') === '2', handle: (ctx) => listObjectsV2(store, ctx) },
    { method: 'PUT', path: '/{Bucket}/{Key+}', operation: 'CopyObject', when: (ctx) => header(ctx, 'x-amz-copy-source') !== undefined, handle: (ctx) => copyObject(store, ctx) },
    { method: 'PUT', path: '/{Bucket}/{Key+}', operation: 'PutObject', handle: (ctx) => putObject(store, ctx) },
    {
      method: 'GET', path: '/{Bucket}/{Key+}', operation: 'GetObject',
      handle: (ctx) => {
        const o = store.getObject(...key(ctx), versionId(ctx));
        return { status: 200, headers: objectHeaders(o, ctx), body: o.body };
      },
    },
    // HEAD replies carry no body, so a missing object is just a 404 status (the SDK reports NotFound).
    { method: 'HEAD', path: '/{Bucket}/{Key+}', operation: 'HeadObject', handle: (ctx) => ({ status: 200, headers: objectHeaders(store.getObject(...key(ctx), versionId(ctx)), ctx) }) },
    { method: 'DELETE', path: '/{Bucket}/{Key+}', operation: 'DeleteObject', handle: (ctx) => deleteObject(store, ctx) },
  ];
}
