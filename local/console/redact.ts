import { redact } from '../../lib/notifications/format';

/**
 * Every string the console sends to the page passes through here: state inputs and outputs (JSON
 * text) and causes may carry credentials (a CodePipeline job's artifactCredentials), masked by the
 * same rule as failure notifications.
 */
const CREDENTIAL_KEY = /^(accessKeyId|secretAccessKey|sessionToken)$/i;

export function withoutCredentials<T>(value: T): T {
  if (typeof value === 'string') return redact(value) as T;
  if (Array.isArray(value)) return value.map((v) => withoutCredentials(v)) as T;
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, CREDENTIAL_KEY.test(k) ? '<redacted>' : withoutCredentials(v)])) as T;
  }
  return value;
}
