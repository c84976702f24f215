/**
 * The fleet indexing query language, as far as fleet views use it: `field:value` terms with `*`
 * and `?` wildcards, quoted values, numeric ranges `field:[a TO b]` / `{a TO b}`, `AND`, `OR`,
 * `NOT` (implicit AND between terms) and parentheses. A malformed query is InvalidQueryException.
 */
import { ServiceError } from '../../core/http';

export type Query =
  | { kind: 'all' }
  | { kind: 'term'; field: string; value: string; quoted: boolean }
  | { kind: 'range'; field: string; low: number; high: number; lowInclusive: boolean; highInclusive: boolean }
  | { kind: 'and' | 'or'; items: Query[] }
  | { kind: 'not'; item: Query };

/** One indexed thing as dotted paths: `shadow.name.$package.reported.fw.version` → ['1.2.0']. */
export type IndexedDoc = Map<string, string[]>;

export const invalidQuery = (message: string) => new ServiceError(400, 'InvalidQueryException', message);

type Token = { t: '(' | ')' | 'AND' | 'OR' | 'NOT' } | { t: 'word'; text: string; quoted: boolean };

function tokenize(q: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < q.length) {
    const c = q[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '(' || c === ')') {
      out.push({ t: c });
      i++;
    } else {
      let text = '';
      let quoted = false;
      while (i < q.length && !/[\s()]/.test(q[i]!)) {
        if (q[i] === '"') {
          const end = q.indexOf('"', i + 1);
          if (end < 0) throw invalidQuery(`Unterminated quoted value in query: ${q}`);
          text += q.slice(i + 1, end);
          quoted = true;
          i = end + 1;
        } else if (q[i] === '[' || q[i] === '{') {
          const end = q.slice(i).search(/[\]}]/);
          if (end < 0) throw invalidQuery(`Unterminated range in query: ${q}`);
          text += q.slice(i, i + end + 1);
          i += end + 1;
        } else if (q[i] === '\\' && i + 1 < q.length) {
          text += q[i + 1];
          i += 2;
        } else text += q[i++];
      }
      if (!quoted && (text === 'AND' || text === 'OR' || text === 'NOT')) out.push({ t: text });
      else out.push({ t: 'word', text, quoted });
    }
  }
  return out;
}

export function parseQuery(q: string): Query {
  const tokens = tokenize(q);
  let pos = 0;
  const peek = () => tokens[pos];
  const orExpr = (): Query => {
    const items = [andExpr()];
    while (peek()?.t === 'OR') {
      pos++;
      items.push(andExpr());
    }
    return items.length === 1 ? items[0]! : { kind: 'or', items };
  };
  const andExpr = (): Query => {
    const items = [unary()];
    for (;;) {
      const next = peek();
      if (next?.t === 'AND') {
        pos++;
        items.push(unary());
      } else if (next && (next.t === 'word' || next.t === '(' || next.t === 'NOT')) items.push(unary());
      else break;
    }
    return items.length === 1 ? items[0]! : { kind: 'and', items };
  };
  const unary = (): Query => {
    const token = tokens[pos++];
    if (!token) throw invalidQuery(`Query ends where a term is expected: ${q}`);
    if (token.t === 'NOT') return { kind: 'not', item: unary() };
    if (token.t === '(') {
      const inner = orExpr();
      if (tokens[pos++]?.t !== ')') throw invalidQuery(`Missing ")" in query: ${q}`);
      return inner;
    }
    if (token.t !== 'word') throw invalidQuery(`Unexpected "${token.t}" in query: ${q}`);
    return term(token.text, token.quoted, q);
  };
  const result = orExpr();
  if (pos < tokens.length) throw invalidQuery(`Unexpected "${JSON.stringify(tokens[pos])}" in query: ${q}`);
  return result;
}

function term(text: string, quoted: boolean, q: string): Query {
  if (text === '*' && !quoted) return { kind: 'all' };
  // Field names may hold `$` and dots; the first colon ends the field.
  const colon = text.indexOf(':');
  if (colon <= 0 || colon === text.length - 1) throw invalidQuery(`"${text}" is not a field:value term (query: ${q})`);
  const field = text.slice(0, colon);
  const value = text.slice(colon + 1);
  const range = /^([[{])\s*(\S+)\s+TO\s+(\S+)\s*([\]}])$/.exec(value);
  if (range && !quoted) {
    const low = range[2] === '*' ? -Infinity : Number(range[2]);
    const high = range[3] === '*' ? Infinity : Number(range[3]);
    if (Number.isNaN(low) || Number.isNaN(high)) throw invalidQuery(`Range bounds must be numbers: ${text}`);
    return { kind: 'range', field, low, high, lowInclusive: range[1] === '[', highInclusive: range[4] === ']' };
  }
  return { kind: 'term', field, value, quoted };
}

const wildcard = (pattern: string) => new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 's');

export function matches(query: Query, doc: IndexedDoc): boolean {
  switch (query.kind) {
    case 'all':
      return true;
    case 'and':
      return query.items.every((q) => matches(q, doc));
    case 'or':
      return query.items.some((q) => matches(q, doc));
    case 'not':
      return !matches(query.item, doc);
    case 'range':
      return (doc.get(query.field) ?? []).some((v) => {
        const n = Number(v);
        if (Number.isNaN(n)) return false;
        return (query.lowInclusive ? n >= query.low : n > query.low) && (query.highInclusive ? n <= query.high : n < query.high);
      });
    case 'term': {
      const values = doc.get(query.field) ?? [];
      if (query.quoted || !/[*?]/.test(query.value)) return values.includes(query.value);
      const re = wildcard(query.value);
      return values.some((v) => re.test(v));
    }
  }
}

/** Flattens a JSON value into dotted paths (arrays: every element under the same path). */
export function flatten(value: unknown, prefix: string, into: IndexedDoc): void {
  if (value === null || value === undefined) return;
  if (Array.isArray(value)) {
    for (const v of value) flatten(v, prefix, into);
    return;
  }
  if (typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) flatten(v, prefix ? `${prefix}.${k}` : k, into);
    return;
  }
  const list = into.get(prefix) ?? [];
  list.push(String(value));
  into.set(prefix, list);
}
