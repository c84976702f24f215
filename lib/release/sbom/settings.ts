import * as z from '../../validation/zod';

/**
 * Per-package SBOM policy. `required`: a release waits (as a state) for its SBOM and stops before
 * PUBLISH when AWS finds it invalid; `optional`: an SBOM found is attached and its validation
 * reported, never a gate; `off`: SBOMs are ignored.
 */
export const SBOM_POLICIES = ['required', 'optional', 'off'] as const;
export type SbomPolicy = (typeof SBOM_POLICIES)[number];
export const DEFAULT_SBOM_POLICY: SbomPolicy = 'optional';
/** How long a release waits for a required SBOM that has not arrived yet, from the execution start. */
export const DEFAULT_SBOM_WAIT_MINUTES = 30;
/** Bounded by the state machine's overall timeout (see statemachines/release.asl.json). */
export const MAX_SBOM_WAIT_MINUTES = 110;

export const SbomSettingsShape = {
  /** `required` | `optional` (default) | `off`. */
  sbom: z.optional(z.enum(SBOM_POLICIES)),
  /** Wait budget for a required SBOM, per run. Default: DEFAULT_SBOM_WAIT_MINUTES. */
  sbomWaitMinutes: z.optional(z.number().check(z.int(), z.positive(), z.maximum(MAX_SBOM_WAIT_MINUTES))),
};

/** The object key the convention gives a package version's SBOM in the artifact bucket. */
export function conventionalSbomKey(packageName: string, versionName: string): string {
  return `sboms/${packageName}/${versionName}/sbom.zip`;
}

export function sbomPolicy(settings: { sbom?: SbomPolicy }): SbomPolicy {
  return settings.sbom ?? DEFAULT_SBOM_POLICY;
}

export function sbomWaitMinutes(settings: { sbomWaitMinutes?: number }): number {
  return settings.sbomWaitMinutes ?? DEFAULT_SBOM_WAIT_MINUTES;
}
