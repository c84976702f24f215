/**
 * What one local run's JSON report says about a release on AWS: outcomes, state transitions and
 * Lambda invocations per release, the pipeline's AWS calls per release, mutating vs reads, and
 * apart from them the DynamoDB calls of the idempotency records and OpenSearch package leases.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Calls the scenario runner makes to set the twin up (uploads, OpenSearch packages): not the pipeline's. */
const SETUP_CALLS = new Set(['s3:PutObject', 'es:CreatePackage']);
/** The trigger's StartExecution: the entry point, not a step of the release (shown, not totalled). */
const ENTRY_CALLS = /^states:/;
const READ = /^[a-z0-9]+:(Get|Describe|List|Head)/;
/** The table behind Powertools idempotency and the leases: the pipeline's own bookkeeping, counted apart. */
const STORE_CALLS = /^dynamodb:/;
const STORE_READ = /^dynamodb:(Get|BatchGet|Query|Scan|Describe|List)/;

/** Why each read the pipeline makes is needed (shown next to its count). */
export const READ_REASONS = {
  's3:HeadObject': 'Prepare pins the S3 object version and reads its metadata',
  'iot:GetPackage': 'the current default version (never move it backwards)',
  'iot:GetPackageVersion': 'converge: is the version already there / PUBLISHED?',
  'iot:ListPackageVersions': 'the newest PUBLISHED version for the if-newer default policy',
  'es:DescribePackages': 'resolve the OpenSearch package by name; poll its import status',
  'es:GetPackageVersionHistory': 'converge: is this release (or a newer one) already imported?',
  'dynamodb:GetItem': 'UpdateOpenSearch and ApplyToDomains look at the OpenSearch package lease before taking it or waiting (consistent read)',
  'dynamodb:PutItem': 'Powertools: the in-progress record of each idempotent invocation',
  'dynamodb:UpdateItem': 'Powertools: the completed record; the lease: acquire, renew before each mutating call, release, what the package serves',
  'dynamodb:DeleteItem': 'Powertools: the in-progress record of an invocation that failed, so a retry can run',
};

function taskStates(root) {
  const asl = JSON.parse(readFileSync(join(root, 'statemachines/release.asl.json'), 'utf8'));
  return new Set(Object.entries(asl.States).filter(([, s]) => s.Type === 'Task').map(([name]) => name));
}

export function reportFigures(root, report, releases) {
  const tasks = taskStates(root);
  const statuses = {};
  let transitions = 0;
  let invocations = 0;
  for (const e of report.executions) {
    statuses[e.status] = (statuses[e.status] ?? 0) + 1;
    // Only Task states have Retry here, so every retry is a Lambda invocation too.
    const retries = Object.values(e.stateStats ?? {}).reduce((n, s) => n + s.retries, 0);
    transitions += e.states.length + retries;
    invocations += e.states.filter((s) => tasks.has(s)).length + retries;
  }
  // The trigger Lambda runs once per S3 event.
  invocations += releases;
  const perOperation = {};
  let mutating = 0;
  let reads = 0;
  let storeWrites = 0;
  let storeReads = 0;
  for (const [op, c] of Object.entries(report.calls)) {
    if (SETUP_CALLS.has(op)) continue;
    const n = c.succeeded + c.failed;
    perOperation[op] = n / releases;
    if (ENTRY_CALLS.test(op)) continue;
    if (STORE_CALLS.test(op)) {
      if (STORE_READ.test(op)) storeReads += n;
      else storeWrites += n;
    } else if (READ.test(op)) reads += n;
    else mutating += n;
  }
  return {
    succeeded: statuses.SUCCEEDED ?? 0,
    statuses,
    transitionsPerRelease: transitions / releases,
    invocationsPerRelease: invocations / releases,
    mutatingPerRelease: mutating / releases,
    readsPerRelease: reads / releases,
    storeWritesPerRelease: storeWrites / releases,
    storeReadsPerRelease: storeReads / releases,
    perOperation,
  };
}
