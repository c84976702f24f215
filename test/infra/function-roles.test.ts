/**
 * Every function's role (config/function-roles.cjs) against what that function calls: the SDK calls
 * its bundle can make (esbuild keeps exactly the command modules the code reaches) mapped to the
 * IAM actions AWS authorizes for them (test/infra/sdk-actions.ts), plus what Lambda does with the
 * role (logs, X-Ray, the on-failure queue). Equal both ways: a missing action is a call AWS
 * refuses, an extra one is more than least privilege. Resources: template.test.ts and the IAM
 * catalog check (iam-catalog.test.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build, type BuiltFunction } from '../../scripts/build.mjs';
import { packagedTemplate, type Template } from './packaged';
import { lambdaLogicalId, readServerlessYml, type JsonObject } from './project';
import { actionsOfCalls, callsOfBundle, ON_FAILURE_QUEUE_ACTIONS, RUNTIME_ACTIONS } from './sdk-actions';

type Statement = { Sid?: string; Effect: string; Action: string | string[]; Resource: unknown };
const asArray = <T>(x: T | T[]): T[] => (Array.isArray(x) ? x : [x]);

const functions = readServerlessYml().functions;
const dir = mkdtempSync(join(tmpdir(), 'pkgrelease-function-roles-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let template: Template;
let built: BuiltFunction[];
beforeAll(async () => {
  [template, built] = await Promise.all([packagedTemplate().then((p) => p.template), build({ outDir: join(dir, 'dist') })]);
}, 120_000);
afterAll(async () => (await packagedTemplate()).dispose());

const roleOf = (key: string) => {
  const fn = template.Resources[lambdaLogicalId(key)]!;
  const roleId = (fn.Properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
  return { roleId, statements: ((template.Resources[roleId]!.Properties.Policies as JsonObject[]) ?? []).flatMap((p) => (p.PolicyDocument as JsonObject).Statement as unknown as Statement[]) };
};
const granted = (key: string) => [...new Set(roleOf(key).statements.flatMap((s) => asArray(s.Action)))].sort();
const dirOf = (key: string) => basename(functions[key]!.package!.artifact!, '.zip');
/** CreateJob with presignedUrlConfig passes the configured role: iam:PassRole, only when config/packages.json names one. */
const { rolloutArns } = createRequire(import.meta.url)('../../config/rollout-arns.cjs') as { rolloutArns(): { passRoles: string[] } };
const passRoles = (calls: string[]) => (calls.includes('iot:CreateJob') && rolloutArns().passRoles.length > 0 ? ['iam:PassRole'] : []);
const hasOnFailureQueue = (key: string) => (functions[key] as { destinations?: { onFailure?: { type?: string } } }).destinations?.onFailure?.type === 'sqs';

describe('function roles: one base plus each function\'s own grants (config/function-roles.cjs)', () => {
  it('reads calls from every function bundle (not vacuous)', () => {
    expect(Object.keys(functions).length).toBe(22);
    for (const key of Object.keys(functions)) {
      const b = built.find((x) => x.name === dirOf(key));
      expect(b, key).toBeDefined();
      expect(callsOfBundle(b!.inputs).length, key).toBeGreaterThan(0);
    }
  });

  it.each(Object.keys(functions))('%s: its role grants exactly the actions of the calls its code makes', (key) => {
    const calls = callsOfBundle(built.find((b) => b.name === dirOf(key))!.inputs);
    const needed = [...new Set([...actionsOfCalls(calls), ...RUNTIME_ACTIONS, ...passRoles(calls), ...(hasOnFailureQueue(key) ? ON_FAILURE_QUEUE_ACTIONS : [])])].sort();
    expect(granted(key), `${key} calls ${calls.join(', ')}`).toEqual(needed);
  });

  it.each(Object.keys(functions))('%s: starts from the base (own log group, X-Ray, the idempotency table when its code calls it)', (key) => {
    const [logs, xray, table] = roleOf(key).statements;
    const callsTable = callsOfBundle(built.find((b) => b.name === dirOf(key))!.inputs).some((c) => c.startsWith('dynamodb:'));
    expect(logs).toEqual({ Sid: 'OwnLogGroup', Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: { 'Fn::GetAtt': [lambdaLogicalId(key).replace(/LambdaFunction$/, 'LogGroup'), 'Arn'] } });
    expect(xray).toEqual({ Sid: 'XRayTraces', Effect: 'Allow', Action: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], Resource: '*' });
    if (!callsTable) {
      expect(roleOf(key).statements.filter((s) => asArray(s.Action).some((a) => a.startsWith('dynamodb:'))), key).toEqual([]);
      return;
    }
    expect(table).toMatchObject({ Effect: 'Allow', Resource: { 'Fn::GetAtt': ['IdempotencyTable', 'Arn'] } });
    expect(asArray(table!.Action).every((a) => a.startsWith('dynamodb:')), key).toBe(true);
  });

  it('names each function\'s role after the function, one role per function', () => {
    const roles = Object.keys(functions).map((key) => roleOf(key).roleId);
    expect(roles).toEqual(Object.keys(functions).map((key) => lambdaLogicalId(key).replace(/LambdaFunction$/, 'Role')));
    expect(functions.trigger!.role).toBe('TriggerRole');
  });
});
