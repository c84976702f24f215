/**
 * Cold init of each Lambda bundle, compared with a bundle that imports only the same AWS SDK clients
 * (built with the same esbuild options): how much the handler's own code adds to a cold start.
 * Each sample is a fresh `node` process timing one `import()` of the bundle; handler and bare
 * samples alternate so machine noise hits both alike.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';
import { build, bundleOptions } from '../build.mjs';
import { median } from './stats.mjs';

/** `@aws-sdk/client-iot` → `IoTClient`: the client class each package exports, read from its bundle inputs. */
const SDK_CLIENT_PACKAGE = /node_modules\/(@aws-sdk\/client-[a-z0-9-]+)\//;

function sdkClientPackages(inputs) {
  return [...new Set(inputs.map((i) => SDK_CLIENT_PACKAGE.exec(i)?.[1]).filter(Boolean))].sort();
}

async function bareClientsBundle(root, packages, outDir) {
  // `export *` would keep every command; a handler keeps its client and a few commands.
  const exports = await Promise.all(packages.map(async (p) => {
    const mod = await import(p);
    const client = Object.keys(mod).find((k) => k.endsWith('Client') && !k.startsWith('__') && mod[k].prototype?.send);
    return `export { ${client} as ${client}_${packages.indexOf(p)} } from '${p}';`;
  }));
  const result = await esbuild.build({
    ...bundleOptions({ root, outDir }),
    stdin: { contents: exports.join('\n'), resolveDir: root, loader: 'js', sourcefile: 'bare-clients.mjs' },
    plugins: [],
  });
  return result.outputFiles[0].contents;
}

/** Milliseconds one fresh Node process spends importing `file` (process start excluded). */
function importMs(file, env) {
  const script = `const t=performance.now();await import(${JSON.stringify(pathToFileURL(file).href)});process.stdout.write(String(performance.now()-t))`;
  return Number(execFileSync(process.execPath, ['--input-type=module', '-e', script], { env, encoding: 'utf8' }));
}

/**
 * @returns {Promise<{ name: string, zipBytes: number, clients: string[], handlerMs: number, bareMs: number, ratio: number }[]>}
 */
export async function measureColdInit({ root, samples = 7 }) {
  const dir = mkdtempSync(join(tmpdir(), 'pkgrelease-bench-init-'));
  // What the Lambda runtime sets; the handlers read the rest of their configuration lazily.
  const env = { PATH: process.env.PATH, AWS_REGION: 'us-east-1', AWS_LAMBDA_FUNCTION_NAME: 'bench', NODE_ENV: 'production' };
  try {
    const built = await build({ root, outDir: dir });
    const rows = [];
    for (const fn of built) {
      const clients = sdkClientPackages(fn.inputs);
      const handlerFile = join(dir, `${fn.name}.mjs`);
      const bareFile = join(dir, `${fn.name}.bare.mjs`);
      writeFileSync(handlerFile, fn.contents);
      writeFileSync(bareFile, await bareClientsBundle(root, clients, dir));
      const handler = [];
      const bare = [];
      for (let i = 0; i < samples; i++) {
        handler.push(importMs(handlerFile, env));
        bare.push(importMs(bareFile, env));
      }
      const handlerMs = median(handler);
      const bareMs = median(bare);
      rows.push({ name: fn.name, zipBytes: fn.bytes, clients: clients.map((c) => c.replace('@aws-sdk/client-', '')), handlerMs, bareMs, ratio: handlerMs / bareMs });
    }
    return rows;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
