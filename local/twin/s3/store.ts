/**
 * The twin's S3 data: versioned buckets, objects with user metadata, delete markers. The HTTP
 * API (api.ts), the OpenSearch twin (which imports from it) and the CLI all use this store.
 * Every bucket behaves as if versioning were Enabled: each write gets a new version id.
 */
import { createHash } from 'node:crypto';
import { ServiceError } from '../core/http';
import { Prng, deriveSeed } from '../core/faults';
import { type ChecksumAlgorithm, DEFAULT_ALGORITHM } from './checksums';
import {
  type ObjectCreatedEvent,
  type ObjectCreatedListener,
  type PutOptions,
  type S3DeleteMarker,
  type S3Entry,
  type S3ObjectVersion,
  type S3StateJson,
  s3Error,
  sha256,
} from './model';

interface Bucket {
  name: string;
  createdAt: number;
  /** Per key, oldest first. */
  keys: Map<string, S3Entry[]>;
}

const VERSION_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._';

export class S3Store {
  private readonly buckets = new Map<string, Bucket>();
  private readonly listeners = new Set<ObjectCreatedListener>();
  private readonly prng: Prng;
  /** Called after every change (the state directory persists then). */
  onChange: () => void = () => {};

  constructor(
    seed: number,
    private readonly now: () => number = Date.now,
  ) {
    this.prng = new Prng(deriveSeed(seed, 's3'));
  }

  createBucket(name: string): void {
    if (this.buckets.has(name)) {
      // Assumption: 409 BucketAlreadyOwnedByYou everywhere (us-east-1 answers 200 for legacy reasons).
      throw s3Error(409, 'BucketAlreadyOwnedByYou', 'Your previous request to create the named bucket succeeded and you already own it.', { BucketName: name });
    }
    if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(name) || name.includes('..')) {
      throw s3Error(400, 'InvalidBucketName', 'The specified bucket is not valid.', { BucketName: name });
    }
    this.buckets.set(name, { name, createdAt: this.now(), keys: new Map() });
    this.onChange();
  }

  /** Convenience for direct (non-HTTP) use: create the bucket unless it exists. */
  ensureBucket(name: string): void {
    if (!this.buckets.has(name)) this.createBucket(name);
  }

  /** Throws NoSuchBucket (404) unless the bucket exists. */
  requireBucket(name: string): void {
    this.bucket(name);
  }

  hasBucket(name: string): boolean {
    return this.buckets.has(name);
  }

  listBuckets(): { name: string; createdAt: number }[] {
    return [...this.buckets.values()].map(({ name, createdAt }) => ({ name, createdAt })).sort((a, b) => a.name.localeCompare(b.name));
  }

  deleteBucket(name: string): void {
    const bucket = this.bucket(name);
    if (bucket.keys.size > 0) throw s3Error(409, 'BucketNotEmpty', 'The bucket you tried to delete is not empty', { BucketName: name });
    this.buckets.delete(name);
    this.onChange();
  }

  putObject(bucketName: string, key: string, body: Buffer | string, opts: PutOptions = {}): S3ObjectVersion {
    const bucket = this.bucket(bucketName);
    const data = typeof body === 'string' ? Buffer.from(body) : body;
    const version: S3ObjectVersion = {
      kind: 'object',
      key,
      versionId: this.newVersionId(),
      body: data,
      etag: opts.multipart?.etag ?? `"${createHash('md5').update(data).digest('hex')}"`,
      checksum: opts.multipart?.checksum ?? { algorithm: opts.checksumAlgorithm ?? DEFAULT_ALGORITHM, type: 'FULL_OBJECT' },
      ...(opts.multipart && { parts: opts.multipart.parts }),
      size: data.length,
      contentType: opts.contentType ?? 'application/octet-stream',
      metadata: { ...(opts.metadata ?? {}) },
      serverSideEncryption: opts.serverSideEncryption ?? 'AES256',
      lastModified: this.now(),
    };
    this.append(bucket, version);
    this.emitCreated(bucketName, version);
    return version;
  }

  /** The latest version (or the given one). Throws the S3 error GetObject would return. */
  getObject(bucketName: string, key: string, versionId?: string): S3ObjectVersion {
    const entry = this.getEntry(bucketName, key, versionId);
    if (entry.kind === 'deleteMarker') {
      if (versionId) throw s3Error(405, 'MethodNotAllowed', 'The specified method is not allowed against this resource.', { 'x-amz-delete-marker': 'true' });
      throw s3Error(404, 'NoSuchKey', 'The specified key does not exist.', { Key: key, 'x-amz-delete-marker': 'true' });
    }
    return entry;
  }

  /** Like getObject, but undefined instead of an error. */
  findObject(bucketName: string, key: string, versionId?: string): S3ObjectVersion | undefined {
    try {
      return this.getObject(bucketName, key, versionId);
    } catch (e) {
      if (e instanceof ServiceError) return undefined;
      throw e;
    }
  }

  /** The object as it was at `time` (epoch ms): what a service reading the key at that moment saw. */
  objectAt(bucketName: string, key: string, time: number): S3ObjectVersion | undefined {
    const entries = this.buckets.get(bucketName)?.keys.get(key) ?? [];
    const entry = entries.filter((e) => e.lastModified <= time).at(-1);
    return entry?.kind === 'object' ? entry : undefined;
  }

  copyObject(
    src: { bucket: string; key: string; versionId?: string },
    dst: { bucket: string; key: string },
    opts: { replaceMetadata?: PutOptions; serverSideEncryption?: string; checksumAlgorithm?: ChecksumAlgorithm } = {},
  ): { source: S3ObjectVersion; created: S3ObjectVersion } {
    const source = this.getObject(src.bucket, src.key, src.versionId);
    this.bucket(dst.bucket);
    const meta = opts.replaceMetadata ?? { contentType: source.contentType, metadata: { ...source.metadata } };
    // A copy is one part: a composite checksum cannot carry over, a full-object algorithm does.
    const keep = source.checksum.type === 'FULL_OBJECT' ? source.checksum.algorithm : undefined;
    const created = this.putObject(dst.bucket, dst.key, source.body, {
      ...meta,
      serverSideEncryption: opts.serverSideEncryption ?? source.serverSideEncryption,
      checksumAlgorithm: opts.checksumAlgorithm ?? keep,
    });
    return { source, created };
  }

  /** Without a version id: adds a delete marker. With one: removes that version for good. */
  deleteObject(bucketName: string, key: string, versionId?: string): { versionId?: string; deleteMarker: boolean } {
    const bucket = this.bucket(bucketName);
    const entries = bucket.keys.get(key) ?? [];
    if (versionId) {
      const index = entries.findIndex((e) => e.versionId === versionId);
      if (index < 0) return { versionId, deleteMarker: false }; // S3 answers 204 for a missing version
      const [removed] = entries.splice(index, 1);
      if (entries.length === 0) bucket.keys.delete(key);
      this.onChange();
      return { versionId, deleteMarker: removed?.kind === 'deleteMarker' };
    }
    const marker: S3DeleteMarker = { kind: 'deleteMarker', key, versionId: this.newVersionId(), lastModified: this.now() };
    this.append(bucket, marker);
    return { versionId: marker.versionId, deleteMarker: true };
  }

  /** Current (non-deleted) objects whose key starts with `prefix`, in key order. */
  listObjects(bucketName: string, prefix = ''): S3ObjectVersion[] {
    const bucket = this.bucket(bucketName);
    const out: S3ObjectVersion[] = [];
    for (const [key, entries] of bucket.keys) {
      const latest = entries.at(-1);
      if (key.startsWith(prefix) && latest?.kind === 'object') out.push(latest);
    }
    return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  /** Every version and delete marker under `prefix`: keys ascending, newest version first. */
  listVersions(bucketName: string, prefix = ''): { entry: S3Entry; isLatest: boolean }[] {
    const bucket = this.bucket(bucketName);
    const keys = [...bucket.keys.keys()].filter((k) => k.startsWith(prefix)).sort();
    return keys.flatMap((key) => {
      const entries = [...(bucket.keys.get(key) ?? [])].reverse();
      return entries.map((entry, i) => ({ entry, isLatest: i === 0 }));
    });
  }

  /** Fires after every PutObject / CopyObject / CompleteMultipartUpload (HTTP or direct). Returns an unsubscribe function. */
  onObjectCreated(listener: ObjectCreatedListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  exportState(): { state: S3StateJson; bodies: Map<string, Buffer> } {
    const bodies = new Map<string, Buffer>();
    const buckets = [...this.buckets.values()].map((b) => ({
      name: b.name,
      createdAt: b.createdAt,
      entries: [...b.keys.values()].flat().map((e) => {
        if (e.kind === 'deleteMarker') return e;
        const { body, ...rest } = e;
        const hash = sha256(body);
        bodies.set(hash, body);
        return { ...rest, sha256: hash };
      }),
    }));
    return { state: { prngState: this.prng.state, buckets }, bodies };
  }

  importState(state: S3StateJson, readBody: (sha256: string) => Buffer): void {
    this.buckets.clear();
    this.prng.state = state.prngState;
    for (const b of state.buckets) {
      const bucket: Bucket = { name: b.name, createdAt: b.createdAt, keys: new Map() };
      for (const e of b.entries) {
        let entry: S3Entry;
        if (e.kind === 'deleteMarker') entry = e;
        else {
          const { sha256: hash, ...rest } = e;
          // State written before objects carried checksums: S3's default for them.
          entry = { ...rest, checksum: (rest as Partial<typeof rest>).checksum ?? { algorithm: DEFAULT_ALGORITHM, type: 'FULL_OBJECT' }, body: readBody(hash) };
        }
        const list = bucket.keys.get(entry.key) ?? [];
        list.push(entry);
        bucket.keys.set(entry.key, list);
      }
      this.buckets.set(b.name, bucket);
    }
  }

  private bucket(name: string): Bucket {
    const bucket = this.buckets.get(name);
    if (!bucket) throw s3Error(404, 'NoSuchBucket', 'The specified bucket does not exist', { BucketName: name });
    return bucket;
  }

  private getEntry(bucketName: string, key: string, versionId?: string): S3Entry {
    const entries = this.bucket(bucketName).keys.get(key) ?? [];
    if (versionId) {
      const entry = entries.find((e) => e.versionId === versionId);
      if (!entry) throw s3Error(404, 'NoSuchVersion', 'The specified version does not exist.', { Key: key, VersionId: versionId });
      return entry;
    }
    const latest = entries.at(-1);
    if (!latest) throw s3Error(404, 'NoSuchKey', 'The specified key does not exist.', { Key: key });
    return latest;
  }

  private append(bucket: Bucket, entry: S3Entry): void {
    const list = bucket.keys.get(entry.key) ?? [];
    list.push(entry);
    bucket.keys.set(entry.key, list);
    this.onChange();
  }

  /** Random-looking like real ids (32 characters), but drawn from the seeded PRNG. */
  private newVersionId(): string {
    return this.prng.string(32, VERSION_ALPHABET);
  }

  private emitCreated(bucket: string, v: S3ObjectVersion): void {
    const event: ObjectCreatedEvent = { bucket, key: v.key, versionId: v.versionId, etag: v.etag, size: v.size, metadata: { ...v.metadata } };
    for (const listener of this.listeners) {
      try {
        const result = listener(event);
        if (result instanceof Promise) result.catch((err) => console.error('[twin s3] onObjectCreated listener failed', err));
      } catch (err) {
        console.error('[twin s3] onObjectCreated listener failed', err);
      }
    }
  }
}
