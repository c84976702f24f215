/**
 * Reads the two sources of truth the infra tests compare: statemachines/release.asl.json and
 * serverless.yml (plain YAML: osls `${...}` variables stay strings, CloudFormation functions are
 * written in their long `Fn::` form so any YAML parser reads the file).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const ASL_PATH = fileURLToPath(new URL('../../statemachines/release.asl.json', import.meta.url));
export const SERVERLESS_YML_PATH = fileURLToPath(new URL('../../serverless.yml', import.meta.url));

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export interface ServerlessFunction {
  handler: string;
  timeout?: number;
  role?: string;
  package?: { artifact?: string };
  environment?: Record<string, Json>;
  [key: string]: unknown;
}

export interface ServerlessYml {
  service: string;
  provider: JsonObject;
  functions: Record<string, ServerlessFunction>;
  resources: { Resources: Record<string, { Type: string; Properties?: JsonObject; [key: string]: Json | undefined }>; Outputs?: JsonObject };
  [key: string]: unknown;
}

export function readAslText(): string {
  return readFileSync(ASL_PATH, 'utf8');
}

export function readServerlessYml(): ServerlessYml {
  const yml = parse(readFileSync(SERVERLESS_YML_PATH, 'utf8')) as Omit<ServerlessYml, 'resources'> & { resources: unknown };
  return { ...yml, resources: mergeResources(yml.resources) } as ServerlessYml;
}

/**
 * `resources:` as osls reads it: an object, or a list of objects and `${file(./x.yml)}` includes,
 * merged section by section (Resources, Outputs, Conditions) as osls' mergeArrays does. A `.cjs`
 * include (config/function-roles.cjs) is code that osls runs: its resources are checked in the
 * packaged template only.
 */
function mergeResources(resources: unknown): ServerlessYml['resources'] {
  if (!Array.isArray(resources)) return resources as ServerlessYml['resources'];
  const merged: Record<string, Record<string, unknown>> = {};
  for (const part of resources) {
    const include = typeof part === 'string' ? /^\$\{file\((.+)\)\}$/.exec(part) : null;
    if (include && !/\.ya?ml$/.test(include[1]!)) continue;
    const object = (include ? parse(readFileSync(new URL(include[1]!, new URL('../../', import.meta.url)), 'utf8')) : part) as Record<string, Record<string, unknown>>;
    for (const [section, entries] of Object.entries(object)) merged[section] = { ...merged[section], ...entries };
  }
  return merged as unknown as ServerlessYml['resources'];
}

/** `${Name}` placeholders (DefinitionSubstitutions keys) used anywhere in the ASL text. */
export function aslPlaceholders(aslText: string): string[] {
  return [...new Set([...aslText.matchAll(/\$\{([A-Za-z0-9_]+)\}/g)].map((m) => m[1]!))].sort();
}

/** osls logical id of a function's AWS::Lambda::Function: `createVersion` -> `CreateVersionLambdaFunction`. */
export function lambdaLogicalId(functionKey: string): string {
  const normalized = functionKey.replace(/-/g, 'Dash').replace(/_/g, 'Underscore');
  return `${normalized[0]!.toUpperCase()}${normalized.slice(1)}LambdaFunction`;
}

/** Every state of the machine, including those nested in Parallel branches and Map iterators. */
export function allStates(machine: JsonObject): Array<[string, JsonObject]> {
  const out: Array<[string, JsonObject]> = [];
  const visit = (states: JsonObject) => {
    for (const [name, state] of Object.entries(states)) {
      const s = state as JsonObject;
      out.push([name, s]);
      for (const branch of (s.Branches as JsonObject[] | undefined) ?? []) visit(branch.States as JsonObject);
      const inner = (s.ItemProcessor ?? s.Iterator) as JsonObject | undefined;
      if (inner) visit(inner.States as JsonObject);
    }
  };
  visit(machine.States as JsonObject);
  return out;
}
