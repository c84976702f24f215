/**
 * The SBOMs associated with package versions and their validation. Association reads the pinned
 * S3 object version at once (as AWS reads it as iot.amazonaws.com) and judges it in the
 * background (judge.ts); the status stays IN_PROGRESS for the validation time in the twin's scaled
 * time, then shows SUCCEEDED (every file valid) or FAILED with each file's result.
 */
import { ServiceError } from '../core/http';
import type { ServiceModel } from '../core/service';
import { validationError } from '../core/validate';
import type { S3Store } from '../s3/store';
import { judgeSbom, type SbomFileResult } from './judge';

export type SbomValidationStatus = 'IN_PROGRESS' | 'FAILED' | 'SUCCEEDED';

export interface SbomLocation {
  bucket: string;
  key: string;
  version?: string;
}

interface SbomRecord {
  s3Location: SbomLocation;
  /** The version's creationDate when it was associated: a version deleted and created again has no SBOM. */
  versionCreatedAt: number;
  associatedAt: number;
  /** Per file, once judged. */
  results?: SbomFileResult[];
}

export interface SbomStateJson {
  sboms: [string, SbomRecord][];
}

export type SbomView = Record<string, { s3Location: SbomLocation; status: SbomValidationStatus }>;

/**
 * How long AWS takes to validate an SBOM is not documented: assumption, 20 s, multiplied by the
 * twin's timeScale as the jobs' and devices' times are.
 */
export const SBOM_VALIDATION_SECONDS = 20;

export interface SbomValidationsOptions {
  timeScale?: number;
  now?: () => number;
  /** The package version's creationDate, or undefined when it does not exist. */
  versionCreatedAt: (packageName: string, versionName: string) => number | undefined;
}

export class SbomValidations implements ServiceModel<SbomStateJson, SbomView> {
  private readonly records = new Map<string, SbomRecord>();
  private readonly judging = new Map<string, Promise<void>>();
  private readonly now: () => number;
  private readonly validationMs: number;
  onChange: () => void = () => {};

  constructor(
    private readonly s3: S3Store,
    private readonly options: SbomValidationsOptions,
  ) {
    this.now = options.now ?? Date.now;
    this.validationMs = SBOM_VALIDATION_SECONDS * 1000 * (options.timeScale ?? 1);
  }

  /** Replaces the version's SBOM and starts its validation; the location is answered as given. */
  associate(p: string, v: string, location: SbomLocation): { sbom: { s3Location: SbomLocation }; sbomValidationStatus: SbomValidationStatus } {
    const versionCreatedAt = this.requireVersion(p, v);
    // Assumption: AWS reads the object when associating and refuses what it cannot read.
    if (!this.s3.hasBucket(location.bucket)) throw validationError('sbom.s3Location.bucket', `bucket ${location.bucket} does not exist or cannot be read`);
    const object = this.s3.findObject(location.bucket, location.key, location.version);
    if (!object) throw validationError('sbom.s3Location', `s3://${location.bucket}/${location.key}${location.version ? ` version ${location.version}` : ''} does not exist`);
    const id = `${p}/${v}`;
    const record: SbomRecord = { s3Location: location, versionCreatedAt, associatedAt: this.now() };
    this.records.set(id, record);
    this.judge(id, record, object.body);
    this.onChange();
    return { sbom: { s3Location: location }, sbomValidationStatus: 'IN_PROGRESS' };
  }

  disassociate(p: string, v: string): void {
    this.requireVersion(p, v);
    if (this.records.delete(`${p}/${v}`)) this.onChange();
  }

  /** What GetPackageVersion shows of the version's SBOM (nothing when none is associated). */
  of(p: string, v: string): { sbom: { s3Location: SbomLocation }; sbomValidationStatus: SbomValidationStatus } | undefined {
    const record = this.current(p, v);
    return record && { sbom: { s3Location: record.s3Location }, sbomValidationStatus: this.status(record) };
  }

  /** Per file, once validated; nothing while IN_PROGRESS or when no SBOM is associated. */
  results(p: string, v: string): SbomFileResult[] {
    this.requireVersion(p, v);
    const record = this.current(p, v);
    return record && this.status(record) !== 'IN_PROGRESS' ? (record.results ?? []) : [];
  }

  /** Resolves once every validation started so far has been judged (tests). */
  async idle(): Promise<void> {
    await Promise.all(this.judging.values());
  }

  private status(record: SbomRecord): SbomValidationStatus {
    if (!record.results || this.now() < record.associatedAt + this.validationMs) return 'IN_PROGRESS';
    return record.results.every((r) => r.validationResult === 'SUCCEEDED') ? 'SUCCEEDED' : 'FAILED';
  }

  private current(p: string, v: string): SbomRecord | undefined {
    const record = this.records.get(`${p}/${v}`);
    return record && record.versionCreatedAt === this.options.versionCreatedAt(p, v) ? record : undefined;
  }

  private requireVersion(p: string, v: string): number {
    const createdAt = this.options.versionCreatedAt(p, v);
    if (createdAt === undefined) throw new ServiceError(404, 'ResourceNotFoundException', `Package version ${p}/${v} does not exist`);
    return createdAt;
  }

  private judge(id: string, record: SbomRecord, body: Buffer): void {
    const run = judgeSbom(body, record.s3Location.key)
      .catch((e: Error): SbomFileResult[] => [{ fileName: record.s3Location.key, validationResult: 'FAILED', errorCode: 'INCOMPATIBLE_FORMAT', errorMessage: e.message }])
      .then((results) => {
        record.results = results;
        if (this.records.get(id) === record) this.onChange();
      })
      .finally(() => this.judging.delete(id));
    this.judging.set(id, run);
  }

  // --- state ------------------------------------------------------------------------------------

  view(): SbomView {
    return Object.fromEntries([...this.records].map(([id, r]) => [id, { s3Location: r.s3Location, status: this.status(r) }]));
  }

  exportState(): SbomStateJson {
    return { sboms: [...this.records] };
  }

  importState(state: SbomStateJson): void {
    this.records.clear();
    for (const [id, record] of state.sboms) {
      this.records.set(id, record);
      // Stopped while judging: judge the same pinned object again.
      const object = record.results ? undefined : this.s3.findObject(record.s3Location.bucket, record.s3Location.key, record.s3Location.version);
      if (object) this.judge(id, record, object.body);
    }
  }
}
