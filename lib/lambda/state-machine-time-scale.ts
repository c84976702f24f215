/**
 * Wall time per second of the state machine (its Wait and Retry seconds): 1 on AWS. The local
 * engine runs the ASL's seconds `timeScale` times faster (local/engine/time-scale.ts) and says so in
 * STATE_MACHINE_TIME_SCALE, so that a budget counted in those seconds (a wait of minutes) lasts as
 * many polls locally as on AWS.
 */
export function stateMachineTimeScale(): number {
  const scale = Number(process.env.STATE_MACHINE_TIME_SCALE ?? 1);
  return Number.isFinite(scale) && scale > 0 ? scale : 1;
}
