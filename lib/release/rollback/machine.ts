/**
 * The rollback state machine is named after the release's: `<release machine>-rollback`
 * (resources/state-machine.yml; the local engine's `pkgrelease-local-rollback`), so whoever knows
 * the release's machine finds the rollback's without another output or option.
 */
export const ROLLBACK_MACHINE_SUFFIX = '-rollback';

export function rollbackMachineName(releaseMachineArnOrName: string): string {
  return `${releaseMachineArnOrName.split(':').pop()}${ROLLBACK_MACHINE_SUFFIX}`;
}

export function rollbackMachineArn(releaseMachineArn: string): string {
  return `${releaseMachineArn}${ROLLBACK_MACHINE_SUFFIX}`;
}
