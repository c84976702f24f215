import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/** The house rule: a file that outgrows this holds more than one role and is split by role. */
const MAX_LINES = 300;
/** And a line that outgrows this is read by scrolling: wrap the call, the object or the message. */
const MAX_LINE_CHARS = 250;
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sources(path);
    return /\.(ts|mts|cts|js|mjs|cjs)$/.test(e.name) ? [path] : [];
  });
}

describe('file size', () => {
  it(`no source file in lib/, local/ or cli/ is over ${MAX_LINES} lines`, () => {
    const files = ['lib', 'local', 'cli'].flatMap((d) => sources(join(ROOT, d)));
    expect(files.length).toBeGreaterThan(50);
    const long = files.map((f) => ({ file: relative(ROOT, f), lines: readFileSync(f, 'utf8').split('\n').length - 1 })).filter((f) => f.lines > MAX_LINES);
    expect(long).toEqual([]);
  });

  it(`no line in lib/, local/, cli/ or functions/ is over ${MAX_LINE_CHARS} characters`, () => {
    const files = ['lib', 'local', 'cli', 'functions'].flatMap((d) => sources(join(ROOT, d)));
    const wide = files.flatMap((f) =>
      readFileSync(f, 'utf8')
        .split('\n')
        .flatMap((line, i) => (line.length > MAX_LINE_CHARS ? [`${relative(ROOT, f)}:${i + 1} (${line.length})`] : [])),
    );
    expect(wide).toEqual([]);
  });
});
