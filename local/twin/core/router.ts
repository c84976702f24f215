/** Route matching for the stand-ins: literal segments, `{label}` and greedy `{label+}`. */
import { type Route, ServiceError } from './http';

export interface CompiledRoute {
  route: Route;
  segments: { literal?: string; label?: string; greedy?: boolean }[];
}

export function compile(route: Route): CompiledRoute {
  const segments = route.path
    .split('/')
    .slice(1)
    .map((s) => {
      const m = /^\{([A-Za-z0-9_]+)(\+?)\}$/.exec(s);
      return m ? { label: m[1], greedy: m[2] === '+' } : { literal: s };
    });
  return { route, segments };
}

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new ServiceError(400, 'ValidationException', `Malformed percent-encoding in path: ${segment}`);
  }
}

/** Matches a raw path; a single trailing slash is ignored unless a greedy label takes it. */
export function matchPath(compiled: CompiledRoute, path: string): Record<string, string> | undefined {
  const parts = path.split('/').slice(1);
  const params: Record<string, string> = {};
  const segs = compiled.segments;
  for (let i = 0; i < segs.length; i++) {
    const seg = segs[i]!;
    if (seg.greedy && seg.label) {
      const rest = parts.slice(i).join('/');
      if (rest === '') return undefined;
      params[seg.label] = decode(rest);
      return params;
    }
    const part = parts[i];
    if (part === undefined) return undefined;
    if (seg.literal !== undefined) {
      if (seg.literal !== part) return undefined;
    } else if (seg.label) {
      if (part === '') return undefined;
      params[seg.label] = decode(part);
    }
  }
  const extra = parts.slice(segs.length);
  if (extra.length === 0 || (extra.length === 1 && extra[0] === '')) return params;
  return undefined;
}
