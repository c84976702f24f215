/**
 * Constraints of AWS IoT Jobs, things and fleet indexing, copied from the botocore model
 * (`shared/aws-models/iot-jobs-fleet.botocore.json`) and, where the model gives no bound, from the
 * API reference (marked "docs"). The rollout configuration and the twin's stand-ins read them.
 */
import type { StringConstraint } from './constraints';

const MAX = Number.MAX_SAFE_INTEGER;

export const IOT_JOBS = {
  jobId: { shape: 'JobId', min: 1, max: 64, pattern: /^[a-zA-Z0-9_-]+$/ },
  jobTemplateId: { shape: 'JobTemplateId', min: 1, max: 64, pattern: /^[a-zA-Z0-9_-]+$/ },
  jobTemplateArn: { shape: 'JobTemplateArn', min: 1, max: 1600, pattern: /^arn:[!-~]+$/ },
  packageVersionArn: { shape: 'PackageVersionArn', min: 1, max: 1600, pattern: /^arn:[!-~]+$/ },
  targetArn: { shape: 'TargetArn', min: 0, max: 2048 },
  description: { shape: 'JobDescription', min: 0, max: 2028, pattern: /^[^\p{C}]+$/u },
  comment: { shape: 'Comment', min: 0, max: 2028, pattern: /^[^\p{C}]+$/u },
  reasonCode: { shape: 'ReasonCode', min: 0, max: 128, pattern: /^[\p{Lu}\p{Nd}_]+$/u },
  document: { shape: 'JobDocument', min: 0, max: 32768 },
  documentSource: { shape: 'JobDocumentSource', min: 1, max: 1350 },
  roleArn: { shape: 'RoleArn', min: 20, max: 2048 },
  namespaceId: { shape: 'NamespaceId', min: 0, max: MAX, pattern: /^[a-zA-Z0-9_-]+$/ },
  parameterKey: { shape: 'ParameterKey', min: 1, max: 128, pattern: /^[a-zA-Z0-9_-]+$/ },
  parameterValue: { shape: 'ParameterValue', min: 1, max: 30720, pattern: /^[^\p{C}]+$/u },
  cron: { shape: 'CronExpression', min: 1, max: 256 },
  stringDateTime: { shape: 'StringDateTime', min: 1, max: 64 },
  thingName: { shape: 'ThingName', min: 1, max: 128, pattern: /^[a-zA-Z0-9:_-]+$/ },
  thingGroupName: { shape: 'ThingGroupName', min: 1, max: 128, pattern: /^[a-zA-Z0-9:_-]+$/ },
  thingGroupDescription: { shape: 'ThingGroupDescription', min: 0, max: 2028, pattern: /^[\p{L}\p{N}\p{P}\p{S}\x20]*$/u },
  thingTypeName: { shape: 'ThingTypeName', min: 1, max: 128, pattern: /^[a-zA-Z0-9:_-]+$/ },
  attributeName: { shape: 'AttributeName', min: 0, max: 128, pattern: /^[a-zA-Z0-9_.,@/:#-]+$/ },
  attributeValue: { shape: 'AttributeValue', min: 0, max: 800, pattern: /^[a-zA-Z0-9_.,@/:#=[\]-]*$/ },
  indexName: { shape: 'IndexName', min: 1, max: 128, pattern: /^[a-zA-Z0-9:_-]+$/ },
  shadowName: { shape: 'ShadowName', min: 1, max: 64, pattern: /^[$a-zA-Z0-9:_-]+$/ },
  detailsKey: { shape: 'DetailsKey', min: 1, max: 128, pattern: /^[a-zA-Z0-9:_-]+$/ },
  /** docs: "Up to 25 package version ARNs are allowed." */
  destinationPackageVersionsMax: 25,
  /** LaserMaxResults (jobs) and RegistryMaxResults (things). */
  listMaxResults: { min: 1, max: 250 },
  /** MaxJobExecutionsPerMin: model min 1; docs: at most 1000. */
  maximumPerMinute: { min: 1, max: 1000 },
  /** RolloutRatePerMinute. */
  baseRatePerMinute: { min: 1, max: 1000 },
  /** IncrementFactor. */
  incrementFactor: { min: 1.1, max: 5 },
  /** AbortThresholdPercentage: model max 100; a percentage, so > 0. */
  thresholdPercentage: { min: 0, max: 100 },
  /** MinimumNumberOfExecutedThings. */
  minNumberOfExecutedThings: { min: 1 },
  /** docs: inProgressTimeoutInMinutes from 1 minute to 7 days. */
  inProgressTimeoutInMinutes: { min: 1, max: 10080 },
  /** NumberOfRetries; RetryCriteriaList holds 1 or 2 entries. */
  numberOfRetries: { min: 0, max: 10 },
  retryCriteria: { min: 1, max: 2 },
  /** ExpiresInSec. */
  expiresInSec: { min: 60, max: 3600 },
  /** DurationInMinutes of a maintenance window. */
  maintenanceWindowMinutes: { min: 1, max: 1430 },
  /** SearchQueryMaxResults: model min 1; its documentation: "cannot exceed 100". */
  searchMaxResults: { min: 1, max: 100 },
  /** TermsAggregation.maxBuckets: "Default to 10". */
  defaultMaxBuckets: 10,
  /** MaxBuckets. */
  maxBuckets: { min: 1, max: 10000 },
  targetSelections: ['CONTINUOUS', 'SNAPSHOT'] as const,
  jobStatuses: ['IN_PROGRESS', 'CANCELED', 'COMPLETED', 'DELETION_IN_PROGRESS', 'SCHEDULED'] as const,
  executionStatuses: ['QUEUED', 'IN_PROGRESS', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'REJECTED', 'REMOVED', 'CANCELED'] as const,
  failureTypes: ['FAILED', 'REJECTED', 'TIMED_OUT', 'ALL'] as const,
  retryableFailureTypes: ['FAILED', 'TIMED_OUT', 'ALL'] as const,
  abortActions: ['CANCEL'] as const,
  endBehaviors: ['STOP_ROLLOUT', 'CANCEL', 'FORCE_CANCEL'] as const,
  thingIndexingModes: ['OFF', 'REGISTRY', 'REGISTRY_AND_SHADOW'] as const,
  /** The reserved named shadow a job with destinationPackageVersions reports into. */
  packageShadowName: '$package',
  /** The thing index's one name. */
  thingIndexName: 'AWS_Things',
} as const satisfies Record<string, unknown>;

export type JobStatus = (typeof IOT_JOBS.jobStatuses)[number];
export type JobExecutionStatus = (typeof IOT_JOBS.executionStatuses)[number];
export type JobFailureType = (typeof IOT_JOBS.failureTypes)[number];

/** Execution statuses a device can no longer leave. */
export const TERMINAL_EXECUTION_STATUSES: readonly JobExecutionStatus[] = ['SUCCEEDED', 'FAILED', 'TIMED_OUT', 'REJECTED', 'REMOVED', 'CANCELED'];

export type { StringConstraint };
