import { readFileSync } from 'node:fs';

/** The one description of the flow: `statemachines/release.asl.json`, exactly as deployed. */
export const ASL_PATH = new URL('../../statemachines/release.asl.json', import.meta.url);
/** The rollback's flow (`pkgrelease rollback`), a state machine of its own. */
export const ROLLBACK_ASL_PATH = new URL('../../statemachines/rollback.asl.json', import.meta.url);

export interface AslDefinition {
  StartAt: string;
  TimeoutSeconds?: number;
  States: Record<string, { Type: string; Resource?: string; TimeoutSeconds?: number; [k: string]: unknown }>;
  [k: string]: unknown;
}

export function loadDefinitionText(path: URL = ASL_PATH): string {
  return readFileSync(path, 'utf8');
}

/** `${Name}` placeholders, in the order they appear. */
export function placeholders(text: string): string[] {
  return [...new Set([...text.matchAll(/\$\{(\w+)\}/g)].map((m) => m[1]!))];
}

/** Fills `${Name}` placeholders the way CloudFormation's DefinitionSubstitutions does. */
export function substitute(text: string, values: Record<string, string>): AslDefinition {
  const missing = placeholders(text).filter((p) => !(p in values));
  if (missing.length) throw new Error(`no substitution for ${missing.join(', ')}`);
  return JSON.parse(text.replace(/\$\{(\w+)\}/g, (_, name: string) => values[name]!)) as AslDefinition;
}
