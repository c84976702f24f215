import type { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { IoTClient } from '@aws-sdk/client-iot';
import type { OpenSearchClient } from '@aws-sdk/client-opensearch';
import type { S3Client } from '@aws-sdk/client-s3';
import type { SFNClient } from '@aws-sdk/client-sfn';
import type { PackagesConfig } from '../../release/config';
import type { Check } from './check';
import { checkIndexing, fixIndexing } from './indexing';
import { checkOpenSearch } from './opensearch';
import { checkStack, checkTargets, type StackTargets } from './stack';

export type { Check } from './check';
export type { StackTargets } from './stack';

/**
 * `pkgrelease doctor`: what a release needs before the first upload, checked through the same APIs
 * against AWS or against the twin. The checks only read; `fixIndexing` (an explicit flag) is the
 * one change it can make, and the result says what it changed.
 */
export interface DoctorClients {
  iot: IoTClient;
  s3: S3Client;
  sfn: SFNClient;
  dynamodb: DynamoDBClient;
  opensearch: OpenSearchClient;
  /** Only to find the targets from a stack. */
  cfn?: CloudFormationClient;
}

export interface DoctorOptions {
  /** The stack's resources, known already (the twin's), or read from this stack's outputs. */
  target: { targets: StackTargets } | { stackName: string };
  config: PackagesConfig;
  fixIndexing?: boolean;
  /** The command line that fixes indexing, for the advice. */
  fixCommand: string;
}

export interface DoctorReport {
  checks: Check[];
  /** What `fixIndexing` changed (empty: nothing needed changing, or it was not asked for). */
  changed: string[];
  ok: boolean;
}

export async function runDoctor(clients: DoctorClients, opts: DoctorOptions): Promise<DoctorReport> {
  const changed = opts.fixIndexing ? await fixIndexing(clients.iot) : [];
  const stack =
    'stackName' in opts.target ? await checkStack(clients.cfn ?? missing('cfn'), opts.target.stackName) : { checks: [], targets: opts.target.targets };
  const groups = await Promise.all([
    checkIndexing(clients.iot, opts.fixCommand),
    stack.targets ? checkTargets(clients, stack.targets) : Promise.resolve([]),
    checkOpenSearch(clients.opensearch, opts.config),
  ]);
  const checks = [groups[0], stack.checks, groups[1], groups[2]].flat();
  return { checks, changed, ok: checks.every((c) => c.ok) };
}

function missing(client: string): never {
  throw new Error(`runDoctor needs a ${client} client to read the stack`);
}
