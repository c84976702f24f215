/**
 * Input checks shared by the IoT and OpenSearch stand-ins. Both model `ValidationException` (400);
 * messages name the member like the real services do ("Value at 'versionName' failed to satisfy
 * constraint: ..."), without echoing the value (several members are modelled as sensitive).
 */
import { checkString, type StringConstraint } from '../../../lib/release/constraints';
import { ServiceError } from './http';

export function validationError(member: string, problem: string): ServiceError {
  return new ServiceError(
    400,
    'ValidationException',
    `1 validation error detected: Value at '${member}' failed to satisfy constraint: Member ${problem}`,
  );
}

export type Json = Record<string, unknown>;

/** Checks a string against a model constraint; throws ValidationException naming `member`. */
export function checkMember(value: string, c: StringConstraint, member: string): string {
  const problem = checkString(value, c);
  if (problem) throw validationError(member, problem);
  return value;
}

export function optString(obj: Json, member: string, c?: StringConstraint, path = member): string | undefined {
  const value = obj[member];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw validationError(path, 'must be a string');
  return c ? checkMember(value, c, path) : value;
}

export function reqString(obj: Json, member: string, c?: StringConstraint, path = member): string {
  const value = optString(obj, member, c, path);
  if (value === undefined) throw validationError(path, 'must not be null');
  return value;
}

export function optBoolean(obj: Json, member: string): boolean | undefined {
  const value = obj[member];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw validationError(member, 'must be a boolean');
  return value;
}

export function optObject(obj: Json, member: string, path = member): Json | undefined {
  const value = obj[member];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) throw validationError(path, 'must be an object');
  return value as Json;
}

export function optEnum<T extends string>(obj: Json, member: string, values: readonly T[]): T | undefined {
  const value = optString(obj, member);
  if (value === undefined) return undefined;
  if (!(values as readonly string[]).includes(value)) {
    throw validationError(member, `must satisfy enum value set: [${values.join(', ')}]`);
  }
  return value as T;
}

/** A `map<string,string>` member: every key and value checked against its constraint. */
export function optStringMap(
  obj: Json,
  member: string,
  keyC: StringConstraint,
  valueC: StringConstraint,
): Record<string, string> | undefined {
  const map = optObject(obj, member);
  if (!map) return undefined;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(map)) {
    checkMember(k, keyC, `${member}.key`);
    if (typeof v !== 'string') throw validationError(`${member}.${k}`, 'must be a string');
    out[k] = checkMember(v, valueC, `${member}.${k}`);
  }
  return out;
}

/** An integer query parameter such as maxResults, within [min, max]. */
export function queryInt(query: URLSearchParams, name: string, min: number, max: number): number | undefined {
  const raw = query.get(name);
  if (raw === null || raw === '') return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n)) throw validationError(name, 'must be an integer');
  if (n < min || n > max) throw validationError(name, `must be between ${min} and ${max}`);
  return n;
}

/** Opaque pagination tokens: base64url of the offset. Anything else is a ValidationException. */
export function encodeToken(offset: number): string {
  return Buffer.from(`twin:${offset}`).toString('base64url');
}

export function decodeToken(token: string | undefined | null, member: string): number {
  if (token === undefined || token === null || token === '') return 0;
  const m = /^twin:(\d+)$/.exec(Buffer.from(token, 'base64url').toString('utf8'));
  if (!m) throw validationError(member, 'is not a valid pagination token');
  return Number(m[1]);
}

/** One page of `items` from a token, plus the token for the next page when there is one. */
export function paginate<T>(items: T[], pageSize: number, token: string | undefined | null, member: string) {
  const start = decodeToken(token, member);
  const page = items.slice(start, start + pageSize);
  const next = start + pageSize < items.length ? encodeToken(start + pageSize) : undefined;
  return { page, next };
}
