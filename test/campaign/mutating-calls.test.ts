/**
 * The one list of mutating calls (local/campaign/invariants.ts) against the calls a release makes
 * (lib/clients, one AWS call per helper): a write added there and missing here would go uncounted by
 * the campaign and unchecked by the e2e "nothing ran twice" tests.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MUTATING_CALLS } from '../../local/campaign/invariants';
import { MUTATING } from '../e2e/harness';

/** The release's clients, by the service prefix the twin counts calls under. */
const CLIENTS = { iot: ['iot.ts', 'iot-sbom.ts', 'iot-jobs.ts'], es: ['opensearch.ts'], s3: ['s3.ts'] } as const;
const READ = /^(Get|List|Describe|Head)/;

const callsOf = (file: string) => [...readFileSync(new URL(`../../lib/clients/${file}`, import.meta.url), 'utf8').matchAll(/new (\w+)Command\(/g)].map((m) => m[1]!);

describe('mutating calls', () => {
  it('lists every write the release clients make to IoT, OpenSearch and S3, and nothing else', () => {
    const writes = Object.entries(CLIENTS).flatMap(([service, files]) => files.flatMap(callsOf).filter((op) => !READ.test(op)).map((op) => `${service}:${op}`));
    expect(writes.length).toBeGreaterThan(0);
    expect([...new Set(writes)].sort()).toEqual([...MUTATING_CALLS].sort());
  });

  it('is the same list in the e2e harness', () => {
    expect(MUTATING).toBe(MUTATING_CALLS);
  });
});
