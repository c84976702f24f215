import type { ReleaseRequest } from '../request';
import { RolloutConfigInvalid } from './errors';
import type { RolloutSettings } from './settings';

/**
 * Prepare's check of the rollout against this release, before anything is created: a rollout whose
 * job document is the version's recipe needs a release with a recipe.
 */
export function checkRolloutFits(release: Pick<ReleaseRequest, 'packageName' | 'versionName' | 'recipe'>, rollout: RolloutSettings | undefined): void {
  if (rollout && 'recipe' in rollout.jobDocument && !release.recipe) {
    throw new RolloutConfigInvalid(
      `${release.packageName}: rollout.jobDocument is the version's recipe, but release ${release.versionName} has none; ` +
        'give "recipe" in the release manifest (with "allowRecipeFromManifest"), or set rollout.jobDocument to a jobTemplateArn or a document in config/packages.json',
    );
  }
}
