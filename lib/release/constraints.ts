/**
 * The one place for every API constraint the project enforces, copied from the official
 * Smithy models (`shared/aws-models/iot-packages.smithy.json`, `opensearch-packages.smithy.json`).
 * The release validation, the local twin's stand-ins and the tests all read these values;
 * nothing reads the models at run time (a user's clone does not have them).
 */

export interface StringConstraint {
  /** Model shape name, used in error messages so a person can look it up. */
  readonly shape: string;
  readonly min: number;
  readonly max: number;
  readonly pattern?: RegExp;
}

/** IoT Software Package Catalog (service `iot`, REST-JSON). */
export const IOT = {
  packageName: { shape: 'PackageName', min: 1, max: 128, pattern: /^[a-zA-Z0-9-_.]+$/ },
  versionName: { shape: 'VersionName', min: 1, max: 64, pattern: /^[a-zA-Z0-9-_.]+$/ },
  /** `^\S{36,64}$` — 36 to 64 characters, none of them whitespace. */
  clientToken: { shape: 'ClientToken', min: 36, max: 64, pattern: /^\S{36,64}$/ },
  /**
   * What pkgrelease accepts from a caller: IoT's length, but only letters, digits and `_ . : -` with
   * at least 16 letters or digits. `\S` alone lets in NUL, punctuation-only tokens and lookalikes
   * that the OpenSearch commit message cannot carry back unambiguously.
   */
  releaseClientToken: { shape: 'ClientToken', min: 36, max: 64, pattern: /^(?=(?:[^a-zA-Z0-9]*[a-zA-Z0-9]){16})[a-zA-Z0-9_.:-]{36,64}$/ },
  /** `^[^\p{C}]+$`: no control (or other "C" category) characters. The pattern needs ≥1 char. */
  description: { shape: 'ResourceDescription', min: 0, max: 1024, pattern: /^[^\p{C}]+$/u },
  recipe: { shape: 'PackageVersionRecipe', min: 0, max: 3072 },
  attributeKey: { shape: 'ResourceAttributeKey', min: 1, max: Number.MAX_SAFE_INTEGER, pattern: /^[a-zA-Z0-9:_-]+$/ },
  attributeValue: { shape: 'ResourceAttributeValue', min: 1, max: Number.MAX_SAFE_INTEGER, pattern: /^[^\p{C}]+$/u },
  /** "The combined size of all the attributes on a package version is limited to 3KB." */
  attributesMaxBytes: 3072,
  tagKey: { shape: 'TagKey', min: 1, max: 128, pattern: /^([\p{L}\p{Z}\p{N}_.:/=+\-@]*)$/u },
  tagValue: { shape: 'TagValue', min: 0, max: 256 },
  tagCount: { min: 1, max: 50 },
  listMaxResults: { min: 1, max: 100 },
  /** PackageVersionArtifact.s3Location members (`S3Bucket`, `S3Key`: length ≥ 1). */
  s3Bucket: { shape: 'S3Bucket', min: 1, max: Number.MAX_SAFE_INTEGER },
  s3Key: { shape: 'S3Key', min: 1, max: Number.MAX_SAFE_INTEGER },
  versionStatuses: ['DRAFT', 'PUBLISHED', 'DEPRECATED'] as const,
  versionActions: ['PUBLISH', 'DEPRECATE'] as const,
} as const satisfies Record<string, unknown>;

/** Amazon OpenSearch Service custom packages (service `es`, REST-JSON under /2021-01-01). */
export const OPENSEARCH = {
  packageName: { shape: 'PackageName', min: 3, max: 256, pattern: /^[a-z][a-z0-9-]+$/ },
  packageId: { shape: 'PackageID', min: 1, max: 256, pattern: /^([FG][0-9]+)$|^(pkg-[a-f0-9]+)$/ },
  commitMessage: { shape: 'CommitMessage', min: 0, max: 160 },
  packageDescription: { shape: 'PackageDescription', min: 0, max: 1024 },
  s3BucketName: { shape: 'S3BucketName', min: 3, max: 63 },
  s3Key: { shape: 'S3Key', min: 1, max: 1024 },
  domainName: { shape: 'DomainName', min: 3, max: 28, pattern: /^[a-z][a-z0-9-]+$/ },
  /** A domain ARN (IAM reference, "Amazon OpenSearch Service resource types"): region, account, name. */
  domainArn: { shape: 'DomainArn', min: 1, max: 2048, pattern: /^arn:aws[a-z-]*:es:([a-z0-9-]+):(\d{12}):domain\/(.+)$/ },
  /** Only for ZIP-PLUGIN packages. */
  engineVersion: {
    shape: 'EngineVersion',
    min: 0,
    max: Number.MAX_SAFE_INTEGER,
    pattern: /^Elasticsearch_[0-9]{1}\.[0-9]{1,2}$|^OpenSearch_[0-9]{1,2}\.[0-9]{1,2}$/,
  },
  filterValue: { shape: 'DescribePackagesFilterValue', min: 1, max: Number.MAX_SAFE_INTEGER, pattern: /^[0-9a-zA-Z*._\\/?-]+$/ },
  maxResults: { min: 0, max: 100 },
  packageTypes: ['TXT-DICTIONARY', 'ZIP-PLUGIN', 'PACKAGE-LICENSE', 'PACKAGE-CONFIG'] as const,
  filterNames: ['PackageID', 'PackageName', 'PackageStatus', 'PackageType', 'EngineVersion', 'PackageOwner'] as const,
  /** Statuses in which an update is still being processed: the package is busy. */
  busyStatuses: ['COPYING', 'VALIDATING', 'DELETING'] as const,
  failedStatuses: ['COPY_FAILED', 'VALIDATION_FAILED', 'DELETE_FAILED'] as const,
} as const satisfies Record<string, unknown>;

/** AWS Step Functions execution names (StartExecution `name`). */
export const STEP_FUNCTIONS = {
  executionName: {
    shape: 'Name',
    min: 1,
    max: 80,
    // No whitespace, none of < > { } [ ] ? * " # % \ ^ | ~ ` $ & , ; : /, no control characters.
    pattern: /^[^\s<>{}[\]?*"#%\\^|~`$&,;:/\p{Cc}]+$/u,
  },
} as const;

/** Returns what is wrong with `value` against `c`, or undefined when it fits. */
export function checkString(value: string, c: StringConstraint): string | undefined {
  const length = [...value].length;
  if (length < c.min) return `must be at least ${c.min} characters (${c.shape}), got ${length}`;
  if (length > c.max) return `must be at most ${c.max} characters (${c.shape}), got ${length}`;
  if (c.pattern && length > 0 && !c.pattern.test(value)) return `must match ${c.pattern.source} (${c.shape})`;
  return undefined;
}

/** Size IoT counts against the 3 KB attribute limit: UTF-8 bytes of every key and value. */
export function attributesByteSize(attributes: Record<string, string>): number {
  let bytes = 0;
  for (const [k, v] of Object.entries(attributes)) bytes += Buffer.byteLength(k) + Buffer.byteLength(v);
  return bytes;
}
