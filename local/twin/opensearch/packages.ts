/**
 * OpenSearch custom-package state: packages, their asynchronous import (COPYING → VALIDATING →
 * AVAILABLE, or COPY_FAILED / VALIDATION_FAILED) and version history. Domains and their
 * associations live in opensearch-domains.ts.
 *
 * Status is computed lazily from timestamps whenever the state is looked at, never by timers:
 * nothing to clean up on close, and a test that waits `copyingMs + validatingMs` sees AVAILABLE.
 * The copy reads the twin S3 object *as it was at copy time* (startedAt + copyingMs), so a later
 * upload to the same key does not leak into an earlier import.
 */
import { createHash } from 'node:crypto';
import type { OPENSEARCH } from '../../../lib/release/constraints';
import { Prng, deriveSeed } from '../core/faults';
import type { ServiceModel } from '../core/service';
import type { S3Store } from '../s3/store';

export type PackageType = (typeof OPENSEARCH.packageTypes)[number];
export type PackageStatus = 'COPYING' | 'VALIDATING' | 'AVAILABLE' | 'COPY_FAILED' | 'VALIDATION_FAILED';
type SettledStatus = 'AVAILABLE' | 'COPY_FAILED' | 'VALIDATION_FAILED';

export interface ErrorDetails {
  ErrorType: string;
  ErrorMessage: string;
}

export interface OpenSearchTiming {
  copyingMs: number;
  validatingMs: number;
  /** ASSOCIATING → ACTIVE (and DISSOCIATING → gone); defaults to copyingMs + validatingMs. */
  associatingMs?: number;
  /** The same for ZIP-PLUGIN packages (a blue/green deployment on AWS); defaults to 5 × associatingMs. */
  pluginAssociatingMs?: number;
  /** Each import and association takes its duration × a factor drawn from [1 − jitter, 1 + jitter] (default 0: exact). */
  jitter?: number;
}

/** The duration factor of one operation: uniform in [1 − jitter, 1 + jitter], from a seeded stream (1 without jitter, drawing nothing). */
export function durationFactor(timing: OpenSearchTiming, prng: Prng): number {
  const jitter = timing.jitter ?? 0;
  return jitter ? 1 + jitter * (2 * prng.next() - 1) : 1;
}

export const DEFAULT_TIMING: OpenSearchTiming = { copyingMs: 20, validatingMs: 20 };

interface PendingImport {
  version: string;
  startedAt: number;
  source: { bucket: string; key: string };
  /** This import's duration factor (OpenSearchTiming.jitter). */
  factor?: number;
  /** Decided at copy time, revealed at copy time (COPY_FAILED) or after validation. */
  outcome?: { status: SettledStatus; errorDetails?: ErrorDetails };
}

export interface HistoryEntry {
  version: string;
  commitMessage?: string;
  createdAt: number;
  /** Which bytes this import read (known once the copy ran): what the package serves when it is AVAILABLE. */
  source?: ImportedSource;
}

export interface ImportedSource {
  bucket: string;
  key: string;
  versionId?: string;
  sha256?: string;
}

/** A moment the package started serving a version (AvailablePackageVersion changed). */
export interface ServedEntry {
  version: string;
  at: number;
}

export interface OsPackage {
  id: string;
  name: string;
  type: PackageType;
  description?: string;
  engineVersion?: string;
  configuration?: unknown;
  encryption?: unknown;
  createdAt: number;
  lastUpdatedAt: number;
  availableVersion?: string;
  /** Status once no import is pending. */
  settled: SettledStatus;
  errorDetails?: ErrorDetails;
  /** Newest last. */
  history: HistoryEntry[];
  /** Every change of AvailablePackageVersion, oldest first: the campaign checks it never goes back. */
  servedLog?: ServedEntry[];
  pending?: PendingImport;
}

export interface OpenSearchStateJson {
  prngState: number;
  packages: OsPackage[];
}

/** AWS issues both forms: `F` + digits (older packages) and `pkg-` + hex (newer ones). */
export type PackageIdForm = 'F' | 'pkg';

const ZIP_MAGIC = Buffer.from([0x50, 0x4b, 0x03, 0x04]);

/** Whether the bytes fit the package type. Assumption: license / config packages accept any bytes. */
function validateContent(type: PackageType, body: Buffer): ErrorDetails | undefined {
  if (type === 'TXT-DICTIONARY') {
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(body);
    } catch {
      return { ErrorType: 'INVALID_PACKAGE_CONTENT', ErrorMessage: 'TXT-DICTIONARY package is not valid UTF-8 text' };
    }
    if (body.includes(0)) return { ErrorType: 'INVALID_PACKAGE_CONTENT', ErrorMessage: 'TXT-DICTIONARY package contains NUL bytes' };
  }
  if (type === 'ZIP-PLUGIN' && !body.subarray(0, 4).equals(ZIP_MAGIC)) {
    return { ErrorType: 'INVALID_PACKAGE_CONTENT', ErrorMessage: 'ZIP-PLUGIN package is not a zip archive' };
  }
  return undefined;
}

/** Per package: its status, the version it serves, every version imported and every one it served. */
export interface OpenSearchPackagesView {
  [packageName: string]: {
    id: string;
    status: PackageStatus;
    availableVersion: string | null;
    history: { version: string; commitMessage: string | null; createdAt: string; source: ImportedSource | null }[];
    /** Every version the package started serving, in order (AvailablePackageVersion changes). */
    served: { version: string; at: string }[];
    errorDetails?: { ErrorType: string; ErrorMessage: string };
  };
}

export class OpenSearchPackages implements ServiceModel<OpenSearchStateJson, OpenSearchPackagesView> {
  private readonly packages = new Map<string, OsPackage>();
  private readonly prng: Prng;
  onChange: () => void = () => {};

  constructor(
    private readonly s3: S3Store,
    private readonly timing: OpenSearchTiming,
    seed: number,
    private readonly now: () => number = Date.now,
    private readonly idForm: PackageIdForm = 'F',
  ) {
    this.prng = new Prng(deriveSeed(seed, 'opensearch'));
  }

  /** The duration factor of an import or a domain operation (OpenSearchTiming.jitter). */
  durationFactor(): number {
    return durationFactor(this.timing, this.prng);
  }

  get(id: string): OsPackage | undefined {
    const pkg = this.packages.get(id);
    if (pkg) this.settle(pkg);
    return pkg;
  }

  byName(name: string): OsPackage | undefined {
    return [...this.packages.values()].find((p) => p.name === name);
  }

  all(): OsPackage[] {
    const list = [...this.packages.values()];
    for (const pkg of list) this.settle(pkg);
    return list;
  }

  /** Current status, settling a finished import first. */
  status(pkg: OsPackage): PackageStatus {
    return this.settle(pkg);
  }

  create(input: Pick<OsPackage, 'name' | 'type' | 'description' | 'engineVersion' | 'configuration' | 'encryption'>, source: PendingImport['source']): OsPackage {
    const now = this.now();
    const pkg: OsPackage = { ...input, id: this.newId(), createdAt: now, lastUpdatedAt: now, settled: 'AVAILABLE', history: [] };
    this.packages.set(pkg.id, pkg);
    this.startImport(pkg, source, undefined);
    return pkg;
  }

  /**
   * Starts a new import. Assumption (not documented by AWS): the history entry `vN` is appended
   * now, at UpdatePackage time with CreatedAt = now, whether or not the import later succeeds;
   * AvailablePackageVersion only moves when it does.
   */
  update(pkg: OsPackage, source: PendingImport['source'], changes: { description?: string; commitMessage?: string; configuration?: unknown; encryption?: unknown }): void {
    if (changes.description !== undefined) pkg.description = changes.description;
    if (changes.configuration !== undefined) pkg.configuration = changes.configuration;
    if (changes.encryption !== undefined) pkg.encryption = changes.encryption;
    pkg.lastUpdatedAt = this.now();
    this.startImport(pkg, source, changes.commitMessage);
  }

  delete(pkg: OsPackage): void {
    this.packages.delete(pkg.id);
    this.onChange();
  }

  view(): OpenSearchPackagesView {
    const iso = (ms: number) => new Date(ms).toISOString();
    return Object.fromEntries(
      this.all().map((p) => [
        p.name,
        {
          id: p.id,
          status: this.status(p),
          availableVersion: p.availableVersion ?? null,
          history: p.history.map((h) => ({ version: h.version, commitMessage: h.commitMessage ?? null, createdAt: iso(h.createdAt), source: h.source ?? null })),
          served: (p.servedLog ?? []).map((e) => ({ version: e.version, at: iso(e.at) })),
          ...(p.errorDetails && !p.pending && { errorDetails: { ...p.errorDetails } }),
        },
      ]),
    );
  }

  exportState(): OpenSearchStateJson {
    return { prngState: this.prng.state, packages: [...this.packages.values()] };
  }

  importState(state: OpenSearchStateJson): void {
    this.prng.state = state.prngState;
    this.packages.clear();
    for (const p of state.packages) this.packages.set(p.id, p);
  }

  private startImport(pkg: OsPackage, source: PendingImport['source'], commitMessage: string | undefined): void {
    const now = this.now();
    const version = `v${pkg.history.length + 1}`;
    pkg.history.push(commitMessage === undefined ? { version, createdAt: now } : { version, commitMessage, createdAt: now });
    const factor = this.durationFactor();
    pkg.pending = { version, startedAt: now, source, ...(factor !== 1 && { factor }) };
    this.settle(pkg); // with copyingMs 0 the copy happens right away
    this.onChange();
  }

  private settle(pkg: OsPackage): PackageStatus {
    const job = pkg.pending;
    if (!job) return pkg.settled;
    const now = this.now();
    const copyAt = job.startedAt + this.timing.copyingMs * (job.factor ?? 1);
    const validatingMs = this.timing.validatingMs * (job.factor ?? 1);
    if (now < copyAt) return 'COPYING';
    if (!job.outcome) {
      const { outcome, source } = this.copy(pkg.type, job.source, copyAt);
      job.outcome = outcome;
      const entry = pkg.history.find((h) => h.version === job.version);
      if (entry && source) entry.source = source;
    }
    // A failed copy shows at once; content problems only after the validation phase.
    if (job.outcome.status !== 'COPY_FAILED' && now < copyAt + validatingMs) return 'VALIDATING';
    pkg.settled = job.outcome.status;
    pkg.errorDetails = job.outcome.errorDetails;
    if (job.outcome.status === 'AVAILABLE') {
      pkg.availableVersion = job.version;
      (pkg.servedLog ??= []).push({ version: job.version, at: copyAt + validatingMs });
    }
    pkg.pending = undefined;
    this.onChange();
    return pkg.settled;
  }

  private copy(type: PackageType, source: PendingImport['source'], at: number): { outcome: NonNullable<PendingImport['outcome']>; source?: ImportedSource } {
    const where = `s3://${source.bucket}/${source.key}`;
    const object = this.s3.hasBucket(source.bucket) ? this.s3.objectAt(source.bucket, source.key, at) : undefined;
    if (!object) return { outcome: { status: 'COPY_FAILED', errorDetails: { ErrorType: 'S3_OBJECT_NOT_FOUND', ErrorMessage: `The S3 object ${where} does not exist` } } };
    const imported = { ...source, versionId: object.versionId, sha256: createHash('sha256').update(object.body).digest('hex') };
    // The custom-packages docs: OpenSearch cannot import objects encrypted with SSE-KMS.
    if (object.serverSideEncryption === 'aws:kms') {
      return { outcome: { status: 'COPY_FAILED', errorDetails: { ErrorType: 'S3_ACCESS_DENIED', ErrorMessage: `The S3 object ${where} is encrypted with SSE-KMS, which OpenSearch cannot read` } }, source: imported };
    }
    const problem = validateContent(type, object.body);
    return { outcome: problem ? { status: 'VALIDATION_FAILED', errorDetails: problem } : { status: 'AVAILABLE' }, source: imported };
  }

  /** `F` + 9 digits or `pkg-` + 20 hex digits, like real custom package ids, drawn from the seeded PRNG. */
  private newId(): string {
    for (;;) {
      const id = this.idForm === 'F' ? `F${this.prng.string(9, '0123456789')}` : `pkg-${this.prng.string(20, '0123456789abcdef')}`;
      if (!this.packages.has(id)) return id;
    }
  }
}
