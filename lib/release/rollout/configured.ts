import { packagesConfigFromEnv, packageSettings } from '../config';
import { RolloutConfigInvalid } from './errors';
import type { RolloutSettings } from './settings';

/*
 * Apart from state.ts, which the release request's schema reads: functions that never read
 * PACKAGES_CONFIG must not bundle the configuration schema.
 */

/** The package's rollout as configured now (a redrive after a configuration fix reads the fix). */
export function rolloutSettingsOf(packageName: string): RolloutSettings {
  const settings = packageSettings(packagesConfigFromEnv(), packageName).rollout;
  if (!settings) throw new RolloutConfigInvalid(`package "${packageName}" has no rollout in config/packages.json any more, but this release started one; add it back and redeploy, or start a new execution`);
  return settings;
}

