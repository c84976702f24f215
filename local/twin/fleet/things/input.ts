/**
 * Request members of the IoT control plane's things, jobs and fleet-index operations. Unlike the
 * Software Package Catalog (ValidationException), these operations model InvalidRequestException
 * (400) for bad input; the message names the member like the service does.
 */
import { checkString, type StringConstraint } from '../../../../lib/release/constraints';
import { ServiceError } from '../../core/http';
import { paginate, type Json } from '../../core/validate';

export function invalidRequest(message: string): ServiceError {
  return new ServiceError(400, 'InvalidRequestException', message);
}

export function memberError(member: string, problem: string): ServiceError {
  return invalidRequest(`1 validation error detected: Value at '${member}' failed to satisfy constraint: Member ${problem}`);
}

export const notFound = (message: string) => new ServiceError(404, 'ResourceNotFoundException', message);
export const alreadyExists = (message: string, resourceId: string, resourceArn: string) =>
  new ServiceError(409, 'ResourceAlreadyExistsException', message, { resourceId, resourceArn });

export function check(value: string, c: StringConstraint, member: string): string {
  const problem = checkString(value, c);
  if (problem) throw memberError(member, problem);
  return value;
}

export function str(obj: Json, member: string, c?: StringConstraint, path = member): string | undefined {
  const value = obj[member];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw memberError(path, 'must be a string');
  return c ? check(value, c, path) : value;
}

export function reqStr(obj: Json, member: string, c?: StringConstraint, path = member): string {
  const value = str(obj, member, c, path);
  if (value === undefined) throw memberError(path, 'must not be null');
  return value;
}

export function num(obj: Json, member: string, range: { min?: number; max?: number }, opts: { integer?: boolean; path?: string } = {}): number | undefined {
  const path = opts.path ?? member;
  const value = obj[member];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw memberError(path, 'must be a number');
  if (opts.integer && !Number.isInteger(value)) throw memberError(path, 'must be an integer');
  if (range.min !== undefined && value < range.min) throw memberError(path, `must be greater than or equal to ${range.min}`);
  if (range.max !== undefined && value > range.max) throw memberError(path, `must be less than or equal to ${range.max}`);
  return value;
}

export function reqNum(obj: Json, member: string, range: { min?: number; max?: number }, opts: { integer?: boolean; path?: string } = {}): number {
  const value = num(obj, member, range, opts);
  if (value === undefined) throw memberError(opts.path ?? member, 'must not be null');
  return value;
}

export function bool(obj: Json, member: string, path = member): boolean | undefined {
  const value = obj[member];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw memberError(path, 'must be a boolean');
  return value;
}

export function oneOf<T extends string>(obj: Json, member: string, values: readonly T[], path = member): T | undefined {
  const value = str(obj, member, undefined, path);
  if (value === undefined) return undefined;
  if (!(values as readonly string[]).includes(value)) throw memberError(path, `must satisfy enum value set: [${values.join(', ')}]`);
  return value as T;
}

export function obj(o: Json, member: string, path = member): Json | undefined {
  const value = o[member];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) throw memberError(path, 'must be a structure');
  return value as Json;
}

export function list(o: Json, member: string, path = member): unknown[] | undefined {
  const value = o[member];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) throw memberError(path, 'must be a list');
  return value;
}

/** A list of structures, each checked by `each` with its path (`criteriaList[0]`). */
export function structList<T>(o: Json, member: string, each: (item: Json, path: string) => T, path = member): T[] | undefined {
  return list(o, member, path)?.map((item, i) => {
    const p = `${path}[${i}]`;
    if (typeof item !== 'object' || item === null || Array.isArray(item)) throw memberError(p, 'must be a structure');
    return each(item as Json, p);
  });
}

/** A `map<string,string>` member, keys and values checked. */
export function stringMap(o: Json, member: string, keyC: StringConstraint, valueC: StringConstraint, path = member): Record<string, string> | undefined {
  const map = obj(o, member, path);
  if (!map) return undefined;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(map)) {
    check(k, keyC, `${path}.key`);
    if (typeof v !== 'string') throw memberError(`${path}.${k}`, 'must be a string');
    out[k] = check(v, valueC, `${path}.${k}`);
  }
  return out;
}

/** A boolean query parameter (`force=true`). */
export function queryBool(query: URLSearchParams, name: string): boolean | undefined {
  const raw = query.get(name);
  if (raw === null || raw === '') return undefined;
  if (raw !== 'true' && raw !== 'false') throw memberError(name, 'must be a boolean');
  return raw === 'true';
}

/** An integer query parameter within [min, max]. */
export function queryInt(query: URLSearchParams, name: string, min: number, max: number): number | undefined {
  const raw = query.get(name);
  if (raw === null || raw === '') return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n)) throw memberError(name, 'must be an integer');
  if (n < min || n > max) throw memberError(name, `must be between ${min} and ${max}`);
  return n;
}

/** restJson timestamps are epoch seconds. */
export const seconds = (ms: number) => ms / 1000;

/** One page by an opaque token (validate.ts's encoding); a bad token is InvalidRequestException. */
export function page<T>(items: T[], size: number, token: string | null | undefined): { page: T[]; next?: string } {
  try {
    return paginate(items, size, token, 'nextToken');
  } catch {
    throw invalidRequest('The nextToken is not valid: pass the nextToken of the previous response');
  }
}
