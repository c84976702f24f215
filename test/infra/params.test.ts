/**
 * Packaging with the deploy-time params set, as a production stage would: a long stage name, X-Ray
 * on, and the principals allowed to publish. (The default packaging is test/infra/template.test.ts.)
 */
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILDS_PREFIX, RELEASES_PREFIX } from '../../lib/release/key-convention';
import { SBOMS_PREFIX } from '../../lib/release/sbom/source';
import { packageService, type Packaged } from './packaged';
import type { JsonObject } from './project';

const require = createRequire(import.meta.url);
const { artifactBucketName } = require('../../config/artifact-bucket-name.cjs') as { artifactBucketName(service: string, stage: string, region: string): { 'Fn::Sub': string } };
const { releasePrincipals } = require('../../config/release-principals.cjs') as { releasePrincipals(text: string): string[] };

const STAGE = 'release-candidate-integration-eu';
const PRINCIPALS = ['arn:aws:iam::123456789012:role/ci-release', 'arn:aws:iam::123456789012:role/oncall-*'];
const APPROVERS = ['arn:aws:iam::123456789012:role/release-approvers'];
/** The longest region names: the bucket name must fit with any of them. */
const LONGEST_REGION = 'ap-southeast-2';
const bucketNameIn = (sub: { 'Fn::Sub': string }, region: string) => sub['Fn::Sub'].replace('${AWS::AccountId}', '123456789012').replace('${AWS::Region}', region);

let packaged: Packaged;
beforeAll(async () => {
  packaged = await packageService({ stage: STAGE, params: { tracing: 'Active', releasePrincipals: PRINCIPALS.join(', '), approvalSubscribers: APPROVERS.join(',') } });
}, 120_000);
afterAll(() => packaged?.dispose());

describe('who may publish: param releasePrincipals', () => {
  it('denies s3:PutObject under every prefix a release takes its artifact from (releases/, builds/) or its SBOM (sboms/) to every principal not listed, in the bucket policy', () => {
    const { template } = packaged;
    const statements = (template.Resources.ArtifactBucketPolicy!.Properties.PolicyDocument as JsonObject).Statement as JsonObject[];
    const conditional = statements.find((s) => 'Fn::If' in s)!['Fn::If'] as [string, JsonObject, JsonObject];
    expect(conditional[0]).toBe('RestrictReleasePrincipals');
    expect(conditional[1]).toEqual({
      Sid: 'OnlyReleasePrincipalsPublish',
      Effect: 'Deny',
      Principal: '*',
      Action: 's3:PutObject',
      Resource: [RELEASES_PREFIX, BUILDS_PREFIX, SBOMS_PREFIX].map((prefix) => ({ 'Fn::Sub': `\${ArtifactBucket.Arn}/${prefix}*` })),
      Condition: { ArnNotLike: { 'aws:PrincipalArn': PRINCIPALS } },
    });
    // The condition holds: the param is not empty.
    expect(template.Conditions?.RestrictReleasePrincipals).toEqual({ 'Fn::Not': [{ 'Fn::Equals': [PRINCIPALS.join(', '), ''] }] });
  });

  it('grants no other path to a release in the operator policy: uploads, StartExecution, RedriveExecution and attaching an SBOM for the listed principals only', () => {
    const statements = (packaged.template.Resources.ReleaseOperatorPolicy!.Properties.PolicyDocument as JsonObject).Statement as JsonObject[];
    const releasing = ['s3:PutObject', 'states:StartExecution', 'states:RedriveExecution', 'iot:AssociateSbomWithPackageVersion'];
    const granting = statements.filter((s) => [s.Action].flat().some((a) => releasing.includes(a as string)));
    expect(granting.flatMap((s) => [s.Action].flat()).sort()).toEqual([...releasing].sort());
    for (const s of granting) {
      expect([s.Action].flat(), String(s.Sid)).toHaveLength(1);
      expect(s.Condition, String(s.Sid)).toEqual({ 'Fn::If': ['RestrictReleasePrincipals', { ArnLike: { 'aws:PrincipalArn': PRINCIPALS } }, { Ref: 'AWS::NoValue' }] });
    }
    // What is left needs no condition: reading artifacts and executions, stopping one.
    const rest = statements.filter((s) => !granting.includes(s)).flatMap((s) => [s.Action].flat());
    expect(rest.filter((a) => /^(s3:Put|states:(Start|Redrive|SendTask)|iot:Associate)/.test(a as string))).toEqual([]);
  });

  it('fails packaging on a value that is not a role or user ARN, rather than locking the releasers out', () => {
    expect(releasePrincipals(' arn:aws:iam::123456789012:role/a ,arn:aws:iam::123456789012:user/b')).toEqual(['arn:aws:iam::123456789012:role/a', 'arn:aws:iam::123456789012:user/b']);
    expect(releasePrincipals('')).toEqual([]);
    for (const bad of ['ci-release', 'arn:aws:iam::123456789012:group/releasers', 'arn:aws:sts::123456789012:assumed-role/r/s', '*']) {
      expect(() => releasePrincipals(bad), bad).toThrow(/releasePrincipals: .* is not an IAM role or user ARN/);
    }
  });
});

describe('who may subscribe to approval requests: param approvalSubscribers', () => {
  it('lets the listed principals subscribe to the approvals topic, besides notify', () => {
    const { template } = packaged;
    const statements = (template.Resources.ApprovalTopicPolicy!.Properties.PolicyDocument as JsonObject).Statement as JsonObject[];
    const subscribe = statements.find((s) => s.Action === 'sns:Subscribe')!;
    const [condition, restricted] = (subscribe.Condition as { 'Fn::If': [string, JsonObject, JsonObject] })['Fn::If'];
    expect(condition).toBe('RestrictApprovalSubscribers');
    expect(restricted).toEqual({ StringNotEquals: { 'sns:Endpoint': { 'Fn::GetAtt': ['NotifyLambdaFunction', 'Arn'] } }, ArnNotLike: { 'aws:PrincipalArn': APPROVERS } });
    expect(template.Conditions?.RestrictApprovalSubscribers).toEqual({ 'Fn::Not': [{ 'Fn::Equals': [APPROVERS.join(','), ''] }] });
  });
});

describe('artifact bucket name', () => {
  it(`stays within 63 characters for the long stage "${STAGE}" in every region`, () => {
    const name = packaged.template.Resources.ArtifactBucket!.Properties.BucketName as { 'Fn::Sub': string };
    expect(name).toEqual(artifactBucketName('pkgrelease', STAGE, 'us-east-1'));
    expect(bucketNameIn(name, 'us-east-1').length).toBeLessThanOrEqual(63);
    expect(bucketNameIn(artifactBucketName('pkgrelease', STAGE, LONGEST_REGION), LONGEST_REGION).length).toBeLessThanOrEqual(63);
    expect(bucketNameIn(name, 'us-east-1')).toMatch(/^[a-z0-9][a-z0-9-]*[a-z0-9]$/);
  });

  it('keeps the name of short stages, tells long stages apart, and refuses a stage S3 cannot name', () => {
    expect(artifactBucketName('pkgrelease', 'prod', 'eu-west-1')).toEqual({ 'Fn::Sub': 'pkgrelease-prod-artifacts-${AWS::AccountId}-${AWS::Region}' });
    const a = artifactBucketName('pkgrelease', `${'x'.repeat(30)}-a`, LONGEST_REGION);
    const b = artifactBucketName('pkgrelease', `${'x'.repeat(30)}-b`, LONGEST_REGION);
    expect(a).not.toEqual(b);
    expect(() => artifactBucketName('pkgrelease', 'Prod_EU', 'eu-west-1')).toThrow(/cannot name an S3 bucket/);
  });
});

describe('X-Ray: param tracing=Active', () => {
  it('traces every function and the state machine', () => {
    const { template } = packaged;
    const functions = Object.values(template.Resources).filter((r) => r.Type === 'AWS::Lambda::Function');
    expect(functions.length).toBeGreaterThanOrEqual(7);
    for (const f of functions) expect(f.Properties.TracingConfig).toEqual({ Mode: 'Active' });
    expect(template.Conditions?.TracingActive).toEqual({ 'Fn::Equals': ['Active', 'Active'] });
    expect(template.Resources.ReleaseStateMachine!.Properties.TracingConfiguration).toEqual({ Enabled: { 'Fn::If': ['TracingActive', true, false] } });
  });

  it('lets every traced function upload its segments: X-Ray grants in each function\'s role (Lambda refuses Active tracing without them)', () => {
    const { template } = packaged;
    const functions = Object.values(template.Resources).filter((r) => r.Type === 'AWS::Lambda::Function');
    expect(functions).toHaveLength(22);
    for (const f of functions) {
      const roleId = (f.Properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
      const statements = (template.Resources[roleId]!.Properties.Policies as JsonObject[]).flatMap((p) => (p.PolicyDocument as JsonObject).Statement as JsonObject[]);
      const xray = statements.filter((s) => JSON.stringify(s.Action).includes('xray:'));
      expect(xray, roleId).toEqual([{ Sid: 'XRayTraces', Effect: 'Allow', Action: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], Resource: '*' }]);
    }
  });
});
