/**
 * The packaged template through AWS's own offline validator, `@aws/cloudformation-validate`
 * (cfn-lint's rules and the CloudFormation resource provider schemas, in WebAssembly: no network,
 * no credentials), as deployed by default and with every deploy-time param set.
 *
 * No ERROR may remain. A WARN is allowed only where osls writes the template that way (below,
 * each with its reason); INFO findings are advice (tags, replacement on rename) and not checked.
 */
import { RegoEngine, TemplateFile, type StandardDiagnostic } from '@aws/cloudformation-validate';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packagedTemplate, packageService, type Packaged } from './packaged';

/** Warnings that come from how osls compiles serverless.yml, not from what this project writes. */
const OSLS_WARNINGS: Array<{ ruleId: string; why: string; applies: (d: StandardDiagnostic) => boolean }> = [
  {
    ruleId: 'W3005',
    why: 'osls adds the role to a function\'s DependsOn when `role:` names a logical id',
    applies: (d) => d.entity?.resourceType === 'AWS::Lambda::Function' && d.propertyPath === 'DependsOn' && /'\w+Role' dependency already enforced/.test(d.message),
  },
  {
    ruleId: 'W8003',
    why: 'osls resolves `${param:…}` while packaging, so each condition is a constant in the template of one param set',
    applies: (d) => d.entity?.entityType === 'Condition' && ['TracingActive', 'RestrictReleasePrincipals', 'RestrictApprovalSubscribers'].includes(d.entity.logicalId ?? ''),
  },
  {
    ruleId: 'W9053',
    why: 'with both params empty, the two principal conditions are the same constant (see W8003)',
    applies: (d) => /^Condition 'RestrictReleasePrincipals' is equivalent to condition 'RestrictApprovalSubscribers'/.test(d.message),
  },
  {
    ruleId: 'W9002',
    why: 'osls writes the permission of an `eventBridge` event with the rule\'s ARN joined from its name',
    applies: (d) => ['TriggerEventBridgeLambdaPermission1', 'SbomArrivedEventBridgeLambdaPermission1'].includes(d.entity?.logicalId ?? '') && d.propertyPath === 'Properties.SourceArn',
  },
];

const describeFinding = (d: StandardDiagnostic) => `${d.ruleId} ${d.entity?.logicalId ?? ''} ${d.propertyPath ?? ''}: ${d.message}`;

let engine: InstanceType<typeof RegoEngine>;
let byDefault: Packaged;
let withParams: Packaged;
beforeAll(async () => {
  [byDefault, withParams] = await Promise.all([
    packagedTemplate(),
    packageService({
      stage: 'prod',
      params: { tracing: 'Active', releasePrincipals: 'arn:aws:iam::123456789012:role/ci-release', approvalSubscribers: 'arn:aws:iam::123456789012:role/release-approvers' },
    }),
  ]);
  engine = new RegoEngine();
}, 180_000);
afterAll(async () => {
  engine?.free();
  withParams?.dispose();
  (await packagedTemplate()).dispose();
});

function findings(templatePath: string): StandardDiagnostic[] {
  return engine.validateStandard(new TemplateFile(templatePath)).diagnostics;
}

/** Errors, and warnings that are not osls': what must be fixed. */
function problems(all: StandardDiagnostic[]): StandardDiagnostic[] {
  return all.filter((d) => ['ERROR', 'FATAL'].includes(d.severity) || (d.severity === 'WARN' && !OSLS_WARNINGS.some((w) => w.ruleId === d.ruleId && w.applies(d))));
}

describe('AWS CloudFormation validator (@aws/cloudformation-validate, offline)', () => {
  it.each([
    ['as deployed by default', () => byDefault],
    ['with tracing, release principals and approval subscribers set', () => withParams],
  ])('finds no error and no warning of ours in the template %s', (_, packaged) => {
    const all = findings(packaged().templatePath);
    expect(all.length, 'the validator ran and reported something (INFO at least)').toBeGreaterThan(0);
    expect(problems(all).map(describeFinding)).toEqual([]);
  });

  it('reports a broken template (the check can fail)', () => {
    const template = JSON.parse(readFileSync(byDefault.templatePath, 'utf8'));
    template.Resources.ArtifactBucket.Properties.VersioningConfiguration = { Status: 'Sometimes' };
    template.Resources.IdempotencyTable.Properties.TimeToLive = { AttributeName: 'expiration' };
    const broken = join(dirname(byDefault.templatePath), 'broken.json');
    writeFileSync(broken, JSON.stringify(template));
    const found = problems(findings(broken));
    expect(found.map((d) => `${d.ruleId} ${d.entity?.logicalId}`).sort()).toEqual(['F3002 IdempotencyTable', 'W3030 ArtifactBucket']);
  });
});
