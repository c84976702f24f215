/**
 * `--fleet-indexing` of `local serve` / `local publish` and the scenario field: `off` starts the
 * twin's account with fleet indexing OFF, as a fresh AWS account, to rehearse FleetIndexingDisabled
 * and its fix (`local doctor --fix-indexing`). Light: `--help` loads it.
 */
export const FLEET_INDEXING_MODES = ['on', 'off'] as const;
export type FleetIndexingMode = (typeof FLEET_INDEXING_MODES)[number];

export const FLEET_INDEXING_HELP =
  'off: the account starts with fleet indexing OFF, as a fresh AWS account (the first release fails with FleetIndexingDisabled until "local doctor --fix-indexing"); on (default): as the state dir has it, on in a new one';

/** The session option for a mode: `on` keeps what the state dir has (a new one starts with it on). */
export const fleetIndexingOption = (mode: FleetIndexingMode | undefined): { fleetIndexing?: false } => (mode === 'off' ? { fleetIndexing: false } : {});
