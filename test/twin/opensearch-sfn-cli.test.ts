import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalSession } from '../../local/session';
import { type AwsCliResult, awsCliBatch } from '../support/aws-cli';

/**
 * The twin's OpenSearch domains and the local Step Functions as the real AWS CLI v1 sees them.
 * Every command runs in one python process (awsCliBatch), in beforeAll; the tests read the results.
 */
let session: LocalSession;
let results: AwsCliResult[];
let startExecutionCalls: { succeeded: number; failed: number } | undefined;

const COMMANDS = {
  describeDomain: ['opensearch', 'describe-domain', '--domain-name', 'search-prod'],
  describeUnknown: ['opensearch', 'describe-domain', '--domain-name', 'no-such-domain'],
  describeDomains: ['opensearch', 'describe-domains', '--domain-names', 'search-prod', 'search-eu', 'no-such-domain'],
  listDomainNames: ['opensearch', 'list-domain-names'],
  listOpenSearchOnly: ['opensearch', 'list-domain-names', '--engine-type', 'OpenSearch'],
  packagesPage1: ['opensearch', 'list-packages-for-domain', '--domain-name', 'search-prod', '--max-results', '1'],
  describeStateMachine: ['stepfunctions', 'describe-state-machine', '--state-machine-arn', '<arn>'],
  badInput: ['stepfunctions', 'start-execution', '--state-machine-arn', '<arn>', '--input', '{not json'],
} as const;
type Case = keyof typeof COMMANDS;
const result = (c: Case) => results[Object.keys(COMMANDS).indexOf(c)]!;

beforeAll(async () => {
  session = await LocalSession.start({ config: { packages: { 'edge-agent': { opensearchPackage: 'edge-agent-dict' } } }, timeScale: 0.002, opensearchTiming: { copyingMs: 5, validatingMs: 5 } });
  await session.createOpenSearchPackage('edge-agent-dict', 'TXT-DICTIONARY', 'initial\n');
  await session.createOpenSearchPackage('synonyms-dict', 'TXT-DICTIONARY', 'a, b\n');
  await session.createDomain({ name: 'search-prod', packages: ['edge-agent-dict', 'synonyms-dict'] });
  await session.createDomain({ name: 'search-eu', engineVersion: 'Elasticsearch_7.10' });
  const arn = session.engine.stateMachineArn;
  const endpoints = { ...session.twin.endpoints, stepfunctions: session.sfnEndpoint };
  const commands = Object.values(COMMANDS).map((args) => args.map((a) => (a === '<arn>' ? arn : a)));
  // Standard retry mode with its default 3 attempts: a retryable answer would be sent 3 times.
  results = await awsCliBatch(commands, { endpoints, env: { AWS_MAX_ATTEMPTS: '3' } });
  startExecutionCalls = session.report().calls['states:StartExecution'];
  // The second page, with the token the first one returned.
  const token = (result('packagesPage1').json as { NextToken?: string } | undefined)?.NextToken ?? 'none';
  results.push(...(await awsCliBatch([['opensearch', 'list-packages-for-domain', '--domain-name', 'search-prod', '--max-results', '1', '--next-token', token]], { endpoints })));
}, 120_000);
afterAll(async () => {
  await session?.close();
});

describe('OpenSearch domains with the AWS CLI v1', () => {
  it('aws opensearch describe-domain: the DomainStatus (id, name, ARN, engine, cluster), exit 0', () => {
    const r = result('describeDomain');
    expect(r.code, r.stderr).toBe(0);
    expect(r.json).toMatchObject({
      DomainStatus: { DomainId: `${session.twin.accountId}/search-prod`, DomainName: 'search-prod', ARN: expect.stringMatching(/^arn:aws:es:us-east-1:\d{12}:domain\/search-prod$/), EngineVersion: expect.stringMatching(/^OpenSearch_/), Processing: false, ClusterConfig: { InstanceCount: 1 } },
    });
  });

  it('describe-domain of an unknown domain: ResourceNotFoundException naming it, exit 255 (CLI v1)', () => {
    const r = result('describeUnknown');
    expect(r.code).toBe(255);
    expect(r.stderr).toMatch(/\(ResourceNotFoundException\) when calling the DescribeDomain operation.*no-such-domain/);
  });

  it('describe-domains: the two that exist, the unknown name left out', () => {
    const r = result('describeDomains');
    expect(r.code, r.stderr).toBe(0);
    expect((r.json as { DomainStatusList: { DomainName: string }[] }).DomainStatusList.map((d) => d.DomainName)).toEqual(['search-prod', 'search-eu']);
  });

  it('list-domain-names: every domain with its engine type; --engine-type OpenSearch only those', () => {
    expect(result('listDomainNames').json).toEqual({
      DomainNames: [
        { DomainName: 'search-prod', EngineType: 'OpenSearch' },
        { DomainName: 'search-eu', EngineType: 'Elasticsearch' },
      ],
    });
    expect(result('listOpenSearchOnly').json).toEqual({ DomainNames: [{ DomainName: 'search-prod', EngineType: 'OpenSearch' }] });
  });

  it('list-packages-for-domain --max-results 1 on a domain with two packages: one package and a NextToken; --next-token: the other, no token', () => {
    const page1 = result('packagesPage1').json as { DomainPackageDetailsList: { PackageName: string }[]; NextToken?: string };
    const page2 = results.at(-1)!.json as { DomainPackageDetailsList: { PackageName: string }[]; NextToken?: string };
    expect(page1.DomainPackageDetailsList).toHaveLength(1);
    expect(page1.NextToken).toBeTruthy();
    expect(page2.DomainPackageDetailsList).toHaveLength(1);
    expect(page2.NextToken).toBeUndefined();
    expect([...page1.DomainPackageDetailsList, ...page2.DomainPackageDetailsList].map((p) => p.PackageName).sort()).toEqual(['edge-agent-dict', 'synonyms-dict']);
  });
});

describe('the local Step Functions with the AWS CLI v1', () => {
  it('aws stepfunctions describe-state-machine: the machine, ACTIVE, STANDARD, with its definition', () => {
    const r = result('describeStateMachine');
    expect(r.code, r.stderr).toBe(0);
    const json = r.json as { stateMachineArn: string; status: string; type: string; definition: string };
    expect([json.stateMachineArn, json.status, json.type]).toEqual([session.engine.stateMachineArn, 'ACTIVE', 'STANDARD']);
    expect(JSON.parse(json.definition)).toHaveProperty('States');
  });

  it("start-execution --input '{not json': 400 InvalidExecutionInput, sent once (not retried), no execution", () => {
    const r = result('badInput');
    expect(r.code).toBe(255);
    expect(r.stderr).toMatch(/\(InvalidExecutionInput\) when calling the StartExecution operation/);
    expect(r.stderr).not.toMatch(/reached max retries: [1-9]/);
    expect(startExecutionCalls).toEqual({ succeeded: 0, failed: 1 });
    expect(session.engine.list()).toEqual([]);
  });
});
