import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * The layers, lowest first: `lib` (release logic, AWS access, operations) is used by `local` (the
 * twin and the engine) and by `cli`; `local` is used by `cli`. An import from a lower layer into a
 * higher one is an arrow up. Docs generation lives in scripts/ (build tooling, above every layer),
 * so nothing under lib/ needs an exemption.
 */
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const LAYERS = ['lib', 'local', 'cli'] as const;
type Layer = (typeof LAYERS)[number];

/** Every module specifier of a file: static imports and re-exports, `import 'x'`, `import('x')`. */
function specifiers(source: string): string[] {
  const found: string[] = [];
  const patterns = [/\bfrom\s+['"]([^'"]+)['"]/g, /\bimport\s+['"]([^'"]+)['"]/g, /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g];
  for (const pattern of patterns) for (const m of source.matchAll(pattern)) found.push(m[1]!);
  return found;
}

function layerOf(path: string): Layer | undefined {
  const top = relative(ROOT, path).split(/[\\/]/)[0];
  return (LAYERS as readonly string[]).includes(top ?? '') ? (top as Layer) : undefined;
}

/** `from → to` for each relative import that runs from a lower layer to a higher one. */
function arrowsUp(files: { path: string; source: string }[]): string[] {
  const arrows: string[] = [];
  for (const { path, source } of files) {
    const from = layerOf(path);
    if (!from) continue;
    for (const spec of specifiers(source)) {
      if (!spec.startsWith('.')) continue;
      const to = layerOf(resolve(dirname(path), spec));
      if (to && LAYERS.indexOf(to) > LAYERS.indexOf(from)) arrows.push(`${relative(ROOT, path)} → ${spec}`);
    }
  }
  return arrows;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' ? [] : sourceFiles(path);
    return /\.(ts|mts|cts|js|mjs|cjs)$/.test(e.name) ? [path] : [];
  });
}

describe('layers: lib ← local ← cli', () => {
  it('has no import from lib into local or cli, nor from local into cli', () => {
    const files = LAYERS.flatMap((layer) => sourceFiles(join(ROOT, layer))).map((path) => ({ path, source: readFileSync(path, 'utf8') }));
    expect(files.length).toBeGreaterThan(100);
    expect(arrowsUp(files)).toEqual([]);
  });

  it('finds an arrow up in every import form, and lets downward imports pass', () => {
    const at = (p: string) => join(ROOT, p);
    const files = [
      { path: at('local/console/a.ts'), source: "import { x } from '../../cli/operator/status';" },
      { path: at('lib/operations/b.ts'), source: "export { y } from '../../local/session';\nconst m = await import('../../cli/main');" },
      { path: at('lib/c.ts'), source: "import '../local/polyfills';" },
      { path: at('cli/d.ts'), source: "import { z } from '../lib/operations/status';\nimport { w } from '../local/session';" },
      { path: at('local/e.ts'), source: "import { v } from '../lib/release/errors';\nimport pLimit from 'p-limit';" },
    ];
    expect(arrowsUp(files)).toEqual([
      'local/console/a.ts → ../../cli/operator/status',
      'lib/operations/b.ts → ../../local/session',
      'lib/operations/b.ts → ../../cli/main',
      'lib/c.ts → ../local/polyfills',
    ]);
  });
});
