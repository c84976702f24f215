/**
 * Packages the service (test/infra/packaged.ts: `serverless package`, which builds the zips through
 * the local build plugin, offline, with no credentials) and checks the CloudFormation template osls
 * generates — what would actually be deployed.
 * By hand: `npx serverless package --stage dev`.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { discoverFunctions, MAX_ZIP_BYTES } from '../../scripts/build.mjs';
import { packagedTemplate, type Packaged, type Resource } from './packaged';
import { aslPlaceholders, lambdaLogicalId, readAslText, readServerlessYml, ROOT, type Json, type JsonObject } from './project';

/** Function key (serverless.yml) -> functions/<dir>, timeout, and the environment it must get. */
const FUNCTIONS: Record<string, { dir: string; timeout: number; env: string[] }> = {
  trigger: { dir: 'trigger', timeout: 30, env: ['STATE_MACHINE_ARN'] },
  prepare: { dir: 'prepare', timeout: 30, env: ['ARTIFACT_BUCKET'] },
  createVersion: { dir: 'create-version', timeout: 30, env: [] },
  attachSbom: { dir: 'attach-sbom', timeout: 30, env: [] },
  checkSbom: { dir: 'check-sbom', timeout: 30, env: [] },
  sbomArrived: { dir: 'sbom-arrived', timeout: 30, env: [] },
  updateOpenSearch: { dir: 'update-opensearch', timeout: 90, env: ['STAGING_BUCKET', 'STAGING_PREFIX'] },
  checkOpenSearch: { dir: 'check-opensearch', timeout: 90, env: ['STAGING_BUCKET', 'STAGING_PREFIX'] },
  promote: { dir: 'promote', timeout: 30, env: ['STATE_MACHINE_NAME'] },
  applyToDomains: { dir: 'apply-to-domains', timeout: 90, env: [] },
  checkDomains: { dir: 'check-domains', timeout: 90, env: [] },
  startRolloutStage: { dir: 'start-rollout-stage', timeout: 30, env: [] },
  watchRolloutStage: { dir: 'watch-rollout-stage', timeout: 30, env: [] },
  rolloutDefault: { dir: 'rollout-default', timeout: 30, env: [] },
  notify: { dir: 'notify', timeout: 30, env: ['FAILURE_TOPIC_ARN'] },
  rollbackValidate: { dir: 'rollback-validate', timeout: 30, env: [] },
  rollbackOpenSearch: { dir: 'rollback-opensearch', timeout: 90, env: ['STAGING_BUCKET', 'STAGING_PREFIX'] },
  rollbackCatalog: { dir: 'rollback-catalog', timeout: 30, env: [] },
  rollbackCheckImport: { dir: 'rollback-check-import', timeout: 90, env: ['STAGING_BUCKET', 'STAGING_PREFIX'] },
  rollbackApplyDomains: { dir: 'rollback-apply-domains', timeout: 90, env: [] },
  rollbackCheckDomains: { dir: 'rollback-check-domains', timeout: 90, env: [] },
  rollbackRollout: { dir: 'rollback-rollout', timeout: 30, env: [] },
};
/**
 * Functions that keep no Powertools idempotency records: they only take or give back the
 * OpenSearch package lease (UpdateItem); apply-to-domains also reads who holds it (GetItem).
 */
const LEASE_ONLY: Record<string, string[]> = {
  // The checks also append to the package's learned durations (lib/release/poll-timing.ts: no read).
  checkOpenSearch: ['dynamodb:UpdateItem'],
  applyToDomains: ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
  checkDomains: ['dynamodb:UpdateItem'],
  notify: ['dynamodb:UpdateItem'],
  // The rollout lease and its records (what each target was handed).
  startRolloutStage: ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
  watchRolloutStage: ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
  rolloutDefault: ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
  // The rollback's steps (docs/rollback.md): the OpenSearch lease and the head, the rollout lease and its records.
  rollbackOpenSearch: ['dynamodb:UpdateItem'],
  rollbackCheckImport: ['dynamodb:UpdateItem'],
  rollbackApplyDomains: ['dynamodb:UpdateItem'],
  rollbackCheckDomains: ['dynamodb:UpdateItem'],
  rollbackRollout: ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
};
/** Functions that converge by looking only, with no idempotency record or lease: no table grant at all. */
const NO_TABLE = ['attachSbom', 'checkSbom', 'sbomArrived'];
/** What the build will find (collected before the tests run, so each gets its own size test). */
const FUNCTION_DIRS = await discoverFunctions(join(ROOT, 'functions'));
const COMMON_ENV = ['POWERTOOLS_SERVICE_NAME', 'POWERTOOLS_LOG_LEVEL', 'IDEMPOTENCY_TABLE', 'PACKAGES_CONFIG'];

type Statement = { Sid?: string; Effect: 'Allow' | 'Deny'; Action?: string | string[]; NotAction?: Json; Resource?: Json; Principal?: Json; Condition?: JsonObject };

let built: Array<{ name: string; zipPath: string; bytes: number }>;
let template: Packaged['template'];
let state: Packaged['state'];

const asArray = <T>(x: T | T[] | undefined): T[] => (x === undefined ? [] : Array.isArray(x) ? x : [x]);
const resource = (id: string): Resource => {
  const r = template.Resources[id];
  if (!r) throw new Error(`no resource ${id} in the template`);
  return r;
};
const ofType = (type: string) => Object.entries(template.Resources).filter(([, r]) => r.Type === type);
const getAtt = (id: string, attr = 'Arn') => ({ 'Fn::GetAtt': [id, attr] });
const ref = (id: string) => ({ Ref: id });
const roleIdOf = (functionKey: string) => (resource(lambdaLogicalId(functionKey)).Properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
const roleStatements = (roleId: string): Statement[] =>
  ((resource(roleId).Properties.Policies ?? []) as JsonObject[]).flatMap((p) => (p.PolicyDocument as JsonObject).Statement as unknown as Statement[]);

/** Identity policies: inline role policies, managed policies, standalone policies. */
function identityStatements(): Array<{ where: string; statement: Statement }> {
  const out: Array<{ where: string; statement: Statement }> = [];
  for (const [id, r] of Object.entries(template.Resources)) {
    if (r.Type === 'AWS::IAM::Role') {
      for (const p of (r.Properties.Policies ?? []) as JsonObject[]) {
        for (const s of (p.PolicyDocument as JsonObject).Statement as unknown as Statement[]) out.push({ where: `${id}/${String(p.PolicyName)}`, statement: s });
      }
    }
    if (r.Type === 'AWS::IAM::ManagedPolicy' || r.Type === 'AWS::IAM::Policy') {
      for (const s of (r.Properties.PolicyDocument as JsonObject).Statement as unknown as Statement[]) out.push({ where: id, statement: s });
    }
  }
  return out;
}

/** Resource policies (bucket, queue, topic, key). */
function resourcePolicyStatements(): Array<{ where: string; statement: Statement }> {
  const field: Record<string, string> = {
    'AWS::S3::BucketPolicy': 'PolicyDocument',
    'AWS::SQS::QueuePolicy': 'PolicyDocument',
    'AWS::SNS::TopicPolicy': 'PolicyDocument',
    'AWS::KMS::Key': 'KeyPolicy',
  };
  return Object.entries(template.Resources).flatMap(([id, r]) =>
    field[r.Type] ? ((r.Properties[field[r.Type]!] as JsonObject).Statement as unknown as Statement[]).map((statement) => ({ where: id, statement })) : [],
  );
}

/** Name of the single entry of a zip with one file (local file header at offset 0). */
function onlyZipEntry(zipPath: string): string {
  const buf = readFileSync(zipPath);
  expect(buf.readUInt32LE(0), `${zipPath} is not a zip`).toBe(0x04034b50);
  const entries = buf.readUInt16LE(buf.length - 22 + 10); // end of central directory: total entries
  expect(entries, `${zipPath} entries`).toBe(1);
  return buf.toString('utf8', 30, 30 + buf.readUInt16LE(26));
}

beforeAll(async () => {
  const packaged = await packagedTemplate();
  ({ template, state } = packaged);
  built = readdirSync(packaged.distDir)
    .filter((f) => f.endsWith('.zip'))
    .sort()
    .map((f) => ({ name: f.slice(0, -4), zipPath: join(packaged.distDir, f), bytes: statSync(join(packaged.distDir, f)).size }));
}, 120_000);
afterAll(async () => (await packagedTemplate()).dispose());

describe('the build (run by serverless package)', () => {
  it('produces one zip per functions/<dir>/handler.ts, each with index.mjs only', () => {
    expect(built.map((b) => b.name)).toEqual(FUNCTION_DIRS);
    for (const b of built) expect(onlyZipEntry(b.zipPath), b.name).toBe('index.mjs');
  });

  it.each(FUNCTION_DIRS)('keeps %s.zip within 250 KB', (dir) => {
    const b = built.find((x) => x.name === dir);
    expect(b, dir).toBeDefined();
    expect(MAX_ZIP_BYTES).toBe(250 * 1024);
    expect(b!.bytes, `${dir}.zip is ${(b!.bytes / 1024).toFixed(1)} KB`).toBeLessThanOrEqual(MAX_ZIP_BYTES);
  });

  it('deploys every function directory, and nothing else', () => {
    const deployed = Object.values(readServerlessYml().functions).map((f) => /\/([^/]+)\.zip$/.exec(f.package?.artifact ?? '')?.[1]);
    expect(deployed.sort(), 'functions/<dir> vs serverless.yml functions.*.package.artifact').toEqual(FUNCTION_DIRS);
  });
});

describe('serverless package (CloudFormation template)', () => {
  describe('functions', () => {
    it.each(Object.entries(FUNCTIONS))('%s: runtime, architecture, memory, timeout, handler, environment', (key, spec) => {
      const fn = resource(lambdaLogicalId(key));
      expect(fn.Type).toBe('AWS::Lambda::Function');
      const p = fn.Properties;
      expect(p.Runtime).toBe('nodejs22.x');
      expect(p.Architectures).toEqual(['arm64']);
      expect(p.MemorySize).toBe(256);
      expect(p.Timeout).toBe(spec.timeout);
      // index.handler <-> index.mjs, the zip's only entry.
      expect(p.Handler).toBe('index.handler');
      const vars = (p.Environment as JsonObject).Variables as JsonObject;
      for (const name of [...COMMON_ENV, ...spec.env]) expect(vars, `${key} env`).toHaveProperty(name);
      expect(vars.POWERTOOLS_SERVICE_NAME).toBe('pkgrelease');
      expect(vars.IDEMPOTENCY_TABLE).toEqual(ref('IdempotencyTable'));
      const config = JSON.parse(vars.PACKAGES_CONFIG as string);
      expect(config).toEqual({ packages: expect.any(Object) });
    });

    it('ships each function as the prebuilt dist/<dir>.zip', () => {
      for (const [key, spec] of Object.entries(FUNCTIONS)) {
        const artifact = state.service.functions[key]?.package?.artifact;
        expect(artifact && basename(artifact), key).toBe(`${spec.dir}.zip`);
        expect((resource(lambdaLogicalId(key)).Properties.Code as JsonObject).S3Key).toMatch(new RegExp(`/${spec.dir}\\.zip$`));
      }
    });

    it('gives the update step its staging location in the artifact bucket', () => {
      const vars = (resource('UpdateOpenSearchLambdaFunction').Properties.Environment as JsonObject).Variables as JsonObject;
      expect(vars.STAGING_BUCKET).toEqual(ref('ArtifactBucket'));
      expect(vars.STAGING_PREFIX).toBe('staging/');
      const trigger = (resource('TriggerLambdaFunction').Properties.Environment as JsonObject).Variables as JsonObject;
      expect(trigger.STATE_MACHINE_ARN).toEqual(ref('ReleaseStateMachine'));
    });

    it('keeps function logs for 30 days', () => {
      for (const key of Object.keys(FUNCTIONS)) {
        const logicalId = lambdaLogicalId(key).replace(/LambdaFunction$/, 'LogGroup');
        expect(resource(logicalId).Properties.RetentionInDays, logicalId).toBe(30);
      }
    });
  });

  describe('state machine', () => {
    const aslText = readAslText();

    it('is a STANDARD machine whose Definition is the ASL file verbatim (placeholders intact)', () => {
      const sm = resource('ReleaseStateMachine');
      expect(sm.Type).toBe('AWS::StepFunctions::StateMachine');
      expect(sm.Properties.StateMachineType).toBe('STANDARD');
      expect(sm.Properties.Definition).toEqual(JSON.parse(aslText));
      const definitionText = JSON.stringify(sm.Properties.Definition);
      for (const placeholder of aslPlaceholders(aslText)) expect(definitionText).toContain(`\${${placeholder}}`);
    });

    it('substitutes exactly the ASL placeholders with the step functions ARNs', () => {
      const subs = resource('ReleaseStateMachine').Properties.DefinitionSubstitutions as JsonObject;
      expect(Object.keys(subs).sort()).toEqual(aslPlaceholders(aslText));
      expect(subs).toEqual({
        PrepareFunctionArn: getAtt('PrepareLambdaFunction'),
        CreateVersionFunctionArn: getAtt('CreateVersionLambdaFunction'),
        AttachSbomFunctionArn: getAtt('AttachSbomLambdaFunction'),
        CheckSbomFunctionArn: getAtt('CheckSbomLambdaFunction'),
        UpdateOpenSearchFunctionArn: getAtt('UpdateOpenSearchLambdaFunction'),
        CheckOpenSearchFunctionArn: getAtt('CheckOpenSearchLambdaFunction'),
        ApplyToDomainsFunctionArn: getAtt('ApplyToDomainsLambdaFunction'),
        CheckDomainsFunctionArn: getAtt('CheckDomainsLambdaFunction'),
        PromoteFunctionArn: getAtt('PromoteLambdaFunction'),
        StartRolloutStageFunctionArn: getAtt('StartRolloutStageLambdaFunction'),
        WatchRolloutStageFunctionArn: getAtt('WatchRolloutStageLambdaFunction'),
        RolloutDefaultFunctionArn: getAtt('RolloutDefaultLambdaFunction'),
        ApprovalTopicArn: ref('ApprovalTopic'),
      });
    });

    it('logs errors only, without execution data, to a 30-day log group', () => {
      const logging = resource('ReleaseStateMachine').Properties.LoggingConfiguration as JsonObject;
      expect(logging.Level).toBe('ERROR');
      expect(logging.IncludeExecutionData).toBe(false);
      expect(logging.Destinations).toEqual([{ CloudWatchLogsLogGroup: { LogGroupArn: getAtt('ReleaseStateMachineLogGroup') } }]);
      expect(resource('ReleaseStateMachineLogGroup').Properties.RetentionInDays).toBe(30);
    });

    it('may invoke exactly the twelve step functions (and their qualified ARNs)', () => {
      const roleId = (resource('ReleaseStateMachine').Properties.RoleArn as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
      const invoke = roleStatements(roleId).filter((s) => asArray(s.Action).includes('lambda:InvokeFunction'));
      expect(invoke).toHaveLength(1);
      const steps = ['Prepare', 'CreateVersion', 'AttachSbom', 'CheckSbom', 'UpdateOpenSearch', 'CheckOpenSearch', 'ApplyToDomains', 'CheckDomains', 'Promote', 'StartRolloutStage', 'WatchRolloutStage', 'RolloutDefault'];
      expect(asArray(invoke[0]!.Resource)).toEqual(steps.flatMap((s) => [getAtt(`${s}LambdaFunction`), { 'Fn::Sub': `\${${s}LambdaFunction.Arn}:*` }]));
    });

    it('has the rollback state machine beside it, named <release machine>-rollback, invoking exactly the seven rollback steps', () => {
      const rollback = resource('RollbackStateMachine');
      expect(rollback.Properties.StateMachineName).toBe(`${resource('ReleaseStateMachine').Properties.StateMachineName}-rollback`);
      const roleId = (rollback.Properties.RoleArn as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
      const invoke = roleStatements(roleId).filter((s) => asArray(s.Action).includes('lambda:InvokeFunction'));
      const steps = ['RollbackValidate', 'RollbackOpenSearch', 'RollbackCatalog', 'RollbackCheckImport', 'RollbackApplyDomains', 'RollbackCheckDomains', 'RollbackRollout'];
      expect(asArray(invoke[0]!.Resource)).toEqual(steps.flatMap((s) => [getAtt(`${s}LambdaFunction`), { 'Fn::Sub': `\${${s}LambdaFunction.Arn}:*` }]));
      expect(template.Outputs.RollbackStateMachineArn).toEqual({ Value: { Ref: 'RollbackStateMachine' } });
    });
  });

  describe('IAM', () => {
    it('has no Allow statement with Action "*" or "<service>:*", or NotAction', () => {
      // Not vacuous: 8 roles + the operator policy, and the bucket and two queue policies.
      expect(identityStatements().length).toBeGreaterThanOrEqual(29);
      expect(resourcePolicyStatements().length).toBeGreaterThanOrEqual(3);
      for (const { where, statement } of [...identityStatements(), ...resourcePolicyStatements()]) {
        if (statement.Effect !== 'Allow') continue;
        expect(statement.NotAction, where).toBeUndefined();
        // The one exception: AWS's default key policy, which hands the key to this account's IAM policies.
        if (where === 'FailureTopicKey' && statement.Sid === 'AccountIamPolicies') {
          expect(statement.Principal).toEqual({ AWS: { 'Fn::Sub': 'arn:${AWS::Partition}:iam::${AWS::AccountId}:root' } });
          continue;
        }
        for (const action of asArray(statement.Action)) expect(action, `${where} ${statement.Sid ?? ''}`).not.toMatch(/^(\*|[a-z0-9-]+:\*)$/i);
      }
    });

    // Resource "*" and every other resource are checked against AWS's IAM catalog: iam-catalog.test.ts.

    it('grants no resource policy to everyone', () => {
      for (const { where, statement } of resourcePolicyStatements()) {
        if (statement.Effect !== 'Allow') continue;
        expect(statement.Principal, where).not.toBe('*');
        expect(JSON.stringify(statement.Principal), where).not.toMatch(/"AWS":"\*"/);
      }
    });

    it('gives every function its own role, trusted by Lambda only', () => {
      expect(template.Resources.IamRoleLambdaExecution).toBeUndefined();
      const roles = Object.keys(FUNCTIONS).map(roleIdOf);
      expect(new Set(roles).size).toBe(roles.length);
      for (const roleId of roles) {
        const trust = resource(roleId).Properties.AssumeRolePolicyDocument as JsonObject;
        expect(trust.Statement).toEqual([{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }]);
        expect(resource(roleId).Properties.ManagedPolicyArns).toBeUndefined();
      }
    });

    it.each(Object.keys(FUNCTIONS))('%s: writes only its own log group and at most the idempotency table', (key) => {
      const statements = roleStatements(roleIdOf(key));
      const logGroup = lambdaLogicalId(key).replace(/LambdaFunction$/, 'LogGroup');
      const logs = statements.filter((s) => asArray(s.Action).some((a) => a.startsWith('logs:')));
      expect(logs).toEqual([{ Sid: 'OwnLogGroup', Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: getAtt(logGroup) }]);
      const dynamo = statements.filter((s) => asArray(s.Action).some((a) => a.startsWith('dynamodb:')));
      if (NO_TABLE.includes(key)) {
        expect(dynamo, key).toEqual([]);
        return;
      }
      if (LEASE_ONLY[key]) {
        expect(dynamo).toHaveLength(1);
        expect(asArray(dynamo[0]!.Action).sort(), key).toEqual(LEASE_ONLY[key]);
        expect(dynamo[0]!.Resource).toEqual(getAtt('IdempotencyTable'));
        return;
      }
      expect(dynamo).toHaveLength(1);
      expect(asArray(dynamo[0]!.Action).sort()).toEqual(['dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem']);
      expect(dynamo[0]!.Resource).toEqual(getAtt('IdempotencyTable'));
    });

    it('grants each function exactly its actions', () => {
      const actions = (key: string) => [...new Set(roleStatements(roleIdOf(key)).flatMap((s) => asArray(s.Action)))].filter((a) => !/^(logs|dynamodb|xray):/.test(a)).sort();
      expect(actions('trigger')).toEqual(['sqs:SendMessage', 'states:StartExecution']);
      expect(actions('prepare')).toEqual(['s3:GetObject', 's3:GetObjectVersion', 's3:ListBucket']);
      expect(actions('createVersion')).toEqual(
        ['iot:CreatePackage', 'iot:CreatePackageVersion', 'iot:GetIndexingConfiguration', 'iot:GetPackageVersion', 'iot:TagResource', 's3:GetObject', 's3:GetObjectAttributes', 's3:GetObjectVersion', 's3:GetObjectVersionAttributes', 's3:ListBucket'].sort(),
      );
      // CheckOpenSearch re-applies a lost import, so it may do what UpdateOpenSearch does.
      for (const key of ['updateOpenSearch', 'checkOpenSearch']) {
        expect(actions(key), key).toEqual(
          ['es:DescribePackages', 'es:GetPackageVersionHistory', 'es:UpdatePackage', 's3:AbortMultipartUpload', 's3:GetObject', 's3:GetObjectVersion', 's3:GetObjectVersionTagging', 's3:PutObject', 's3:PutObjectTagging'].sort(),
        );
      }
      expect(actions('promote')).toEqual(
        ['iot:GetIndexingConfiguration', 'iot:GetPackage', 'iot:GetPackageVersion', 'iot:ListPackageVersions', 'iot:UpdatePackage', 'iot:UpdatePackageVersion', 'states:GetExecutionHistory'].sort(),
      );
      expect(actions('applyToDomains')).toEqual(['es:AssociatePackage', 'es:DescribePackages', 'es:GetPackageVersionHistory', 'es:ListDomainsForPackage', 'es:ListPackagesForDomain']);
      expect(actions('checkDomains')).toEqual(['es:AssociatePackage', 'es:GetPackageVersionHistory', 'es:ListPackagesForDomain']);
      const sbomReads = ['iot:GetIndexingConfiguration', 'iot:GetPackageVersion', 's3:GetObject', 's3:GetObjectVersion', 's3:ListBucket'];
      expect(actions('attachSbom')).toEqual([...sbomReads, 'iot:AssociateSbomWithPackageVersion'].sort());
      expect(actions('checkSbom')).toEqual([...sbomReads, 'iot:AssociateSbomWithPackageVersion', 'iot:ListSbomValidationResults'].sort());
      expect(actions('sbomArrived')).toEqual([...sbomReads, 'iot:AssociateSbomWithPackageVersion', 'sqs:SendMessage'].sort());
      expect(actions('notify')).toEqual(['kms:Decrypt', 'kms:GenerateDataKey', 'sns:Publish', 'sqs:SendMessage', 'states:GetExecutionHistory']);
    });

    it('scopes S3 object access to releases/ and builds/ (read), sboms/ (read, the SBOM steps) and staging/ (write)', () => {
      const objectArn = (prefix: string) => ({ 'Fn::Sub': `\${ArtifactBucket.Arn}/${prefix}*` });
      for (const key of Object.keys(FUNCTIONS)) {
        for (const s of roleStatements(roleIdOf(key))) {
          const s3 = asArray(s.Action).filter((a) => a.startsWith('s3:'));
          if (!s3.length) continue;
          if (s3.includes('s3:ListBucket')) {
            expect(s3, key).toEqual(['s3:ListBucket']);
            expect(s.Resource, key).toEqual(getAtt('ArtifactBucket'));
          } else if (s3.some((a) => a.startsWith('s3:Put'))) {
            expect(['updateOpenSearch', 'checkOpenSearch', 'rollbackOpenSearch', 'rollbackCheckImport']).toContain(key);
            expect(s.Resource).toEqual(objectArn('staging/'));
          } else if (NO_TABLE.includes(key)) {
            expect(s.Resource, `${key} ${s.Sid}`).toEqual(objectArn('sboms/'));
          } else {
            expect(s.Resource, `${key} ${s.Sid}`).toEqual([objectArn('releases/'), objectArn('builds/')]);
          }
        }
      }
    });

    it('scopes domain actions (AssociatePackage, ListPackagesForDomain) to this account\'s domains in this region', () => {
      for (const key of ['applyToDomains', 'checkDomains']) {
        const domain = roleStatements(roleIdOf(key)).filter((s) => asArray(s.Action).some((a) => a === 'es:AssociatePackage' || a === 'es:ListPackagesForDomain'));
        expect(domain, key).toHaveLength(1);
        expect(domain[0]!.Resource, key).toEqual({ 'Fn::Sub': 'arn:${AWS::Partition}:es:${AWS::Region}:${AWS::AccountId}:domain/*' });
      }
    });

    it('scopes IoT package actions to the packages in config/packages.json, never package/*', () => {
      const arn = (rest: string) => ({ 'Fn::Sub': `arn:\${AWS::Partition}:iot:\${AWS::Region}:\${AWS::AccountId}:package/${rest}` });
      for (const key of ['createVersion', 'promote']) {
        const iot = roleStatements(roleIdOf(key)).filter((s) => asArray(s.Action).some((a) => a.startsWith('iot:')) && s.Resource !== '*');
        expect(iot.map((s) => s.Sid)).toEqual(['IotPackages', 'IotPackageVersions']);
        expect(iot[0]!.Resource).toEqual([arn('edge-agent')]);
        expect(iot[1]!.Resource).toEqual([arn('edge-agent'), arn('edge-agent/version/*')]);
      }
    });

    it('lets promote read the histories of this state machine\'s executions only (the approval), by name: no reference back to the machine', () => {
      const name = resource('ReleaseStateMachine').Properties.StateMachineName as string;
      const read = roleStatements(roleIdOf('promote')).filter((s) => asArray(s.Action).includes('states:GetExecutionHistory'));
      expect(read.map((s) => s.Resource)).toEqual([{ 'Fn::Sub': `arn:\${AWS::Partition}:states:\${AWS::Region}:\${AWS::AccountId}:execution:${name}:*` }]);
      expect(resource('PromoteLambdaFunction').Properties.Environment).toMatchObject({ Variables: { STATE_MACHINE_NAME: name } });
    });

    it('lets the trigger start this state machine only', () => {
      const start = roleStatements(roleIdOf('trigger')).filter((s) => asArray(s.Action).includes('states:StartExecution'));
      expect(start.map((s) => s.Resource)).toEqual([ref('ReleaseStateMachine')]);
    });

    it('offers an operator policy for starting, inspecting, stopping and redriving executions', () => {
      const doc = resource('ReleaseOperatorPolicy').Properties.PolicyDocument as JsonObject;
      const actions = (doc.Statement as unknown as Statement[]).flatMap((s) => asArray(s.Action));
      for (const a of ['states:StartExecution', 'states:RedriveExecution', 'states:DescribeExecution', 'states:StopExecution', 'states:ListExecutions', 'states:GetExecutionHistory']) {
        expect(actions).toContain(a);
      }
      // pkgrelease sbom: the configured packages' versions only.
      const sbomResults = (doc.Statement as unknown as Statement[]).find((s) => asArray(s.Action).includes('iot:ListSbomValidationResults'));
      expect(sbomResults?.Resource).toEqual([{ 'Fn::Sub': 'arn:${AWS::Partition}:iot:${AWS::Region}:${AWS::AccountId}:package/edge-agent/version/*' }]);
      expect(actions).toContain('iot:GetPackageVersion');
    });
  });

  describe('artifact bucket', () => {
    it('is versioned, private, SSE-S3, owner-enforced and sends events to EventBridge', () => {
      const p = resource('ArtifactBucket').Properties;
      expect(p.VersioningConfiguration).toEqual({ Status: 'Enabled' });
      expect(p.PublicAccessBlockConfiguration).toEqual({ BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true });
      expect(p.BucketEncryption).toEqual({ ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] });
      expect(p.OwnershipControls).toEqual({ Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] });
      expect(p.NotificationConfiguration).toEqual({ EventBridgeConfiguration: { EventBridgeEnabled: true } });
      expect(resource('ArtifactBucket').DeletionPolicy).toBe('Retain');
    });

    it('expires noncurrent staging/ versions, never release versions', () => {
      const rules = ((resource('ArtifactBucket').Properties.LifecycleConfiguration as JsonObject).Rules as JsonObject[]).filter((r) => r.NoncurrentVersionExpiration);
      expect(rules).toHaveLength(1);
      expect(rules[0]!.Prefix).toBe('staging/');
      expect(rules[0]!.Status).toBe('Enabled');
    });

    it('lets AWS IoT read SBOMs only: sboms/*, for this account\'s package versions (aws:SourceAccount, aws:SourceArn)', () => {
      const statements = ((resource('ArtifactBucketPolicy').Properties.PolicyDocument as JsonObject).Statement as JsonObject[]).filter((s) => JSON.stringify(s.Principal ?? '').includes('iot.amazonaws.com'));
      expect(statements).toEqual([
        {
          Sid: 'IotReadsSboms',
          Effect: 'Allow',
          Principal: { Service: 'iot.amazonaws.com' },
          Action: ['s3:GetObject', 's3:GetObjectVersion'],
          Resource: { 'Fn::Sub': '${ArtifactBucket.Arn}/sboms/*' },
          Condition: {
            StringEquals: { 'aws:SourceAccount': ref('AWS::AccountId') },
            ArnLike: { 'aws:SourceArn': { 'Fn::Sub': 'arn:${AWS::Partition}:iot:${AWS::Region}:${AWS::AccountId}:package/*' } },
          },
        },
      ]);
    });

    it('denies requests without TLS', () => {
      const policy = resource('ArtifactBucketPolicy').Properties;
      expect(policy.Bucket).toEqual(ref('ArtifactBucket'));
      expect((policy.PolicyDocument as JsonObject).Statement).toContainEqual({
        Sid: 'DenyInsecureTransport',
        Effect: 'Deny',
        Principal: '*',
        Action: 's3:*',
        Resource: [getAtt('ArtifactBucket'), { 'Fn::Sub': '${ArtifactBucket.Arn}/*' }],
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      });
    });
  });

  it('idempotency table: on-demand, key id, TTL on expiration, point-in-time recovery', () => {
    const p = resource('IdempotencyTable').Properties;
    expect(resource('IdempotencyTable').Type).toBe('AWS::DynamoDB::Table');
    expect(p.BillingMode).toBe('PAY_PER_REQUEST');
    expect(p.KeySchema).toEqual([{ AttributeName: 'id', KeyType: 'HASH' }]);
    expect(p.AttributeDefinitions).toEqual([{ AttributeName: 'id', AttributeType: 'S' }]);
    expect(p.TimeToLiveSpecification).toEqual({ AttributeName: 'expiration', Enabled: true });
    expect(p.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
  });

  describe('trigger', () => {
    const triggerRule = () => {
      const rules = ofType('AWS::Events::Rule').filter(([, r]) => asArray(r.Properties.Targets as JsonObject[]).some((t) => JSON.stringify(t.Arn) === JSON.stringify(getAtt('TriggerLambdaFunction'))));
      expect(rules).toHaveLength(1);
      return rules[0]![1];
    };

    it('runs on Object Created under releases/ in the artifact bucket', () => {
      expect(triggerRule().Properties.EventPattern).toEqual({
        source: ['aws.s3'],
        'detail-type': ['Object Created'],
        detail: { bucket: { name: [ref('ArtifactBucket')] }, object: { key: [{ prefix: 'releases/' }] } },
      });
    });

    it('dead-letters events EventBridge cannot deliver, with a queue policy for that rule only', () => {
      const rule = triggerRule();
      const target = (rule.Properties.Targets as JsonObject[])[0]!;
      expect(target.DeadLetterConfig).toEqual({ Arn: getAtt('TriggerDeadLetterQueue') });
      expect(target.RetryPolicy).toEqual({ MaximumEventAgeInSeconds: expect.any(Number), MaximumRetryAttempts: expect.any(Number) });
      const statements = (resource('TriggerDeadLetterQueuePolicy').Properties.PolicyDocument as JsonObject).Statement as unknown as Statement[];
      expect(statements).toHaveLength(1);
      expect(statements[0]).toMatchObject({ Effect: 'Allow', Principal: { Service: 'events.amazonaws.com' }, Action: 'sqs:SendMessage', Resource: getAtt('TriggerDeadLetterQueue') });
      const sourceArn = JSON.stringify(statements[0]!.Condition);
      expect(sourceArn).toContain(`:rule/${String(rule.Properties.Name)}`);
    });

    it('sends failed asynchronous invocations (after 2 retries) to the dead-letter queue', () => {
      const [config] = ofType('AWS::Lambda::EventInvokeConfig').filter(([, r]) => JSON.stringify(r.Properties.FunctionName) === JSON.stringify(ref('TriggerLambdaFunction')));
      expect(config).toBeDefined();
      expect(config![1].Properties.MaximumRetryAttempts).toBe(2);
      expect(config![1].Properties.DestinationConfig).toEqual({ OnFailure: { Destination: getAtt('TriggerDeadLetterQueue') } });
      const send = roleStatements(roleIdOf('trigger')).filter((s) => asArray(s.Action).includes('sqs:SendMessage'));
      expect(send.map((s) => s.Resource)).toEqual([getAtt('TriggerDeadLetterQueue')]);
    });

    it('encrypts the dead-letter queue with SSE-SQS', () => {
      expect(resource('TriggerDeadLetterQueue').Properties.SqsManagedSseEnabled).toBe(true);
    });

    it('sends Object Created under sboms/ to sbomArrived, dead-lettered to the same queue (its rule named in the queue policy)', () => {
      const rules = ofType('AWS::Events::Rule').filter(([, r]) => asArray(r.Properties.Targets as JsonObject[]).some((t) => JSON.stringify(t.Arn) === JSON.stringify(getAtt('SbomArrivedLambdaFunction'))));
      expect(rules).toHaveLength(1);
      const rule = rules[0]![1];
      expect(rule.Properties.EventPattern).toEqual({ source: ['aws.s3'], 'detail-type': ['Object Created'], detail: { bucket: { name: [ref('ArtifactBucket')] }, object: { key: [{ prefix: 'sboms/' }] } } });
      expect((rule.Properties.Targets as JsonObject[])[0]!.DeadLetterConfig).toEqual({ Arn: getAtt('TriggerDeadLetterQueue') });
      const statements = (resource('TriggerDeadLetterQueuePolicy').Properties.PolicyDocument as JsonObject).Statement as unknown as Statement[];
      expect(JSON.stringify(statements[0]!.Condition)).toContain(`:rule/${String(rule.Properties.Name)}`);
      const [config] = ofType('AWS::Lambda::EventInvokeConfig').filter(([, r]) => JSON.stringify(r.Properties.FunctionName) === JSON.stringify(ref('SbomArrivedLambdaFunction')));
      expect(config![1].Properties.DestinationConfig).toEqual({ OnFailure: { Destination: getAtt('TriggerDeadLetterQueue') } });
    });
  });

  describe('failure notification', () => {
    const executionsArn = { 'Fn::Sub': 'arn:${AWS::Partition}:states:${AWS::Region}:${AWS::AccountId}:execution:${ReleaseStateMachine.Name}:*' };
    const rollbackExecutionsArn = { 'Fn::Sub': 'arn:${AWS::Partition}:states:${AWS::Region}:${AWS::AccountId}:execution:${RollbackStateMachine.Name}:*' };

    it('sends FAILED / TIMED_OUT / ABORTED executions of the release and the rollback machines to the notify function', () => {
      const rule = resource('ReleaseFailedRule');
      expect(rule.Type).toBe('AWS::Events::Rule');
      const pattern = rule.Properties.EventPattern as JsonObject;
      expect(pattern.source).toEqual(['aws.states']);
      expect(pattern['detail-type']).toEqual(['Step Functions Execution Status Change']);
      const detail = pattern.detail as JsonObject;
      expect([...(detail.status as string[])].sort()).toEqual(['ABORTED', 'FAILED', 'TIMED_OUT']);
      expect(detail.stateMachineArn).toEqual([ref('ReleaseStateMachine'), ref('RollbackStateMachine')]);
      const targets = rule.Properties.Targets as JsonObject[];
      expect(targets).toHaveLength(1);
      expect(targets[0]).toMatchObject({ Id: expect.any(String), Arn: getAtt('NotifyLambdaFunction') });
    });

    it('lets only that rule, the release-succeeded rule of the metrics and the approvals topic invoke the notify function', () => {
      const permissions = ofType('AWS::Lambda::Permission').filter(([, r]) => JSON.stringify(r.Properties.FunctionName).includes('"NotifyLambdaFunction"'));
      expect(permissions).toHaveLength(3);
      expect(permissions.map(([, p]) => p.Properties)).toContainEqual({ Action: 'lambda:InvokeFunction', FunctionName: getAtt('NotifyLambdaFunction'), Principal: 'sns.amazonaws.com', SourceArn: ref('ApprovalTopic') });
      expect(permissions.map(([, p]) => p.Properties)).toEqual(
        expect.arrayContaining(['ReleaseFailedRule', 'ReleaseSucceededRule'].map((rule) => ({
          Action: 'lambda:InvokeFunction',
          FunctionName: getAtt('NotifyLambdaFunction'),
          Principal: 'events.amazonaws.com',
          SourceArn: getAtt(rule),
        }))),
      );
    });

    it('gives the notify function the topic ARN', () => {
      const vars = (resource('NotifyLambdaFunction').Properties.Environment as JsonObject).Variables as JsonObject;
      expect(vars.FAILURE_TOPIC_ARN).toEqual(ref('FailureTopic'));
    });

    it('dead-letters events EventBridge cannot deliver, with a queue policy for that rule only', () => {
      const target = (resource('ReleaseFailedRule').Properties.Targets as JsonObject[])[0]!;
      expect(target.DeadLetterConfig).toEqual({ Arn: getAtt('NotifyDeadLetterQueue') });
      expect(target.RetryPolicy).toEqual({ MaximumEventAgeInSeconds: expect.any(Number), MaximumRetryAttempts: expect.any(Number) });
      const statements = (resource('NotifyDeadLetterQueuePolicy').Properties.PolicyDocument as JsonObject).Statement as unknown as Statement[];
      expect(statements).toEqual([
        expect.objectContaining({
          Effect: 'Allow',
          Principal: { Service: 'events.amazonaws.com' },
          Action: 'sqs:SendMessage',
          Resource: getAtt('NotifyDeadLetterQueue'),
          Condition: { ArnEquals: { 'aws:SourceArn': getAtt('ReleaseFailedRule') } },
        }),
      ]);
    });

    it('sends failed asynchronous invocations (after 2 retries) to the SSE dead-letter queue', () => {
      const [config] = ofType('AWS::Lambda::EventInvokeConfig').filter(([, r]) => JSON.stringify(r.Properties.FunctionName) === JSON.stringify(ref('NotifyLambdaFunction')));
      expect(config).toBeDefined();
      expect(config![1].Properties.MaximumRetryAttempts).toBe(2);
      expect(config![1].Properties.DestinationConfig).toEqual({ OnFailure: { Destination: getAtt('NotifyDeadLetterQueue') } });
      expect(resource('NotifyDeadLetterQueue').Properties.SqsManagedSseEnabled).toBe(true);
    });

    it('lets the notify role read executions of the two machines, publish to the topic and dead-letter, nothing more', () => {
      const statements = roleStatements(roleIdOf('notify')).filter((s) => !asArray(s.Action).some((a) => /^(logs|xray):/.test(a)));
      expect(statements.map(({ Sid: _sid, ...s }) => s)).toEqual([
        { Effect: 'Allow', Action: 'dynamodb:UpdateItem', Resource: getAtt('IdempotencyTable') },
        { Effect: 'Allow', Action: 'states:GetExecutionHistory', Resource: [executionsArn, rollbackExecutionsArn] },
        { Effect: 'Allow', Action: 'sns:Publish', Resource: ref('FailureTopic') },
        { Effect: 'Allow', Action: ['kms:GenerateDataKey', 'kms:Decrypt'], Resource: getAtt('FailureTopicKey') },
        { Effect: 'Allow', Action: 'sqs:SendMessage', Resource: getAtt('NotifyDeadLetterQueue') },
      ]);
    });

    it('encrypts the topic with a rotated customer managed key that CloudWatch alarms of this account may use', () => {
      expect(resource('FailureTopic').Properties.KmsMasterKeyId).toEqual(ref('FailureTopicKey'));
      const key = resource('FailureTopicKey').Properties;
      expect(key.EnableKeyRotation).toBe(true);
      const statements = (key.KeyPolicy as JsonObject).Statement as unknown as Statement[];
      expect(statements.find((s) => s.Sid === 'CloudWatchAlarmsPublish')).toEqual({
        Sid: 'CloudWatchAlarmsPublish',
        Effect: 'Allow',
        Principal: { Service: 'cloudwatch.amazonaws.com' },
        Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        Resource: '*',
        Condition: { StringEquals: { 'aws:SourceAccount': ref('AWS::AccountId') } },
      });
      const topicPolicy = ofType('AWS::SNS::TopicPolicy').filter(([, p]) => JSON.stringify(p.Properties.Topics) === JSON.stringify([ref('FailureTopic')]));
      expect(topicPolicy).toHaveLength(1);
      expect((topicPolicy[0]![1].Properties.PolicyDocument as JsonObject).Statement).toEqual([
        expect.objectContaining({ Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: 'sns:Publish', Resource: ref('FailureTopic') }),
      ]);
    });
  });

  describe('approval', () => {
    it('lets the state machine ask for approval on the approvals topic only (publish, with its key), nothing more', () => {
      const roleId = (resource('ReleaseStateMachine').Properties.RoleArn as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
      const asking = roleStatements(roleId).filter((s) => asArray(s.Action).some((a) => /^(sns|kms):/.test(a)));
      expect(asking.map(({ Sid: _sid, ...s }) => s)).toEqual([
        { Effect: 'Allow', Action: 'sns:Publish', Resource: ref('ApprovalTopic') },
        { Effect: 'Allow', Action: ['kms:GenerateDataKey', 'kms:Decrypt'], Resource: getAtt('FailureTopicKey') },
      ]);
    });

    it('keeps the task token away from the notification topic\'s subscribers: only the approvals topic gets it', () => {
      // The one place a token is sent: WaitForApproval's message attribute, to the approvals topic.
      const subs = resource('ReleaseStateMachine').Properties.DefinitionSubstitutions as JsonObject;
      const wait = (resource('ReleaseStateMachine').Properties.Definition as JsonObject).States as Record<string, JsonObject>;
      expect((wait.WaitForApproval!.Parameters as JsonObject).TopicArn).toBe('${ApprovalTopicArn}');
      expect(subs.ApprovalTopicArn).toEqual(ref('ApprovalTopic'));
      expect(Object.values(subs)).not.toContainEqual(ref('FailureTopic'));
      expect(resource('ApprovalTopic').Type).toBe('AWS::SNS::Topic');
      expect(resource('ApprovalTopic').Properties.KmsMasterKeyId).toEqual(ref('FailureTopicKey'));
      // notify is subscribed, and passes the text on to the failure topic (functions/notify).
      expect(resource('ApprovalTopicToNotify').Properties).toEqual({ TopicArn: ref('ApprovalTopic'), Protocol: 'lambda', Endpoint: getAtt('NotifyLambdaFunction') });
      const vars = (resource('NotifyLambdaFunction').Properties.Environment as JsonObject).Variables as JsonObject;
      expect(vars.APPROVAL_TOPIC_ARN).toEqual(ref('ApprovalTopic'));
    });

    it('lets only the state machine publish approval requests, and only notify subscribe (param approvalSubscribers adds principals)', () => {
      const policies = ofType('AWS::SNS::TopicPolicy').filter(([, p]) => JSON.stringify(p.Properties.Topics) === JSON.stringify([ref('ApprovalTopic')]));
      expect(policies).toHaveLength(1);
      const statements = (policies[0]![1].Properties.PolicyDocument as JsonObject).Statement as unknown as Statement[];
      expect(statements.filter((s) => s.Effect === 'Allow')).toEqual([]);
      expect(statements.find((s) => s.Action === 'sns:Publish')).toMatchObject({ Effect: 'Deny', Principal: '*', Resource: ref('ApprovalTopic'), Condition: { ArnNotEquals: { 'aws:PrincipalArn': getAtt('ReleaseStateMachineRole') } } });
      const subscribe = statements.find((s) => s.Action === 'sns:Subscribe')!;
      expect(subscribe).toMatchObject({ Effect: 'Deny', Principal: '*', Resource: ref('ApprovalTopic') });
      const notifyOnly = { StringNotEquals: { 'sns:Endpoint': getAtt('NotifyLambdaFunction') } };
      expect(subscribe.Condition).toEqual({ 'Fn::If': ['RestrictApprovalSubscribers', { ...notifyOnly, ArnNotLike: { 'aws:PrincipalArn': [] } }, notifyOnly] });
      expect(template.Conditions?.RestrictApprovalSubscribers).toEqual({ 'Fn::Not': [{ 'Fn::Equals': ['', ''] }] });
      expect(template.Outputs.ApprovalTopicArn).toMatchObject({ Value: ref('ApprovalTopic') });
    });

    it('keeps approving apart from releasing: SendTask* only in ReleaseApproverPolicy', () => {
      const actionsOf = (id: string) => ((resource(id).Properties.PolicyDocument as JsonObject).Statement as unknown as Statement[]).flatMap((s) => asArray(s.Action));
      expect(actionsOf('ReleaseApproverPolicy')).toEqual(expect.arrayContaining(['states:GetExecutionHistory', 'states:SendTaskSuccess', 'states:SendTaskFailure']));
      expect(actionsOf('ReleaseApproverPolicy')).not.toContain('s3:PutObject');
      expect(actionsOf('ReleaseOperatorPolicy').filter((a) => a.startsWith('states:SendTask'))).toEqual([]);
      expect(template.Outputs.ReleaseApproverPolicyArn).toMatchObject({ Value: ref('ReleaseApproverPolicy') });
    });
  });

  describe('operations', () => {
    it.each(['TriggerDeadLetterQueue', 'NotifyDeadLetterQueue'])('%s: one message alarms on the failure topic', (queue) => {
      const alarms = ofType('AWS::CloudWatch::Alarm').filter(([, a]) => JSON.stringify(a.Properties.Dimensions ?? []).includes(`"${queue}"`));
      expect(alarms).toHaveLength(1);
      expect(alarms[0]![1].Properties).toMatchObject({
        Namespace: 'AWS/SQS',
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Dimensions: [{ Name: 'QueueName', Value: getAtt(queue, 'QueueName') }],
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
        AlarmActions: [ref('FailureTopic')],
      });
    });

    it('expires staging/ copies after 30 days (longer than the 14 days of Redrive), never releases/ or builds/', () => {
      const rules = (resource('ArtifactBucket').Properties.LifecycleConfiguration as JsonObject).Rules as JsonObject[];
      const expiring = rules.filter((r) => r.ExpirationInDays !== undefined || r.NoncurrentVersionExpiration !== undefined);
      expect(expiring).toEqual([expect.objectContaining({ Prefix: 'staging/', Status: 'Enabled', ExpirationInDays: 30 })]);
      expect(expiring[0]!.ExpirationInDays as number).toBeGreaterThan(14);
    });

    it('traces with X-Ray only when asked (param tracing, default PassThrough)', () => {
      expect(resource('PromoteLambdaFunction').Properties.TracingConfig).toEqual({ Mode: 'PassThrough' });
      expect(resource('ReleaseStateMachine').Properties.TracingConfiguration).toEqual({ Enabled: { 'Fn::If': ['TracingActive', true, false] } });
      expect(template.Conditions?.TracingActive).toEqual({ 'Fn::Equals': ['PassThrough', 'Active'] });
    });
  });

  it('outputs what operators need', () => {
    for (const name of ['ArtifactBucketName', 'StateMachineArn', 'FailureTopicArn', 'IdempotencyTableName', 'TriggerDeadLetterQueueUrl', 'NotifyDeadLetterQueueUrl']) {
      expect(template.Outputs, name).toHaveProperty(name);
    }
    expect(template.Outputs.TriggerDeadLetterQueueUrl).toMatchObject({ Value: ref('TriggerDeadLetterQueue') });
    expect(template.Outputs.NotifyDeadLetterQueueUrl).toMatchObject({ Value: ref('NotifyDeadLetterQueue') });
  });

  it('declares the same functions in serverless.yml as the test expects', () => {
    expect(Object.keys(readServerlessYml().functions).sort()).toEqual(Object.keys(FUNCTIONS).sort());
  });
});
