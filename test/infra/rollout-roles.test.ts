/**
 * The rollout functions' roles for a configuration with rollouts (config/rollout-arns.cjs through
 * config/function-roles.cjs): iot:CreateJob scoped to job, thing-group, package-version and job
 * template ARNs; iam:PassRole only for the configured presigned-URL role, only to IoT; every
 * statement checked against AWS's IAM catalog.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkIdentityPolicy, resolveResources } from './iam-catalog';
import type { Template } from './packaged';
import type { Json, JsonObject } from './project';

const require = createRequire(import.meta.url);
const { functionRoles } = require('../../config/function-roles.cjs') as { functionRoles(p: object, iot: object, jobs: object): Record<string, JsonObject> };
const { iotArns } = require('../../config/iot-arns.cjs') as { iotArns(file: string): object };
const { rolloutArns } = require('../../config/rollout-arns.cjs') as { rolloutArns(file: string): object };

const dir = mkdtempSync(join(tmpdir(), 'pkgrelease-rollout-roles-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const PRESIGN = 'arn:aws:iam::123456789012:role/iot-presign';
const TEMPLATE = 'arn:aws:iot:us-east-1:123456789012:jobtemplate/install';
const file = join(dir, 'packages.json');
writeFileSync(
  file,
  JSON.stringify({
    packages: {
      'edge-agent': {
        rollout: {
          stages: [{ name: 'canary', targets: ['canary'] }, { name: 'fleet', targets: ['arn:aws:iot:us-east-1:123456789012:thinggroup/fleet'] }],
          jobDocument: { jobTemplateArn: TEMPLATE },
          presignedUrlRoleArn: PRESIGN,
        },
      },
      other: {},
    },
  }),
);
const roles = functionRoles({ releases: 'releases/', builds: 'builds/', staging: 'staging/' }, iotArns(file), rolloutArns(file));
type Statement = { Sid: string; Effect: string; Action: string | string[]; Resource: Json; Condition?: JsonObject };
const statements = (role: string) => ((roles[role]!.Properties as JsonObject).Policies as JsonObject[]).flatMap((p) => (p.PolicyDocument as JsonObject).Statement as unknown as Statement[]);
// Only Fn::Sub with pseudo parameters occurs in these resources; GetAtt of the log group and table resolve by id.
const logGroup = { Type: 'AWS::Logs::LogGroup', Properties: { LogGroupName: 'g' } };
const template = {
  Resources: { StartRolloutStageLogGroup: logGroup, WatchRolloutStageLogGroup: logGroup, RolloutDefaultLogGroup: logGroup, RollbackRolloutLogGroup: logGroup, IdempotencyTable: { Type: 'AWS::DynamoDB::Table', Properties: { TableName: 't' } } },
} as unknown as Template;
const resources = (s: Statement) => resolveResources(template, s.Resource);

describe('rollout roles for a configuration with rollouts', () => {
  it.each(['StartRolloutStageRole', 'WatchRolloutStageRole', 'RollbackRolloutRole'])('%s: CreateJob on the package’s jobs, the configured groups, the configured packages’ versions and the template', (role) => {
    const create = statements(role).find((s) => s.Action === 'iot:CreateJob')!;
    expect(resources(create).sort()).toEqual(
      [
        'arn:aws:iot:us-east-1:123456789012:job/edge-agent-*',
        'arn:aws:iot:us-east-1:123456789012:job/other-*',
        'arn:aws:iot:us-east-1:123456789012:thinggroup/canary',
        'arn:aws:iot:us-east-1:123456789012:thinggroup/fleet',
        'arn:aws:iot:us-east-1:123456789012:package/edge-agent',
        'arn:aws:iot:us-east-1:123456789012:package/other',
        'arn:aws:iot:us-east-1:123456789012:package/edge-agent/version/*',
        'arn:aws:iot:us-east-1:123456789012:package/other/version/*',
        TEMPLATE,
      ].sort(),
    );
    expect(resources(statements(role).find((s) => s.Action === 'iot:CancelJob')!)).toEqual(['arn:aws:iot:us-east-1:123456789012:job/edge-agent-*', 'arn:aws:iot:us-east-1:123456789012:job/other-*']);
  });

  it.each(['StartRolloutStageRole', 'WatchRolloutStageRole', 'RollbackRolloutRole'])('%s: iam:PassRole only on the presigned-URL role, only to iot.amazonaws.com', (role) => {
    const pass = statements(role).filter((s) => [s.Action].flat().includes('iam:PassRole'));
    expect(pass).toEqual([{ Sid: 'PassPresignedUrlRole', Effect: 'Allow', Action: 'iam:PassRole', Resource: [PRESIGN], Condition: { StringEquals: { 'iam:PassedToService': 'iot.amazonaws.com' } } }]);
  });

  it('no other role may pass a role or create jobs', () => {
    for (const [id] of Object.entries(roles).filter(([id]) => !['StartRolloutStageRole', 'WatchRolloutStageRole', 'RollbackRolloutRole'].includes(id))) {
      const actions = statements(id).flatMap((s) => [s.Action].flat());
      expect(actions, id).not.toContain('iam:PassRole');
      expect(actions, id).not.toContain('iot:CreateJob');
    }
  });

  it('every statement of the rollout roles fits the IAM catalog', async () => {
    for (const role of ['StartRolloutStageRole', 'WatchRolloutStageRole', 'RolloutDefaultRole', 'RollbackRolloutRole']) {
      const problems = await checkIdentityPolicy(statements(role).map((s) => ({ where: `${role} ${s.Sid}`, effect: s.Effect, actions: [s.Action].flat(), resources: resources(s) })));
      expect(problems, role).toEqual([]);
    }
  });
});
