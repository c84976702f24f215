'use strict';
/**
 * The IAM role of every function, built while osls packages the service (serverless.yml:
 * `resources: - ${file(./config/function-roles.cjs)}`), so that what all roles share is written once.
 *
 * Each role = the base every function needs
 *   - OwnLogGroup: write its own log group (created by osls as <Function>LogGroup)
 *   - XRayTraces: upload trace segments (param `tracing`; granted either way so the template has
 *     one shape: the actions only write trace data and have no resource-level permissions)
 *   - the idempotency table, with the actions its code calls (Powertools idempotency records, or
 *     only the OpenSearch package lease, lib/release/lease.ts, and its learned durations,
 *     lib/release/poll-timing.ts; none for the SBOM steps)
 * + that function's own grants (GRANTS below). test/infra/function-roles.test.ts checks each role
 * against the AWS calls its bundle makes.
 */
const { iotArns } = require('./iot-arns.cjs');
const { rolloutArns } = require('./rollout-arns.cjs');

/** Powertools idempotency records (lib/lambda/idempotency.ts); all steps share the table. */
const RECORDS = ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'];
/** Take, renew or give back the OpenSearch package lease (conditional UpdateItem). */
const LEASE = ['dynamodb:UpdateItem'];
/** The lease, and a look at who holds it (GetItem). */
const LEASE_AND_LOOK = ['dynamodb:GetItem', 'dynamodb:UpdateItem'];
/** The lease, and the package's learned durations (lib/release/poll-timing.ts: an atomic append, no read). */
const LEASE_AND_DURATIONS = ['dynamodb:UpdateItem'];
/** Steps that converge by looking only (the SBOM steps): no table statement at all. */
const NO_TABLE = [];

const LAMBDA_TRUST = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
};

const allow = (Sid, Action, Resource) => ({ Sid, Effect: 'Allow', Action, Resource });
const getAtt = (id) => ({ 'Fn::GetAtt': [id, 'Arn'] });
const sub = (text) => ({ 'Fn::Sub': text });
const executionsArn = sub('arn:${AWS::Partition}:states:${AWS::Region}:${AWS::AccountId}:execution:${ReleaseStateMachine.Name}:*');
const rollbackExecutionsArn = sub('arn:${AWS::Partition}:states:${AWS::Region}:${AWS::AccountId}:execution:${RollbackStateMachine.Name}:*');
const domainsArn = sub('arn:${AWS::Partition}:es:${AWS::Region}:${AWS::AccountId}:domain/*');

/** Statements shared by several functions; `p` holds the bucket prefixes, `iot` the configured package ARNs, `jobs` the rollout's. */
function shared(p, iot, jobs) {
  const objects = (prefix) => sub(`\${ArtifactBucket.Arn}/${prefix}*`);
  const artifacts = [objects(p.releases), objects(p.builds)];
  return {
    readArtifacts: allow('ReadReleaseArtifacts', ['s3:GetObject', 's3:GetObjectVersion'], artifacts),
    // Without s3:ListBucket a missing key answers HeadObject with 403 instead of 404, and the step
    // could not tell "artifact not found" (a named, terminal error) from a permissions problem.
    listBucket: allow('MissingKeysAre404', 's3:ListBucket', getAtt('ArtifactBucket')),
    // A multipart artifact's parts and their checksums (GetObjectAttributes): its whole-object CRC
    // without reading the bytes. A versioned object needs both Version actions, an unversioned one the others.
    readArtifactParts: allow('ReadArtifactParts', ['s3:GetObjectAttributes', 's3:GetObjectVersionAttributes'], artifacts),
    // Staging an OpenSearch import: CopyObject of the pinned version (`?versionId=`) reads it with
    // s3:GetObjectVersion, and a tagged source's tags are copied too (tagging directive COPY).
    copyPinnedVersion: allow('CopyPinnedVersion', ['s3:GetObjectVersion', 's3:GetObjectVersionTagging'], artifacts),
    // The immutable staging copy; OpenSearch reads that key with the caller's permissions. Above
    // 5 GiB it is a multipart copy (UploadPartCopy), aborted when a part fails.
    stagingObjects: allow('StagingObjects', ['s3:PutObject', 's3:PutObjectTagging', 's3:GetObject', 's3:AbortMultipartUpload'], objects(p.staging)),
    // Package actions have no resource-level permissions in es (Service Authorization Reference).
    openSearchPackages: (actions) => allow('OpenSearchPackages', actions, '*'),
    // AssociatePackage and ListPackagesForDomain act on the `domain` resource type.
    openSearchDomains: allow('OpenSearchDomains', ['es:AssociatePackage', 'es:ListPackagesForDomain'], domainsArn),
    // Package calls are authorized against the package ARN; version calls against both the package
    // and the version ARN (IoT API reference), for the configured packages only.
    iotPackages: (actions) => allow('IotPackages', actions, iot.packages),
    iotVersions: (actions) => allow('IotPackageVersions', actions, iot.packagesAndVersions),
    // The SBOM calls act on the `packageversion` resource type alone (Service Authorization Reference).
    iotSboms: (actions) => allow('IotPackageVersionSboms', actions, iot.versions),
    // Every Software Package Catalog call also needs iot:GetIndexingConfiguration, which has no
    // resource-level permissions (Service Authorization Reference for AWS IoT).
    // By name: the state machine refers to the functions, so a function's role cannot refer to it.
    releaseExecutions: sub(`arn:\${AWS::Partition}:states:\${AWS::Region}:\${AWS::AccountId}:execution:${p.stateMachineName}:*`),
    iotIndexing: allow('IotIndexingConfiguration', 'iot:GetIndexingConfiguration', '*'),
    // A stage's job: CreateJob is authorized against the job, its target groups, the package versions
    // it deploys and its template; CancelJob (an older release's job) and DescribeJob against the job.
    startJobs: [
      allow('RolloutJobs', 'iot:CreateJob', [...jobs.jobs, ...jobs.thingGroups, ...iot.packagesAndVersions, ...jobs.jobTemplates]),
      allow('SupersedeRolloutJobs', 'iot:CancelJob', jobs.jobs),
      // The presigned-URL role (presignedUrlConfig), handed to IoT only.
      ...(jobs.passRoles.length
        ? [{ ...allow('PassPresignedUrlRole', 'iam:PassRole', jobs.passRoles), Condition: { StringEquals: { 'iam:PassedToService': 'iot.amazonaws.com' } } }]
        : []),
    ],
    describeJobs: allow('WatchRolloutJobs', 'iot:DescribeJob', jobs.jobs),
    // The SBOM steps pin the SBOM's newest object version (HeadObject) under sboms/ only.
    readSboms: allow('ReadSboms', ['s3:GetObject', 's3:GetObjectVersion'], objects(p.sboms)),
    // Lambda's asynchronous on-failure destination sends with the function's role.
    onFailure: (queue) => allow('OnFailureDestination', 'sqs:SendMessage', getAtt(queue)),
  };
}

/** serverless.yml function key -> policy name, table actions and own grants. */
function grants(s) {
  const opensearchUpdate = [s.openSearchPackages(['es:DescribePackages', 'es:GetPackageVersionHistory', 'es:UpdatePackage']), s.copyPinnedVersion, s.stagingObjects];
  return {
    trigger: { policy: 'trigger', table: RECORDS, own: [allow('StartRelease', 'states:StartExecution', { Ref: 'ReleaseStateMachine' }), s.onFailure('TriggerDeadLetterQueue')] },
    prepare: { policy: 'prepare', table: RECORDS, own: [s.readArtifacts, s.listBucket] },
    createVersion: {
      policy: 'create-version',
      table: RECORDS,
      own: [
        s.iotPackages(['iot:CreatePackage']),
        // TagResource: CreatePackageVersion with tags tags the new version.
        s.iotVersions(['iot:CreatePackageVersion', 'iot:GetPackageVersion', 'iot:TagResource']),
        s.iotIndexing,
        // IoT reads the artifact version with the caller's permissions; a version name that exists
        // already is compared by content (HeadObject checksums, the parts' CRCs, GetObject fallback).
        s.readArtifacts,
        s.readArtifactParts,
        s.listBucket,
      ],
    },
    // AWS IoT reads the SBOM itself, as iot.amazonaws.com (the bucket policy's grant).
    attachSbom: {
      policy: 'attach-sbom',
      table: NO_TABLE,
      own: [s.iotVersions(['iot:GetPackageVersion']), s.iotSboms(['iot:AssociateSbomWithPackageVersion']), s.iotIndexing, s.readSboms, s.listBucket],
    },
    // Attaches a corrected SBOM before it judges a failed validation.
    checkSbom: {
      policy: 'check-sbom',
      table: NO_TABLE,
      own: [s.iotVersions(['iot:GetPackageVersion']), s.iotSboms(['iot:AssociateSbomWithPackageVersion', 'iot:ListSbomValidationResults']), s.iotIndexing, s.readSboms, s.listBucket],
    },
    // An SBOM uploaded after its release: attached to the released version, never replacing one.
    sbomArrived: {
      policy: 'sbom-arrived',
      table: NO_TABLE,
      own: [s.iotVersions(['iot:GetPackageVersion']), s.iotSboms(['iot:AssociateSbomWithPackageVersion']), s.iotIndexing, s.readSboms, s.listBucket, s.onFailure('TriggerDeadLetterQueue')],
    },
    updateOpenSearch: { policy: 'update-opensearch', table: RECORDS, own: opensearchUpdate },
    // Re-applies this release when its import was lost: the same grants as updateOpenSearch.
    checkOpenSearch: { policy: 'check-opensearch', table: LEASE_AND_DURATIONS, own: opensearchUpdate },
    applyToDomains: {
      policy: 'apply-to-domains',
      table: LEASE_AND_LOOK,
      own: [s.openSearchPackages(['es:DescribePackages', 'es:GetPackageVersionHistory', 'es:ListDomainsForPackage']), s.openSearchDomains],
    },
    // A redrive associates a failed domain again (AssociatePackage).
    checkDomains: { policy: 'check-domains', table: LEASE_AND_DURATIONS, own: [s.openSearchPackages(['es:GetPackageVersionHistory']), s.openSearchDomains] },
    promote: {
      policy: 'promote',
      table: RECORDS,
      own: [
        s.iotPackages(['iot:GetPackage', 'iot:UpdatePackage']),
        s.iotVersions(['iot:GetPackageVersion', 'iot:UpdatePackageVersion']),
        // `if-newer` lists the PUBLISHED versions; ListPackageVersions has no resource-level permissions.
        allow('IotListPackageVersions', 'iot:ListPackageVersions', '*'),
        s.iotIndexing,
        // An approval counts only as the execution's history shows it (lib/release/approval-proof.ts).
        allow('ReadApproval', 'states:GetExecutionHistory', s.releaseExecutions),
      ],
    },
    // The rollout (lib/release/rollout/): the package's rollout lease and its records are items of the table.
    startRolloutStage: { policy: 'start-rollout-stage', table: LEASE_AND_LOOK, own: s.startJobs },
    // A redrive after RolloutAborted starts the stage's next attempt from the watch.
    watchRolloutStage: { policy: 'watch-rollout-stage', table: LEASE_AND_LOOK, own: [s.describeJobs, ...s.startJobs] },
    rolloutDefault: { policy: 'rollout-default', table: LEASE_AND_LOOK, own: [s.iotPackages(['iot:GetPackage', 'iot:UpdatePackage']), s.iotIndexing] },
    // The rollback state machine (docs/rollback.md): the same grants as the release steps it mirrors.
    rollbackValidate: {
      policy: 'rollback-validate',
      table: RECORDS,
      // The target's pinned S3 object version must still exist (HeadObject of that version).
      own: [s.iotVersions(['iot:GetPackageVersion']), allow('IotListPackageVersions', 'iot:ListPackageVersions', '*'), s.iotIndexing, s.readArtifacts, s.listBucket],
    },
    rollbackOpenSearch: { policy: 'rollback-opensearch', table: LEASE, own: opensearchUpdate },
    rollbackCatalog: {
      policy: 'rollback-catalog',
      table: RECORDS,
      // ListPackageVersions: a release newer than the rolled back head keeps the default (lib/release/rollback/catalog.ts).
      own: [s.iotPackages(['iot:GetPackage', 'iot:UpdatePackage']), s.iotVersions(['iot:GetPackageVersion', 'iot:UpdatePackageVersion']), allow('IotListPackageVersions', 'iot:ListPackageVersions', '*'), s.iotIndexing],
    },
    rollbackCheckImport: { policy: 'rollback-check-import', table: LEASE, own: opensearchUpdate },
    rollbackApplyDomains: {
      policy: 'rollback-apply-domains',
      table: LEASE,
      own: [s.openSearchPackages(['es:DescribePackages', 'es:GetPackageVersionHistory', 'es:ListDomainsForPackage']), s.openSearchDomains],
    },
    rollbackCheckDomains: { policy: 'rollback-check-domains', table: LEASE, own: [s.openSearchPackages(['es:GetPackageVersionHistory']), s.openSearchDomains] },
    rollbackRollout: { policy: 'rollback-rollout', table: LEASE_AND_LOOK, own: [s.iotVersions(['iot:GetPackageVersion']), s.iotIndexing, s.describeJobs, ...s.startJobs] },
    notify: {
      policy: 'notify',
      // A failed execution gives back the OpenSearch package lease it held (lib/release/lease-cleanup.ts).
      table: LEASE,
      own: [
        // The event names the execution but not the failed state: read it from the history.
        allow('ReadFailedExecution', 'states:GetExecutionHistory', [executionsArn, rollbackExecutionsArn]),
        allow('PublishFailures', 'sns:Publish', { Ref: 'FailureTopic' }),
        // Publishing to a topic encrypted with a customer managed key uses the key.
        allow('EncryptFailures', ['kms:GenerateDataKey', 'kms:Decrypt'], getAtt('FailureTopicKey')),
        s.onFailure('NotifyDeadLetterQueue'),
      ],
    },
  };
}

/** osls' logical id prefix of a function key: `createVersion` -> `CreateVersion`. */
const logicalName = (key) => {
  const normalized = key.replace(/-/g, 'Dash').replace(/_/g, 'Underscore');
  return `${normalized[0].toUpperCase()}${normalized.slice(1)}`;
};

function base(key, table) {
  return [
    allow('OwnLogGroup', ['logs:CreateLogStream', 'logs:PutLogEvents'], getAtt(`${logicalName(key)}LogGroup`)),
    allow('XRayTraces', ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], '*'),
    ...(table.length === 0 ? [] : [allow(table === RECORDS ? 'IdempotencyRecords' : 'OpenSearchLease', table.length === 1 ? table[0] : table, getAtt('IdempotencyTable'))]),
  ];
}

/**
 * `{ <Function>Role: AWS::IAM::Role }` for every function.
 * @param {{ releases: string, builds: string, staging: string, sboms: string, stateMachineName: string }} prefixes  the bucket's key prefixes and the release state machine's name
 * @param {{ packages: object[], versions: object[], packagesAndVersions: object[] }} iot  from config/iot-arns.cjs
 * @param {{ jobs: object[], thingGroups: object[], jobTemplates: string[], passRoles: string[] }} jobs  from config/rollout-arns.cjs
 */
function functionRoles(prefixes, iot = iotArns(), jobs = rolloutArns()) {
  const resources = {};
  for (const [key, { policy, table, own }] of Object.entries(grants(shared(prefixes, iot, jobs)))) {
    resources[`${logicalName(key)}Role`] = {
      Type: 'AWS::IAM::Role',
      Properties: {
        AssumeRolePolicyDocument: LAMBDA_TRUST,
        Policies: [{ PolicyName: policy, PolicyDocument: { Version: '2012-10-17', Statement: [...base(key, table), ...own] } }],
      },
    };
  }
  return resources;
}

module.exports = async ({ resolveVariable }) => ({
  Resources: functionRoles({
    releases: await resolveVariable('self:custom.releasesPrefix'),
    builds: await resolveVariable('self:custom.buildsPrefix'),
    staging: await resolveVariable('self:custom.stagingPrefix'),
    sboms: await resolveVariable('self:custom.sbomsPrefix'),
    stateMachineName: await resolveVariable('self:custom.stateMachineName'),
  }),
});
module.exports.functionRoles = functionRoles;
