/**
 * ApplyToDomains and CheckDomains against the twin's OpenSearch domains (real SDK over HTTP):
 * which domains, convergence by looking, version order, failures and their redrive.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CreatePackageCommand, DescribePackagesCommand, type OpenSearchClient, UpdatePackageCommand } from '@aws-sdk/client-opensearch';
import { startTwin, type Twin } from '../../local/twin';
import { DomainAssociationFailed, DomainBusy, DomainConfigInvalid, DomainNotReady, DomainsPending, DomainsPendingBlueGreen } from '../../lib/release/errors';
import { commitMessage, deriveClientToken } from '../../lib/release/identity';
import type { ReleaseRequest } from '../../lib/release/request';
import { applyToDomains, type ApplyToDomainsInput, type ApplyToDomainsResult } from '../../lib/release/steps/apply-to-domains';
import { checkDomains } from '../../lib/release/steps/check-domains';
import { release } from '../fixtures/release';
import { clients, failure, sleep } from '../twin/helpers';

/** Long enough that the first CheckDomains right after ApplyToDomains sees ASSOCIATING, even on a busy machine. */
const ASSOCIATING_MS = 250;
const ENGINE = 'OpenSearch_2.13';
const BUCKET = 'domain-steps';
const where = { region: 'us-east-1', accountId: '000000000000' };
const noLease = async () => undefined;

let twin: Twin;
let os: OpenSearchClient;
let n = 0;

beforeAll(async () => {
  twin = await startTwin({ seed: 9, opensearchTiming: { copyingMs: 5, validatingMs: 5, associatingMs: ASSOCIATING_MS } });
  os = clients(twin).os;
  twin.s3.createBucket(BUCKET);
  twin.s3.putObject(BUCKET, 'content.txt', 'synonyms\n');
});
afterAll(async () => {
  os.destroy();
  await twin.close();
});
beforeEach(() => twin.setFaults([]));

interface Fixture {
  packageId: string;
  packageName: string;
  domains: string[];
  /** UpdatePackage with this release's CommitMessage, then AVAILABLE. */
  publish(r: ReleaseRequest): Promise<void>;
  input(r: ReleaseRequest, domains?: ApplyToDomainsInput['domains']): ApplyToDomainsInput;
}

const releaseOf = (versionName: string): ReleaseRequest => {
  const artifact = { bucket: BUCKET, key: `releases/edge-agent/${versionName}/agent.zip`, version: `v-${versionName}`, etag: 'e' };
  return release({ versionName, artifact, clientToken: deriveClientToken(artifact) });
};

/** A package (v1, no release) and `domainCount` fresh domains running v1. */
async function fixture(domainCount = 2): Promise<Fixture> {
  n++;
  const packageName = `dict-steps-${n}`;
  const { PackageDetails } = await os.send(new CreatePackageCommand({ PackageName: packageName, PackageType: 'TXT-DICTIONARY', PackageSource: { S3BucketName: BUCKET, S3Key: 'content.txt' } }));
  const packageId = PackageDetails!.PackageID!;
  await available(packageId);
  const domains = Array.from({ length: domainCount }, (_, i) => `d${n}-${i}`);
  for (const d of domains) twin.createDomain({ name: d, engineVersion: ENGINE }, [packageName]);
  return {
    packageId,
    packageName,
    domains,
    publish: async (r) => {
      await os.send(new UpdatePackageCommand({ PackageID: packageId, PackageSource: { S3BucketName: BUCKET, S3Key: 'content.txt' }, CommitMessage: commitMessage(r.packageName, r.versionName, r.clientToken) }));
      await available(packageId);
    },
    input: (r, selection = 'associated') => ({ release: r, update: { packageId, packageName }, domains: selection, where }),
  };
}

async function available(id: string): Promise<void> {
  for (;;) {
    const out = await os.send(new DescribePackagesCommand({ Filters: [{ Name: 'PackageID', Value: [id] }] }));
    if (out.PackageDetailsList?.[0]?.PackageStatus === 'AVAILABLE') return;
    await sleep(2);
  }
}

/** Every AssociatePackage request, answered or refused. */
const associateCalls = () => {
  const c = twin.calls()['es:AssociatePackage'];
  return (c?.succeeded ?? 0) + (c?.failed ?? 0);
};
const runs = (domain: string, packageName: string) => twin.catalog().domains[domain]!.packages[packageName]!.runs;

/** Polls CheckDomains like the state machine's Retry does, until it returns or throws something else. */
async function checkUntilDone(f: Fixture, r: ReleaseRequest, apply: ApplyToDomainsResult, runStartedAt = apply.startedAt) {
  for (;;) {
    try {
      return await checkDomains({ release: r, update: { packageId: f.packageId, packageName: f.packageName }, apply, runStartedAt, waitMinutes: 1 }, os, noLease);
    } catch (e) {
      if (!(e instanceof DomainsPending)) throw e;
      await sleep(10);
    }
  }
}

describe('ApplyToDomains → CheckDomains', () => {
  it('"associated": rolls the release out to every associated domain; CheckDomains polls until ACTIVE', async () => {
    const f = await fixture(2);
    const r = releaseOf('1.2.0');
    await f.publish(r);
    const apply = await applyToDomains(f.input(r), os, noLease);
    expect(apply.selection).toBe('associated');
    expect(apply.domains.map((d) => [d.domainName, d.outcome, d.status, d.packageVersion, d.release])).toEqual(
      f.domains.map((d) => [d, 'associated', 'ASSOCIATING', 'v2', '1.2.0']),
    );
    const pending = await failure(checkDomains({ release: r, update: f.input(r).update, apply, runStartedAt: apply.startedAt, waitMinutes: 1 }, os, noLease));
    expect(pending).toBeInstanceOf(DomainsPending);
    expect(pending.message).toContain(`${f.domains[0]} ASSOCIATING v2 (1.2.0)`);
    // A ZIP-PLUGIN package's domains run blue/green deployments: the wait has a name (and backoff) of its own.
    const blueGreen = await failure(checkDomains({ release: r, update: f.input(r).update, apply: { ...apply, packageType: 'ZIP-PLUGIN' }, runStartedAt: apply.startedAt, waitMinutes: 1 }, os, noLease));
    expect(blueGreen).toBeInstanceOf(DomainsPendingBlueGreen);
    expect(blueGreen.name).toBe('DomainsPendingBlueGreen');

    const done = await checkUntilDone(f, r, apply);
    expect(done.domains.map((d) => [d.domainName, d.outcome, d.status, d.release])).toEqual(f.domains.map((d) => [d, 'active', 'ACTIVE', '1.2.0']));
    for (const d of f.domains) expect(runs(d, f.packageName)).toBe('v2');
  });

  it('a re-run makes no association call: every domain already runs this release', async () => {
    const f = await fixture(2);
    const r = releaseOf('1.2.0');
    await f.publish(r);
    await checkUntilDone(f, r, await applyToDomains(f.input(r), os, noLease));
    const before = associateCalls();
    const again = await applyToDomains(f.input(r), os, noLease);
    expect(again.domains.map((d) => d.outcome)).toEqual(['already-active', 'already-active']);
    await checkUntilDone(f, r, again);
    expect(associateCalls()).toBe(before);
  });

  it('an older release never re-associates a domain that runs a newer release', async () => {
    const f = await fixture(1);
    const older = releaseOf('1.2.0');
    const newer = releaseOf('1.10.0');
    await f.publish(older);
    await f.publish(newer);
    await checkUntilDone(f, newer, await applyToDomains(f.input(newer), os, noLease));
    const before = associateCalls();
    const late = await applyToDomains(f.input(older), os, noLease);
    expect(late.domains).toEqual([expect.objectContaining({ outcome: 'already-active', packageVersion: 'v3', release: '1.10.0' })]);
    await checkUntilDone(f, older, late);
    expect(associateCalls()).toBe(before);
    expect(twin.catalog().domains[f.domains[0]!]!.timeline.map((t) => t.version)).toEqual(['v1', 'v3']);
  });

  it('after a rollback a barred release changes no domain, and the head re-associates a domain still on the barred one', async () => {
    const f = await fixture(1);
    const [head, bad] = [releaseOf('1.0.0'), releaseOf('1.1.0')];
    await f.publish(head);
    await f.publish(bad);
    const appliedBad = await applyToDomains(f.input(bad), os, noLease);
    await checkUntilDone(f, bad, appliedBad);
    const rolledBack = { epoch: 1, head: '1.0.0', barredThrough: '1.1.0', token: 'rb-1' };
    const before = associateCalls();
    // The bad release redriven after the rollback: nothing to do, and it says whose head won.
    const barred = await applyToDomains({ ...f.input(bad), rolledBack }, os, noLease);
    expect(barred).toMatchObject({ domains: [], rolledBackTo: '1.0.0' });
    // A redrive resuming at CheckDomains with the result ApplyToDomains gave before the rollback.
    const checked = await checkDomains({ release: bad, update: f.input(bad).update, apply: appliedBad, runStartedAt: Date.now(), waitMinutes: 1, rolledBack }, os, noLease);
    expect(checked).toMatchObject({ domains: [], rolledBackTo: '1.0.0' });
    expect(associateCalls()).toBe(before);
    // The rollback's import serves 1.0.0 again as v4. Without the head, 1.1.0 on the domain counts as newer…
    await f.publish(head);
    expect((await applyToDomains(f.input(head), os, noLease)).domains.map((d) => d.outcome)).toEqual(['already-active']);
    // …with it, the barred commit is never newer: the domain is associated with what the package serves.
    const applied = await applyToDomains({ ...f.input(head), rolledBack }, os, noLease);
    expect(applied.domains).toEqual([expect.objectContaining({ outcome: 'associated', packageVersion: 'v4', release: '1.0.0' })]);
    await checkUntilDone(f, head, applied);
    expect(runs(f.domains[0]!, f.packageName)).toBe('v4');
  });

  it('the package type carried from CheckOpenSearch is used: no DescribePackages of its own', async () => {
    const f = await fixture(1);
    const r = releaseOf('1.2.0');
    await f.publish(r);
    twin.resetCalls();
    const input = f.input(r);
    const apply = await applyToDomains({ ...input, update: { ...input.update, packageType: 'TXT-DICTIONARY' } }, os, noLease);
    expect(apply.packageType).toBe('TXT-DICTIONARY');
    expect(apply.domains.map((d) => d.outcome)).toEqual(['associated']);
    expect(twin.calls()['es:DescribePackages']).toBeUndefined();
  });

  it('without a carried package type (state written by older code, or a result with no look), it is read once', async () => {
    const f = await fixture(1);
    const r = releaseOf('1.2.0');
    await f.publish(r);
    twin.resetCalls();
    const apply = await applyToDomains(f.input(r), os, noLease);
    expect(apply.packageType).toBe('TXT-DICTIONARY');
    expect(twin.calls()['es:DescribePackages']).toEqual({ succeeded: 1, failed: 0 });
  });

  it('"none" changes nothing and calls nothing', async () => {
    const f = await fixture(1);
    const r = releaseOf('1.2.0');
    await f.publish(r);
    twin.resetCalls();
    expect((await applyToDomains(f.input(r, 'none'), os, noLease)).domains).toEqual([]);
    expect(twin.calls()).toEqual({});
    expect(runs(f.domains[0]!, f.packageName)).toBe('v1');
  });
});

describe('an explicit list of domains', () => {
  it('associates a listed domain that is not associated yet, and leaves unlisted domains alone', async () => {
    const f = await fixture(1);
    const fresh = `d${n}-new`;
    twin.createDomain({ name: fresh, engineVersion: ENGINE });
    const r = releaseOf('1.2.0');
    await f.publish(r);
    const apply = await applyToDomains(f.input(r, [`arn:aws:es:us-east-1:000000000000:domain/${fresh}`]), os, noLease);
    expect(apply.domains).toEqual([expect.objectContaining({ domainName: fresh, outcome: 'associated' })]);
    await checkUntilDone(f, r, apply);
    expect(runs(fresh, f.packageName)).toBe('v2');
    expect(runs(f.domains[0]!, f.packageName)).toBe('v1');
  });

  it.each([
    ['an unknown domain', (f: Fixture) => [f.domains[0]!, 'no-such-domain'], 'do not exist in us-east-1: no-such-domain'],
    ['a domain of another region', (f: Fixture) => [f.domains[0]!, `arn:aws:es:eu-west-1:000000000000:domain/${f.domains[0]}`], 'a domain in eu-west-1'],
    ['a domain of another account', (f: Fixture) => [`arn:aws:es:us-east-1:111111111111:domain/${f.domains[0]}`], 'account 111111111111'],
  ])('%s → DomainConfigInvalid before any domain changes', async (_, list, message) => {
    const f = await fixture(1);
    const r = releaseOf('1.2.0');
    await f.publish(r);
    const before = associateCalls();
    const e = await failure(applyToDomains(f.input(r, list(f)), os, noLease));
    expect(e).toBeInstanceOf(DomainConfigInvalid);
    expect(e.message).toContain(message);
    expect(associateCalls()).toBe(before);
  });
});

describe('failures', () => {
  it('ASSOCIATION_FAILED → DomainAssociationFailed (domain, version, ErrorDetails, the partial rollout); a redrive associates only the failed domain', async () => {
    const f = await fixture(2);
    const r = releaseOf('1.2.0');
    await f.publish(r);
    twin.setFaults([{ operation: 'es:AssociatePackage', kind: 'associationFailed', times: 1 }]);
    const apply = await applyToDomains(f.input(r), os, noLease);
    const e = await waitForError(f, r, apply);
    expect(e).toBeInstanceOf(DomainAssociationFailed);
    expect(e).toMatchObject({ domainName: f.domains[0], packageVersion: 'v2', errorDetails: { ErrorType: 'PACKAGE_ASSOCIATION_FAILED' } });
    expect((e as Error).message).toContain(`${f.domains[1]} ACTIVE v2 (1.2.0)`);

    // Redrive: a new run of CheckDomains, after the fault cleared.
    twin.setFaults([]);
    const before = associateCalls();
    const done = await checkUntilDone(f, r, apply, Date.now());
    expect(done.domains.map((d) => d.outcome)).toEqual(['active', 'active']);
    expect(associateCalls()).toBe(before + 1);
    for (const d of f.domains) expect(runs(d, f.packageName)).toBe('v2');
  });

  it('a domain busy with another package operation → DomainBusy, after the other domains were started', async () => {
    const f = await fixture(2);
    const other = await fixture(0);
    twin.createDomain({ name: `d${n}-other`, engineVersion: ENGINE });
    const r = releaseOf('1.2.0');
    await f.publish(r);
    // Another package is being associated with the first domain right now.
    await applyToDomains({ ...other.input(releaseOf('9.9.9'), [f.domains[0]!]) }, os, noLease);
    const e = await failure(applyToDomains(f.input(r), os, noLease));
    expect(e).toBeInstanceOf(DomainBusy);
    expect(e.message).toContain(f.domains[0]);
    expect(twin.catalog().domains[f.domains[1]!]!.packages[f.packageName]).toMatchObject({ status: 'ASSOCIATING', pending: 'v2' });
  });

  it('DomainNotReady when the poll budget of this run is spent', async () => {
    const f = await fixture(1);
    const r = releaseOf('1.2.0');
    await f.publish(r);
    const apply = await applyToDomains(f.input(r), os, noLease);
    const e = await failure(checkDomains({ release: r, update: f.input(r).update, apply, runStartedAt: apply.startedAt, waitMinutes: 5 }, os, noLease, () => apply.startedAt + 5 * 60_000));
    expect(e).toBeInstanceOf(DomainNotReady);
    expect(e.message).toContain('after 5 minutes');
    // In the local engine's minutes (timeScale 0.01): the same budget lasts 3 s of wall time.
    const scaled = { release: r, update: f.input(r).update, apply, runStartedAt: apply.startedAt, waitMinutes: 5, timeScale: 0.01 };
    await expect(checkDomains(scaled, os, noLease, () => apply.startedAt + 2_999)).rejects.toBeInstanceOf(DomainsPending);
    await expect(checkDomains(scaled, os, noLease, () => apply.startedAt + 3_000)).rejects.toBeInstanceOf(DomainNotReady);
  });

  it('no association without the lease', async () => {
    const f = await fixture(1);
    const r = releaseOf('1.2.0');
    await f.publish(r);
    const before = associateCalls();
    const lost = async () => {
      throw new Error('lease lost');
    };
    await expect(applyToDomains(f.input(r), os, lost)).rejects.toThrow('lease lost');
    expect(associateCalls()).toBe(before);
  });
});

async function waitForError(f: Fixture, r: ReleaseRequest, apply: ApplyToDomainsResult): Promise<unknown> {
  try {
    await checkUntilDone(f, r, apply);
  } catch (e) {
    return e;
  }
  throw new Error('expected CheckDomains to fail');
}
