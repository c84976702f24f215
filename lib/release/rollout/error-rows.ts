import type { ErrorEntry } from '../errors-catalog';

/** The staged rollout's errors (docs/rollout.md): rows of the one error catalog (lib/release/errors-catalog.ts), kept in the capability's room. */
export const ROLLOUT_ERROR_ROWS = {
  RolloutConfigInvalid: {
    raisedBy: 'step',
    retried: false,
    redrivable: true,
    action: 'fix "rollout" in config/packages.json and redeploy, then redrive (a release without the recipe its rollout needs: release it again with one)',
    meaning: "the package's `rollout` setting is wrong (the message names the setting), or does not fit the release (`jobDocument.recipe` without a recipe); no job was created (docs/rollout.md)",
  },
  RolloutLocked: {
    raisedBy: 'step',
    retried: true,
    redrivable: true,
    action: 'redrive: the retries ran out while another release of the package started a rollout stage',
    meaning: "another release of the package holds the package's rollout lease (it is starting a stage's job)",
  },
  RolloutStageInProgress: {
    raisedBy: 'step',
    retried: true,
    poll: 'RolloutStage',
    redrivable: true,
    action: 'redrive: it watches the stage job again (the polls ran out)',
    meaning: "the stage's IoT job still has queued or in-progress devices: the `WatchRolloutStage` poll (the message carries the counts)",
  },
  RolloutAborted: {
    raisedBy: 'step',
    retried: false,
    redrivable: true,
    action: 'fix the devices the counts name, then redrive: it runs the aborted stage again as a new job',
    meaning:
      'a stage stopped: its abort criteria canceled the job (`ABORT_CRITERIA_MET`, failure type in the message), fewer devices than `minSuccessPercent` ' +
      'succeeded (`BELOW_SUCCESS_CRITERION`), or someone canceled the job; the next stage never started and the default version did not move',
  },
  RolloutStageTimedOut: {
    raisedBy: 'step',
    retried: false,
    redrivable: true,
    action: 'redrive to watch the stage job again, or cancel the job and redrive to run the stage again',
    meaning: "the stage's job did not finish within the stage's `timeoutMinutes`",
  },
} as const satisfies Record<string, ErrorEntry>;
