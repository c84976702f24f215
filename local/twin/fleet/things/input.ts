/**
 * Request members of the IoT control plane's things, jobs and fleet-index operations. Unlike the
 * Software Package Catalog (ValidationException), these operations model InvalidRequestException
 * (400) for bad input; the message names the member like the service does.
 */
import { ServiceError } from '../../core/http';
import { memberChecks, paginate, type Json } from '../../core/validate';

export function invalidRequest(message: string): ServiceError {
  return new ServiceError(400, 'InvalidRequestException', message);
}

export function memberError(member: string, problem: string): ServiceError {
  return invalidRequest(`1 validation error detected: Value at '${member}' failed to satisfy constraint: Member ${problem}`);
}

export const notFound = (message: string) => new ServiceError(404, 'ResourceNotFoundException', message);
export const alreadyExists = (message: string, resourceId: string, resourceArn: string) =>
  new ServiceError(409, 'ResourceAlreadyExistsException', message, { resourceId, resourceArn });

export const { check, str, reqStr, bool, obj, oneOf, stringMap, queryInt } = memberChecks(memberError, 'a structure');

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

/** A boolean query parameter (`force=true`). */
export function queryBool(query: URLSearchParams, name: string): boolean | undefined {
  const raw = query.get(name);
  if (raw === null || raw === '') return undefined;
  if (raw !== 'true' && raw !== 'false') throw memberError(name, 'must be a boolean');
  return raw === 'true';
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
