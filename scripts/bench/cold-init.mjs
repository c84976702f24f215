/**
 * Cold init of each Lambda bundle, compared with a bundle that imports only the same AWS SDK clients
 * (built with the same esbuild options): how much the handler's own code adds to a cold start.
 * A third bundle, the floor, adds to those clients what every handler must keep: the Powertools
 * Logger, and Idempotency and semver where the handler uses them. What the handler costs above the
 * floor is its own code and its schemas.
 * Each sample is a fresh `node` process timing one `import()` of the bundle; the three bundles'
 * samples alternate so machine noise hits them alike.
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

async function bareClientsSource(packages) {
  // `export *` would keep every command; a handler keeps its client and a few commands.
  const exports = await Promise.all(packages.map(async (p) => {
    const mod = await import(p);
    const client = Object.keys(mod).find((k) => k.endsWith('Client') && !k.startsWith('__') && mod[k].prototype?.send);
    return `export { ${client} as ${client}_${packages.indexOf(p)} } from '${p}';`;
  }));
  return exports.join('\n');
}

/** What a handler keeps whatever its own code: a Logger instance, and the idempotency and semver entry points it bundles. */
const REQUIRED_LIBRARIES = [
  { used: () => true, source: "import { Logger } from '@aws-lambda-powertools/logger'; export const logger = new Logger();" },
  {
    used: (inputs) => inputs.some((i) => i.includes('node_modules/@aws-lambda-powertools/idempotency/')),
    source: "export { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency'; export { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';",
  },
  { used: (inputs) => inputs.some((i) => i.includes('node_modules/semver/')), source: "export { default as semver } from 'semver';" },
];

function floorSource(bare, inputs) {
  return [bare, ...REQUIRED_LIBRARIES.filter((l) => l.used(inputs)).map((l) => l.source)].join('\n');
}

async function bundle(root, outDir, contents) {
  const result = await esbuild.build({
    ...bundleOptions({ root, outDir }),
    stdin: { contents, resolveDir: root, loader: 'js', sourcefile: 'cold-init-baseline.mjs' },
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
 * @returns {Promise<{ name: string, zipBytes: number, clients: string[], handlerMs: number, bareMs: number, floorMs: number, ratio: number, floorRatio: number }[]>}
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
      const bare = await bareClientsSource(clients);
      const files = { handler: join(dir, `${fn.name}.mjs`), bare: join(dir, `${fn.name}.bare.mjs`), floor: join(dir, `${fn.name}.floor.mjs`) };
      writeFileSync(files.handler, fn.contents);
      writeFileSync(files.bare, await bundle(root, dir, bare));
      writeFileSync(files.floor, await bundle(root, dir, floorSource(bare, fn.inputs)));
      const times = { handler: [], bare: [], floor: [] };
      for (let i = 0; i < samples; i++) for (const kind of Object.keys(times)) times[kind].push(importMs(files[kind], env));
      const [handlerMs, bareMs, floorMs] = [times.handler, times.bare, times.floor].map(median);
      rows.push({
        name: fn.name,
        zipBytes: fn.bytes,
        clients: clients.map((c) => c.replace('@aws-sdk/client-', '')),
        handlerMs,
        bareMs,
        floorMs,
        ratio: handlerMs / bareMs,
        floorRatio: floorMs / bareMs,
      });
    }
    return rows;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
