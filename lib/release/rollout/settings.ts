import * as z from '../../validation/zod';
import { checkString } from '../constraints';
import { IOT_JOBS } from '../iot-jobs-constraints';

/**
 * Per-package staged rollout through AWS IoT Jobs (`rollout` in config/packages.json; off when
 * absent). After Promote publishes the version, each stage gets one job on its thing groups; the
 * next stage starts only once a stage passes (and, with `approveBeforeNext`, a person approves).
 * The constraints are the IoT Jobs model's (lib/release/iot-jobs-constraints.ts).
 */

/** Stage names go into job ids (`^[a-zA-Z0-9_-]+$`, 64 chars in all): short and plain. */
const STAGE_NAME = /^[a-zA-Z0-9_-]{1,16}$/;
/** A thing group ARN: arn:<partition>:iot:<region>:<account>:thinggroup/<name>. */
export const THING_GROUP_ARN = /^arn:aws[a-z-]*:iot:[a-z0-9-]+:\d{12}:thinggroup\/([a-zA-Z0-9:_-]+)$/;
const IAM_ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;
const JOB_TEMPLATE_ARN = /^arn:aws[a-z-]*:iot:[a-z0-9-]+:\d{12}:jobtemplate\/[a-zA-Z0-9_-]{1,64}$/;
/** Each stage's watch is bounded by the execution's overall timeout (statemachines/release.asl.json, 2 h). */
export const MAX_ROLLOUT_MINUTES = 100;
export const DEFAULT_STAGE_TIMEOUT_MINUTES = 30;
export const MAX_STAGES = 5;

export function isThingGroupRef(ref: string): boolean {
  const m = THING_GROUP_ARN.exec(ref);
  return checkString(m ? m[1]! : ref, IOT_JOBS.thingGroupName) === undefined;
}

const int = (min: number, max?: number) => z.number().check(z.int(), z.minimum(min), ...(max === undefined ? [] : [z.maximum(max)]));
const percent = z.number().check(z.minimum(0), z.maximum(100));

const AbortCriterionSchema = z.strictObject({
  /** FAILED | REJECTED | TIMED_OUT | ALL. */
  failureType: z.enum(IOT_JOBS.failureTypes),
  /** Share of the notified things that failed this way, in percent, at which the job is canceled. */
  thresholdPercentage: z.number().check(z.positive(), z.maximum(IOT_JOBS.thresholdPercentage.max)),
  /** How many things must have been notified before the criterion applies. */
  minNumberOfExecutedThings: int(IOT_JOBS.minNumberOfExecutedThings.min),
});

const RateSchema = z.union([
  z.strictObject({ maximumPerMinute: int(IOT_JOBS.maximumPerMinute.min, IOT_JOBS.maximumPerMinute.max) }),
  z.strictObject({
    maximumPerMinute: z.optional(int(IOT_JOBS.maximumPerMinute.min, IOT_JOBS.maximumPerMinute.max)),
    exponential: z.strictObject({
      baseRatePerMinute: int(IOT_JOBS.baseRatePerMinute.min, IOT_JOBS.baseRatePerMinute.max),
      incrementFactor: z.number().check(z.minimum(IOT_JOBS.incrementFactor.min), z.maximum(IOT_JOBS.incrementFactor.max)),
      /** Raise the rate after this many things were notified, or succeeded. */
      rateIncreaseCriteria: z.union([z.strictObject({ numberOfNotifiedThings: int(1) }), z.strictObject({ numberOfSucceededThings: int(1) })]),
    }),
  }),
]);

const MaintenanceWindowSchema = z.strictObject({
  /** A cron expression (IoT Jobs schedulingConfig). */
  startTime: z.string().check(z.minLength(IOT_JOBS.cron.min), z.maxLength(IOT_JOBS.cron.max)),
  durationInMinutes: int(IOT_JOBS.maintenanceWindowMinutes.min, IOT_JOBS.maintenanceWindowMinutes.max),
});

export const RolloutStageSchema = z.strictObject({
  /** Part of the stage's job id: `^[a-zA-Z0-9_-]{1,16}$`, unique within the rollout. */
  name: z.string().check(z.regex(STAGE_NAME, 'a stage name must match ^[a-zA-Z0-9_-]{1,16}$ (it is part of the job id)')),
  /** Thing groups by name or ARN (arn:aws:iot:<region>:<account>:thinggroup/<name>). */
  targets: z
    .array(z.string().check(z.refine(isThingGroupRef, 'a target must be a thing group name (^[a-zA-Z0-9:_-]+$, 1–128 chars) or a thing group ARN arn:aws:iot:<region>:<account>:thinggroup/<name>')))
    .check(z.minLength(1), z.maxLength(100)),
  /** The stage passes when its job completed with at least this share of its things SUCCEEDED. Default 100. */
  minSuccessPercent: z.optional(percent),
  /** IoT Jobs abortConfig: the job is canceled (and the rollout stops, RolloutAborted) when one is met. */
  abort: z.optional(z.array(AbortCriterionSchema).check(z.minLength(1), z.maxLength(IOT_JOBS.failureTypes.length))),
  /** IoT Jobs jobExecutionsRolloutConfig. */
  rate: z.optional(RateSchema),
  /** IoT Jobs timeoutConfig: an execution IN_PROGRESS this long is TIMED_OUT. */
  inProgressTimeoutMinutes: z.optional(int(IOT_JOBS.inProgressTimeoutInMinutes.min, IOT_JOBS.inProgressTimeoutInMinutes.max)),
  /** How long the release watches the stage's job before it fails with RolloutStageTimedOut. Default 30. */
  timeoutMinutes: z.optional(int(1, MAX_ROLLOUT_MINUTES)),
  /** IoT Jobs schedulingConfig.maintenanceWindows (one window). */
  maintenanceWindow: z.optional(MaintenanceWindowSchema),
  /** Wait for `pkgrelease approve` after this stage passed, before the next one starts. Default: no. */
  approveBeforeNext: z.optional(z.boolean()),
});
export type RolloutStage = z.infer<typeof RolloutStageSchema>;

/** The job document: the version's recipe, a job template, or a document in configuration. */
const JobDocumentSchema = z.union([
  z.strictObject({ recipe: z.literal(true) }),
  z.strictObject({ jobTemplateArn: z.string().check(z.regex(JOB_TEMPLATE_ARN, 'jobTemplateArn must be arn:aws:iot:<region>:<account>:jobtemplate/<id>')) }),
  z.strictObject({ document: z.record(z.string(), z.unknown()) }),
]);

export const RolloutSettingsSchema = z
  .strictObject({
    stages: z.array(RolloutStageSchema).check(z.minLength(1), z.maxLength(MAX_STAGES)),
    jobDocument: JobDocumentSchema,
    /** The role IoT assumes to presign `${aws:iot:package:…:artifact:s3-presigned-url}` (needed when the document uses it). */
    presignedUrlRoleArn: z.optional(z.string().check(z.regex(IAM_ROLE_ARN, 'presignedUrlRoleArn must be an IAM role ARN arn:aws:iam::<account>:role/<name>'))),
    presignedUrlExpiresInSec: z.optional(int(IOT_JOBS.expiresInSec.min, IOT_JOBS.expiresInSec.max)),
  })
  .check(
    z.superRefine((rollout, ctx) => {
      const seen = new Set<string>();
      rollout.stages.forEach((stage, i) => {
        if (seen.has(stage.name)) ctx.addIssue({ code: 'custom', path: ['stages', i, 'name'], message: `stage name "${stage.name}" is used twice; each stage needs its own name` });
        seen.add(stage.name);
      });
      const total = rollout.stages.reduce((n, s) => n + stageTimeoutMinutes(s), 0);
      if (total > MAX_ROLLOUT_MINUTES) {
        ctx.addIssue({ code: 'custom', path: ['stages'], message: `the stages' timeoutMinutes add up to ${total}; at most ${MAX_ROLLOUT_MINUTES} fit in one execution (default ${DEFAULT_STAGE_TIMEOUT_MINUTES} per stage)` });
      }
      const document = 'document' in rollout.jobDocument ? JSON.stringify(rollout.jobDocument.document) : '';
      if (document.includes(':artifact:s3-presigned-url}') && !rollout.presignedUrlRoleArn) {
        ctx.addIssue({ code: 'custom', path: ['presignedUrlRoleArn'], message: 'the job document uses an s3-presigned-url placeholder: set presignedUrlRoleArn to the role IoT presigns with' });
      }
      if (document.length > IOT_JOBS.document.max) ctx.addIssue({ code: 'custom', path: ['jobDocument', 'document'], message: `the job document is ${document.length} characters; IoT Jobs allows ${IOT_JOBS.document.max}` });
    }),
  );
export type RolloutSettings = z.infer<typeof RolloutSettingsSchema>;

export const RolloutSettingsShape = {
  /** Staged rollout to devices after Promote (docs/rollout.md). Default: none. */
  rollout: z.optional(RolloutSettingsSchema),
};

export function stageTimeoutMinutes(stage: Pick<RolloutStage, 'timeoutMinutes'>): number {
  return stage.timeoutMinutes ?? DEFAULT_STAGE_TIMEOUT_MINUTES;
}

export function minSuccessPercent(stage: Pick<RolloutStage, 'minSuccessPercent'>): number {
  return stage.minSuccessPercent ?? 100;
}
