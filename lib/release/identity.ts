import { createHash } from 'node:crypto';
import { IOT, OPENSEARCH, STEP_FUNCTIONS } from './constraints';

/**
 * Deterministic identities derived from the artifact: the same artifact always yields the same
 * clientToken, execution name and OpenSearch commit message, which is what makes retries,
 * duplicate events and redrives converge instead of creating things twice.
 */

export interface ArtifactIdentity {
  bucket: string;
  key: string;
  /** S3 version id; absent only for unversioned buckets, where the ETag pins the bytes instead. */
  version?: string;
  etag?: string;
}

/** 64 hex chars (sha256): inside IoT's 36–64 non-whitespace ClientToken constraint. */
export function deriveClientToken(artifact: ArtifactIdentity): string {
  const pin = artifact.version ? `version:${artifact.version}` : `etag:${normaliseEtag(artifact.etag ?? '')}`;
  const token = sha256(['pkgrelease/v1', artifact.bucket, artifact.key, pin].join('\n'));
  return token.slice(0, IOT.clientToken.max);
}

/** A token for a different request made on behalf of the same release (e.g. another default version). */
export function deriveSubToken(clientToken: string, purpose: string): string {
  return sha256(`${clientToken}\n${purpose}`).slice(0, IOT.clientToken.max);
}

/**
 * 16 hex chars that tell releases apart in commit messages and execution names: a derived token's
 * own first 16 (it is already a hash), a caller-chosen token's hash, so that the short form is never
 * empty and always identifies the token it came from.
 */
export function shortToken(clientToken: string): string {
  return (DERIVED_TOKEN.test(clientToken) ? clientToken : sha256(`pkgrelease/short\n${clientToken}`)).slice(0, 16);
}
const DERIVED_TOKEN = /^[0-9a-f]{64}$/;

export function normaliseEtag(etag: string): string {
  return etag.replace(/^"|"$/g, '');
}

/**
 * Execution name: `<package>-<version>-<token16>`, cut to 80 chars by shortening the package part,
 * and characters Step Functions forbids replaced by `_`. Deterministic, so a duplicate
 * S3 event maps to the same name and StartExecution answers ExecutionAlreadyExists.
 */
export function executionName(packageName: string, versionName: string, clientToken: string): string {
  const clean = (s: string) => s.replace(/[^0-9A-Za-z._@=+-]/g, '_');
  const tail = `-${clean(versionName)}-${shortToken(clientToken)}`;
  const room = STEP_FUNCTIONS.executionName.max - tail.length;
  return `${clean(packageName).slice(0, Math.max(1, room))}${tail}`.slice(0, STEP_FUNCTIONS.executionName.max);
}

/**
 * OpenSearch's package API has no idempotency token, so the release identity lives in the
 * CommitMessage (≤160 chars): `pkgrelease v=<version> t=<token16> p=<package, cut to fit>`.
 */
export function commitMessage(packageName: string, versionName: string, clientToken: string): string {
  const head = commitHead(versionName, shortToken(clientToken));
  return head + packageName.slice(0, OPENSEARCH.commitMessage.max - head.length);
}

export interface CommitIdentity {
  versionName: string;
  token: string;
  /** As written: possibly cut short, so compare with `isCommitOf`. */
  packageName: string;
  /** Who rolled the package back to this version, on a rollback's re-import. */
  rollbackBy?: string;
}

/**
 * A rollback's re-import of `versionName`: a release's commit (so every look at the package reads
 * which version it serves) that also says it is a rollback and by whom:
 * `pkgrelease v=<version> t=<token16> p=<package, cut to fit> rollback-by=<who>`.
 */
export function rollbackCommitMessage(packageName: string, versionName: string, rollbackToken: string, by: string): string {
  const who = by.replace(/[^0-9A-Za-z@._:+=-]/g, '_').slice(0, 48) || 'unknown';
  const head = commitHead(versionName, shortToken(rollbackToken));
  const tail = ` rollback-by=${who}`;
  return head + packageName.slice(0, Math.max(0, OPENSEARCH.commitMessage.max - head.length - tail.length)) + tail;
}

export function parseCommitMessage(message: string | undefined): CommitIdentity | undefined {
  const m = /^pkgrelease v=(\S+) t=(\S+) p=(\S*)(?: rollback-by=(\S+))?$/.exec(message ?? '');
  return m ? { versionName: m[1]!, token: m[2]!, packageName: m[3]!, ...(m[4] && { rollbackBy: m[4] }) } : undefined;
}

/** Whether a parsed commit was written for a release of `packageName` (any version). */
export function isCommitOf(commit: CommitIdentity, packageName: string): boolean {
  const head = commitHead(commit.versionName, commit.token);
  const full = packageName.slice(0, OPENSEARCH.commitMessage.max - head.length);
  // A rollback's commit cuts the package name shorter, to make room for who rolled back.
  return commit.rollbackBy ? commit.packageName.length > 0 && full.startsWith(commit.packageName) : commit.packageName === full;
}

function commitHead(versionName: string, token16: string): string {
  return `pkgrelease v=${versionName} t=${token16} p=`;
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
