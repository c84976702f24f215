#!/usr/bin/env node
/**
 * Bundles every Lambda (functions/<dir>/handler.ts) with esbuild and zips each bundle to
 * <outDir>/<dir>.zip, whose only entry is `index.mjs` (serverless.yml: `handler: index.handler`,
 * `package.artifact: dist/<dir>.zip`).
 *
 *   npm run build                        # -> dist/*.zip, prints sizes, exit 1 if one is > 250 KB
 *   node scripts/build.mjs --out /tmp/x  # another output directory (PKGRELEASE_DIST_DIR for packaging)
 *
 * ESM for Node 22 with the AWS SDK bundled (not external: the bundle pins the SDK version it was
 * tested with). The banner gives CommonJS dependencies a `require` inside the ESM bundle.
 * Zips are deterministic (fixed timestamps and modes), so an unchanged function keeps its hash.
 */
import { createWriteStream } from 'node:fs';
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';
import yazl from 'yazl';

export const MAX_ZIP_BYTES = 250 * 1024;
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
// Inside the zip: a fixed date (DOS time starts in 1980) keeps builds byte-for-byte reproducible.
const ZIP_MTIME = new Date('2020-01-01T00:00:00Z');

const BANNER = [
  "import { createRequire as __pkgreleaseCreateRequire } from 'node:module';",
  'const require = __pkgreleaseCreateRequire(import.meta.url);',
].join('\n');

/**
 * Lambda code validates with zod/mini through lib/validation/zod.ts: classic zod would add
 * ~65 KB and ~8 ms to the function's cold init. A bundled import of classic zod (ours, or a
 * dependency's such as Powertools' parser schemas) fails the build instead of slipping in.
 */
// zod's exports map offers classic zod only as these three (no deeper path resolves).
const CLASSIC_ZOD = /^zod(?:\/v3|\/v4)?$/;
/** Only this module imports zod/mini itself: it sets the English locale before any schema parses. */
const ZOD_MINI = /^zod\/(?:mini|v4\/mini|v4-mini)$/;
const ZOD_MODULE = join('lib', 'validation', 'zod.ts');
export const noClassicZod = {
  name: 'no-classic-zod',
  setup(build) {
    const where = (importer) => relative(build.initialOptions.absWorkingDir ?? ROOT, importer);
    const fix = 'Lambda code imports * as z from lib/validation/zod.ts (zod/mini with the English locale)';
    build.onResolve({ filter: CLASSIC_ZOD }, (args) => ({ errors: [{ text: `${where(args.importer)} imports classic '${args.path}': ${fix}` }] }));
    build.onResolve({ filter: ZOD_MINI }, (args) =>
      args.importer.endsWith(ZOD_MODULE) ? undefined : { errors: [{ text: `${where(args.importer)} imports '${args.path}' directly (its messages would have no locale): ${fix}` }] },
    );
  },
};

/**
 * The esbuild options of every Lambda bundle (ESM for Node 22, SDK bundled, minified), shared with
 * the benchmark, which bundles the bare SDK clients the same way to compare cold inits.
 */
export function bundleOptions({ root = ROOT, outDir, minify = true }) {
  return {
    absWorkingDir: root,
    outdir: outDir,
    write: false,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    mainFields: ['module', 'main'],
    outExtension: { '.js': '.mjs' },
    banner: { js: BANNER },
    minify,
    treeShaking: true,
    legalComments: 'none',
    sourcemap: false,
    charset: 'utf8',
    logLevel: 'warning',
    metafile: true,
    plugins: [noClassicZod],
  };
}

/** Directories under functionsDir that contain a handler.ts, sorted. */
export async function discoverFunctions(functionsDir) {
  const entries = await readdir(functionsDir, { withFileTypes: true }).catch((e) => {
    if (e.code === 'ENOENT') return [];
    throw e;
  });
  const dirs = [];
  for (const entry of entries) {
    if (!entry.isDirectory()) continue;
    const handler = join(functionsDir, entry.name, 'handler.ts');
    if (await stat(handler).then((s) => s.isFile(), () => false)) dirs.push(entry.name);
  }
  return dirs.sort();
}

function zipFile(zipPath, name, contents) {
  return new Promise((resolvePromise, reject) => {
    const zip = new yazl.ZipFile();
    zip.addBuffer(Buffer.from(contents), name, { mtime: ZIP_MTIME, mode: 0o100644, compress: true, compressionLevel: 9 });
    zip.end();
    const out = createWriteStream(zipPath);
    zip.outputStream.on('error', reject).pipe(out).on('error', reject).on('close', resolvePromise);
  });
}

/**
 * Builds all functions. Returns one entry per function; throws if none is found.
 * Size limits are reported, not thrown: the caller decides (the CLI exits 1).
 *
 * @param {{ root?: string, functionsDir?: string, outDir?: string, minify?: boolean }} [options]
 */
export async function build(options = {}) {
  const root = resolve(options.root ?? ROOT);
  const functionsDir = resolve(root, options.functionsDir ?? 'functions');
  const outDir = resolve(root, options.outDir ?? 'dist');
  const names = await discoverFunctions(functionsDir);
  if (names.length === 0) throw new Error(`no functions found (expected ${relative(root, functionsDir) || '.'}/<dir>/handler.ts)`);

  await mkdir(outDir, { recursive: true });
  // In the default dist/, drop zips of functions that no longer exist (another --out directory may
  // hold zips that are not ours: there, only our <dir>.zip files are overwritten).
  if (outDir === resolve(root, 'dist')) {
    for (const file of await readdir(outDir)) {
      if (file.endsWith('.zip') && !names.includes(file.slice(0, -4))) await rm(join(outDir, file), { force: true });
    }
  }

  const result = await esbuild.build({
    ...bundleOptions({ root, outDir, minify: options.minify }),
    entryPoints: names.map((name) => ({ in: join(functionsDir, name, 'handler.ts'), out: name })),
  });

  const byName = new Map(result.outputFiles.map((f) => [relative(outDir, f.path).replace(/\.mjs$/, ''), f]));
  const built = [];
  for (const name of names) {
    const output = byName.get(name);
    if (!output) throw new Error(`esbuild produced no output for ${name}`);
    const zipPath = join(outDir, `${name}.zip`);
    await zipFile(zipPath, 'index.mjs', output.contents);
    const { size } = await stat(zipPath);
    // `inputs` (the modules bundled) and `contents` let the benchmark time each bundle's cold init.
    const inputs = Object.keys(result.metafile.outputs[relative(root, output.path)]?.inputs ?? {});
    built.push({ name, zipPath, bytes: size, bundleBytes: output.contents.byteLength, tooBig: size > MAX_ZIP_BYTES, inputs, contents: output.contents });
  }
  return built;
}

export function formatTable(built) {
  const kb = (n) => (n / 1024).toFixed(1);
  const width = Math.max(8, ...built.map((b) => b.name.length));
  const lines = [`${'function'.padEnd(width)}  ${'zip KB'.padStart(8)}  ${'bundle KB'.padStart(9)}`];
  for (const b of built) {
    lines.push(`${b.name.padEnd(width)}  ${kb(b.bytes).padStart(8)}  ${kb(b.bundleBytes).padStart(9)}${b.tooBig ? `  > ${MAX_ZIP_BYTES / 1024} KB` : ''}`);
  }
  return lines.join('\n');
}

async function main(argv) {
  const outIndex = argv.indexOf('--out');
  const outDir = outIndex >= 0 ? argv[outIndex + 1] : undefined;
  if (outIndex >= 0 && !outDir) throw new Error('--out needs a directory');
  const started = Date.now();
  const built = await build({ outDir: outDir && resolve(process.cwd(), outDir) });
  console.log(formatTable(built));
  console.log(`${built.length} functions in ${Date.now() - started} ms -> ${relative(process.cwd(), dirname(built[0].zipPath)) || '.'}`);
  const tooBig = built.filter((b) => b.tooBig);
  if (tooBig.length) {
    console.error(`zip larger than ${MAX_ZIP_BYTES / 1024} KB: ${tooBig.map((b) => b.name).join(', ')}`);
    process.exitCode = 1;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main(process.argv.slice(2)).catch((e) => {
    console.error(e instanceof Error ? e.message : e);
    process.exitCode = 1;
  });
}
