/**
 * Install scripts are code from the registry that runs on every `npm ci`: package.json's
 * `allowScripts` names each dependency that has one, and says whether it may run. esbuild (its
 * platform binary) and classic-level (dynalite's native store) need theirs; es5-ext's and aws-sdk's
 * only print a message.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ROOT } from './project';

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { allowScripts?: Record<string, boolean> };
const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, { hasInstallScript?: boolean }> };

/** `node_modules/a/node_modules/@s/b` -> `@s/b`. */
const nameOf = (path: string) => path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length);

describe('allowScripts (npm install-script policy)', () => {
  it('covers every locked dependency with an install script, and nothing else', () => {
    const withScripts = [...new Set(Object.entries(lock.packages).filter(([path, p]) => path && p.hasInstallScript).map(([path]) => nameOf(path)))].sort();
    expect(withScripts.length).toBeGreaterThan(0);
    expect(Object.keys(pkg.allowScripts ?? {}).sort()).toEqual(withScripts);
  });

  it('lets only the scripts the project needs run', () => {
    expect(pkg.allowScripts).toEqual({ esbuild: true, 'classic-level': true, 'es5-ext': false, 'aws-sdk': false });
  });

  it('leaves npm nothing to review (`npm install-scripts ls`)', async () => {
    const { stdout } = await promisify(execFile)('npm', ['install-scripts', 'ls', '--json'], { cwd: ROOT, timeout: 30_000 });
    expect(JSON.parse(stdout)).toEqual({ allowScripts: [] });
  });
});
