import type { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { S3Client } from '@aws-sdk/client-s3';
import type { SFNClient } from '@aws-sdk/client-sfn';
import { bucketExists, bucketVersioning, describeStack, describeTable, stateMachineExists } from '../../clients/preconditions';
import { type Check, guarded, notOk, ok } from './check';

/**
 * The stack's own resources a release runs on: the artifact bucket (versioned: a release pins the
 * exact object version), the state machine, and the idempotency table.
 */
export interface StackTargets {
  bucket: string;
  stateMachineArn: string;
  idempotencyTable: string;
}

/** The stack outputs that name them (serverless.yml, Outputs). */
export const STACK_OUTPUTS = { bucket: 'ArtifactBucketName', stateMachineArn: 'StateMachineArn', idempotencyTable: 'IdempotencyTableName' } as const;
const COMPLETE = /_COMPLETE$/;

/** The stack's status and the targets its outputs name; `targets` is absent when the stack cannot say. */
export async function checkStack(cfn: CloudFormationClient, stackName: string): Promise<{ checks: Check[]; targets?: StackTargets }> {
  let targets: StackTargets | undefined;
  const name = `stack ${stackName}`;
  const checks = await guarded(name, 'cloudformation:DescribeStacks', async () => {
    const stack = await describeStack(cfn, stackName);
    if (!stack) return notOk(name, 'does not exist (in this account and region)', 'deploy it ("npx serverless deploy --stage <stage> --region <region>"), or pass --stack-name / --region for the right one');
    const outputs = Object.fromEntries((stack.Outputs ?? []).map((o) => [o.OutputKey, o.OutputValue]));
    const missing = Object.values(STACK_OUTPUTS).filter((k) => !outputs[k]);
    const status = stack.StackStatus ?? 'UNKNOWN';
    if (missing.length) return notOk(name, `${status}, without the output(s) ${missing.join(', ')}`, 'is it a pkgrelease stack? Deploy this version of pkgrelease to it');
    targets = { bucket: outputs[STACK_OUTPUTS.bucket]!, stateMachineArn: outputs[STACK_OUTPUTS.stateMachineArn]!, idempotencyTable: outputs[STACK_OUTPUTS.idempotencyTable]! };
    if (!COMPLETE.test(status) || /ROLLBACK|DELETE/.test(status)) return notOk(name, status, 'finish or fix the last deployment (see the stack\'s events), then deploy again');
    return ok(name, status);
  });
  return { checks, targets };
}

export interface StackClients {
  s3: S3Client;
  sfn: SFNClient;
  dynamodb: DynamoDBClient;
}

export async function checkTargets(clients: StackClients, targets: StackTargets): Promise<Check[]> {
  const bucket = `bucket ${targets.bucket}`;
  const machine = `state machine ${targets.stateMachineArn.split(':').pop()}`;
  const table = `table ${targets.idempotencyTable}`;
  const checks = await Promise.all([
    guarded(bucket, 's3:ListBucket and s3:GetBucketVersioning', async () => {
      if (!(await bucketExists(clients.s3, targets.bucket))) return notOk(bucket, 'does not exist', 'deploy the stack again: it creates the bucket');
      const versioning = await bucketVersioning(clients.s3, targets.bucket);
      if (versioning !== 'Enabled') return notOk(bucket, `versioning is ${versioning ?? 'off'}: a release pins the exact object version`, `aws s3api put-bucket-versioning --bucket ${targets.bucket} --versioning-configuration Status=Enabled`);
      return ok(bucket, 'exists, versioning Enabled');
    }),
    guarded(machine, 'states:ListExecutions', async () =>
      (await stateMachineExists(clients.sfn, targets.stateMachineArn)) ? ok(machine, 'exists') : notOk(machine, `${targets.stateMachineArn} does not exist`, 'deploy the stack again: it creates the state machine'),
    ),
    guarded(table, 'dynamodb:DescribeTable', async () => {
      const t = await describeTable(clients.dynamodb, targets.idempotencyTable);
      if (!t) return notOk(table, 'does not exist: every step keeps its idempotency record there', 'deploy the stack again: it creates the table');
      return t.TableStatus === 'ACTIVE' ? ok(table, 'ACTIVE') : notOk(table, `is ${t.TableStatus}`, 'wait until it is ACTIVE, then run doctor again');
    }),
  ]);
  return checks.flat();
}
