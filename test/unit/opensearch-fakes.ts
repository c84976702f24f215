/**
 * Small in-memory stand-ins behind aws-sdk-client-mock for the OpenSearch step unit tests: one
 * lease row (the conditions of lib/release/lease.ts, evaluated like DynamoDB would) and one
 * OpenSearch package (status, AvailablePackageVersion, history). Every call lands in `sequence`,
 * so a test can assert what happened and in which order.
 */
import { type AttributeValue, ConditionalCheckFailedException, DynamoDBClient, GetItemCommand, UpdateItemCommand, type UpdateItemCommandInput } from '@aws-sdk/client-dynamodb';
import {
  DescribePackagesCommand,
  type DescribePackagesCommandInput,
  GetPackageVersionHistoryCommand,
  OpenSearchClient,
  UpdatePackageCommand,
  type UpdatePackageCommandInput,
} from '@aws-sdk/client-opensearch';
import { CopyObjectCommand, type CopyObjectCommandInput, S3Client } from '@aws-sdk/client-s3';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import type { UpdateOpenSearchDeps } from '../../lib/release/steps/update-opensearch';

export const ddb = mockClient(DynamoDBClient);
export const os = mockClient(OpenSearchClient);
export const s3 = mockClient(S3Client);

export const PACKAGE_ID = 'F111';
export const TABLE = 'idempotency';
export const NOW = 1_700_000_000_000;
export const TTL_SECONDS = 600;

export interface LeaseRow {
  owner?: string;
  holder?: string;
  fence: number;
  leaseExpiresAt: number;
  /** The holders' memo of what the package serves (lib/release/lease.ts ServedMemo). */
  served?: { version: string; packageId: string; packageVersion?: string };
  /** The head a rollback moved the package to (lib/release/rollback/epoch.ts): kept by every lease write. */
  rolledBack?: { epoch: number; head: string; barredThrough: string; token: string };
}

export interface FakePackage {
  status: string;
  available: string | null;
  history: { PackageVersion: string; CommitMessage?: string }[];
  errorDetails?: { ErrorType: string; ErrorMessage: string };
}

export interface Fakes {
  /** The lease item; undefined = never taken. */
  lease: { row?: LeaseRow };
  pkg: FakePackage;
  /** e.g. `lease:acquire ok`, `lease:renew lost`, `s3:CopyObject`, `es:UpdatePackage`, `es:DescribePackages`. */
  sequence: string[];
  /** Runs once, right before the next lease write: what other releases do meanwhile. */
  meanwhile?: () => void;
}

type LeaseOp = 'acquire' | 'renew' | 'release' | 'head';

function leaseOp(input: UpdateItemCommandInput): LeaseOp {
  const update = input.UpdateExpression ?? '';
  if (update.startsWith('REMOVE')) return 'release';
  if (update === 'SET #rolledBack = :rolledBack') return 'head';
  return update.includes('#owner = :owner') ? 'acquire' : 'renew';
}

/** Resets the mocks and installs fakes with this starting state. */
export function install(start: { lease?: LeaseRow; pkg: FakePackage }): Fakes {
  ddb.reset();
  os.reset();
  s3.reset();
  const fakes: Fakes = { lease: { row: start.lease && { ...start.lease } }, pkg: structuredClone(start.pkg), sequence: [] };

  ddb.on(GetItemCommand).callsFake(() => {
    fakes.sequence.push('lease:get');
    return { Item: fakes.lease.row && (marshall(fakes.lease.row, { removeUndefinedValues: true }) as Record<string, AttributeValue>) };
  });
  ddb.on(UpdateItemCommand).callsFake((input: UpdateItemCommandInput) => {
    const v = unmarshall(input.ExpressionAttributeValues ?? {}) as Record<string, string | number>;
    const op = leaseOp(input);
    const meanwhile = fakes.meanwhile;
    fakes.meanwhile = undefined;
    meanwhile?.();
    const row = fakes.lease.row;
    const held = row?.owner === v[':owner'] && row?.fence === v[':fence'];
    const ok = op === 'acquire' ? !row?.owner || row.owner === v[':owner'] || row.leaseExpiresAt < Number(v[':now']) : held;
    fakes.sequence.push(`lease:${op} ${ok ? 'ok' : 'lost'}`);
    if (!ok) {
      throw new ConditionalCheckFailedException({
        message: 'The conditional request failed',
        $metadata: {},
        Item: row ? (marshall(row, { removeUndefinedValues: true }) as Record<string, AttributeValue>) : undefined,
      });
    }
    const served = (v[':served'] as unknown as LeaseRow['served']) ?? row?.served;
    if (op === 'acquire') {
      fakes.lease.row = { owner: String(v[':owner']), holder: String(v[':holder']), fence: (row?.fence ?? 0) + 1, leaseExpiresAt: Number(v[':expiresAt']), served, rolledBack: row?.rolledBack };
    } else if (op === 'head') {
      row!.rolledBack = v[':rolledBack'] as unknown as LeaseRow['rolledBack'];
    } else if (op === 'renew') {
      Object.assign(row!, { leaseExpiresAt: Number(v[':expiresAt']), served });
    } else {
      fakes.lease.row = { fence: row!.fence, leaseExpiresAt: 0, served, rolledBack: row!.rolledBack };
    }
    return { Attributes: marshall(fakes.lease.row, { removeUndefinedValues: true }) };
  });

  const details = () => ({
    PackageID: PACKAGE_ID,
    PackageName: 'edge-agent-dict',
    PackageType: 'TXT-DICTIONARY' as const,
    PackageStatus: fakes.pkg.status as never,
    AvailablePackageVersion: fakes.pkg.available ?? undefined,
    ErrorDetails: fakes.pkg.errorDetails,
  });
  os.on(DescribePackagesCommand).callsFake((input: DescribePackagesCommandInput) => {
    fakes.sequence.push(`es:DescribePackages ${input.Filters?.[0]?.Name}`);
    return { PackageDetailsList: [details()] };
  });
  os.on(GetPackageVersionHistoryCommand).callsFake(() => {
    fakes.sequence.push('es:GetPackageVersionHistory');
    return { PackageVersionHistoryList: fakes.pkg.history.map((h) => ({ ...h, CreatedAt: new Date(NOW) })) };
  });
  os.on(UpdatePackageCommand).callsFake((input: UpdatePackageCommandInput) => {
    fakes.sequence.push('es:UpdatePackage');
    fakes.pkg.history.push({ PackageVersion: `v${fakes.pkg.history.length + 1}`, CommitMessage: input.CommitMessage });
    fakes.pkg.status = 'COPYING';
    return { PackageDetails: details() };
  });
  s3.on(CopyObjectCommand).callsFake((input: CopyObjectCommandInput) => {
    fakes.sequence.push(`s3:CopyObject ${input.Key}`);
    return { VersionId: 'staged-1' };
  });
  return fakes;
}

export function deps(now = NOW): UpdateOpenSearchDeps {
  return {
    opensearch: new OpenSearchClient({}),
    s3: new S3Client({}),
    stagingPrefix: 'staging/',
    lease: { dynamodb: new DynamoDBClient({}), table: TABLE, ttlSeconds: TTL_SECONDS, now: () => now },
  };
}

/** A lease row held by another execution, valid for a while. */
export function heldBy(owner: string, fence = 7, served?: LeaseRow['served']): LeaseRow {
  return { owner, holder: `edge-agent@9.9.9`, fence, leaseExpiresAt: NOW + 60_000, ...(served && { served }) };
}

/** The calls that change something outside the lease. */
export function mutations(fakes: Fakes): string[] {
  return fakes.sequence.filter((c) => c.startsWith('s3:CopyObject') || c === 'es:UpdatePackage');
}
