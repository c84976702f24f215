#!/usr/bin/env node
/**
 * `npm run bench`: the local twin's throughput at scale and what a release costs on AWS, in one table.
 *
 * For each N: a generated scenario of N releases over N/10 packages (10 versions each, all uploaded at
 * once, no faults, OpenSearch imports of 0 ms) runs through the real `pkgrelease local run --json`
 * (the real ASL in the local engine, the real handlers through the SDK over HTTP to the twin), in a
 * fresh process, `--runs` times; medians are shown. Each handler's bundle is timed against a bundle
 * of only its SDK clients (cold init). Writes docs/benchmarks.md with the machine and date.
 *
 *   npm run bench                        # N = 10, 100, 1000; 3 runs each; writes docs/benchmarks.md
 *   npm run bench -- --quick             # smoke run: N = 10 once, cold init sampled 3 times, no file written
 *   npm run bench -- --sizes 100,300 --runs 5 [--no-write]
 *   npm run bench -- --sizes 1000 --baseline ../base   # also runs another checkout's CLI, each run paired with one of ours
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ASSUMED_BILLED_MS, costPer1000, lambdaMemoryMb, PRICES } from './bench/aws-cost.mjs';
import { measureColdInit } from './bench/cold-init.mjs';
import { runLocal } from './bench/local-run.mjs';
import { READ_REASONS, reportFigures } from './bench/report-figures.mjs';
import { benchScenario } from './bench/scenario.mjs';
import { median } from './bench/stats.mjs';

/** Where docs/benchmarks.md's latency section starts (scripts/bench/latency.ts writes it). */
const LATENCY_START = '<!-- latency-bench:start -->';
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

const USAGE = `Usage: npm run bench -- [options]

  --quick              smoke run: N = 10 once, cold init sampled 3 times, no file written
  --sizes <10,100,1000> release counts (multiples of 10)
  --runs <3>           runs per size (medians shown)
  --init-samples <7>   fresh processes per handler for cold init
  --no-write           print the table, leave docs/benchmarks.md alone
  --baseline <dir>     another checkout (its own npm ci done) whose CLI runs the same scenarios,
                       alternating with ours run by run: the table adds the wall-time ratio
  --help               print these options

The latency in simulated time: npm run bench:latency -- --help`;

let args;
try {
  ({ values: args } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      sizes: { type: 'string' },
      runs: { type: 'string' },
      'init-samples': { type: 'string' },
      'no-write': { type: 'boolean', default: false },
      baseline: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  }));
} catch (e) {
  console.error(`bench: ${e.message}\n\n${USAGE}`);
  process.exit(2);
}
if (args.help) {
  console.log(USAGE);
  process.exit(0);
}
const sizes = (args.sizes ?? (args.quick ? '10' : '10,100,1000')).split(',').map(Number);
const runs = Number(args.runs ?? (args.quick ? 1 : 3));
const initSamples = Number(args['init-samples'] ?? (args.quick ? 3 : 7));
const write = !args.quick && !args['no-write'];
const baseline = args.baseline && resolve(args.baseline);
if (baseline && !existsSync(join(baseline, 'bin/pkgrelease.js'))) {
  console.error(`bench: --baseline ${args.baseline} has no bin/pkgrelease.js: give a checkout of this project (with its npm ci done)\n\n${USAGE}`);
  process.exit(2);
}

async function measureSize(n, dir) {
  const scenarioFile = join(dir, `bench-${n}.json`);
  writeFileSync(scenarioFile, JSON.stringify(benchScenario(n)));
  const samples = [];
  // The machines here are noisy over minutes: each of our runs is paired with the baseline's next to it.
  const pairRatios = [];
  for (let i = 0; i < runs; i++) {
    const run = await runLocal({ root: ROOT, scenarioFile, usageFile: join(dir, `usage-${n}-${i}.json`) });
    const figures = reportFigures(ROOT, run.report, n);
    process.stderr.write(`N=${n} run ${i + 1}/${runs}: ${(run.wallMs / 1000).toFixed(1)} s wall, ${figures.succeeded}/${n} succeeded, ${run.stderrLines.length} stderr lines\n`);
    samples.push({ ...run, figures });
    if (baseline) {
      const base = await runLocal({ root: ROOT, cliRoot: baseline, scenarioFile, usageFile: join(dir, `usage-base-${n}-${i}.json`) });
      process.stderr.write(`N=${n} baseline run ${i + 1}/${runs}: ${(base.wallMs / 1000).toFixed(1)} s wall\n`);
      pairRatios.push({ ratio: run.wallMs / base.wallMs, baseWallMs: base.wallMs });
    }
  }
  const pick = (f) => median(samples.map(f));
  // Call and transition counts depend on races between same-package releases: the median run's.
  const middle = [...samples].sort((a, b) => a.wallMs - b.wallMs)[Math.floor(samples.length / 2)];
  return {
    n,
    wallMs: pick((s) => s.wallMs),
    cpuMs: pick((s) => s.cpuMs),
    maxRssMiB: pick((s) => s.maxRssMiB),
    succeeded: Math.min(...samples.map((s) => s.figures.succeeded)),
    stderrLines: Math.max(...samples.map((s) => s.stderrLines.length)),
    stderrExample: samples.flatMap((s) => s.stderrLines)[0],
    figures: middle.figures,
    baseline: pairRatios.length ? { ratio: median(pairRatios.map((p) => p.ratio)), wallMs: median(pairRatios.map((p) => p.baseWallMs)) } : undefined,
  };
}

const fmt = (v, digits = 1) => v.toFixed(digits);

function table(rows, memoryMb, init, startUp) {
  const head = ['N', 'wall s', 'CPU s', 'ms/release', 'peak RSS MiB', 'ratio', 'succeeded', 'stderr lines', 'mutating calls/release', 'read calls/release', 'DynamoDB writes / reads per release', 'transitions/release', 'Lambda invocations/release', 'AWS $ per 1k releases', 'cold init (worst handler; its floor)', 'largest zip KB', 'pkgrelease --help ms'];
  const worst = init.reduce((a, b) => (b.ratio > a.ratio ? b : a));
  const largest = Math.max(...init.map((h) => h.zipBytes)) / 1024;
  if (baseline) head.push('vs baseline (wall, median of paired runs)');
  const lines = [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`];
  for (const r of rows) {
    const tenth = rows.find((o) => o.n * 10 === r.n);
    const cost = costPer1000({
      transitions: r.figures.transitionsPerRelease,
      invocations: r.figures.invocationsPerRelease,
      memoryMb,
      storeWrites: r.figures.storeWritesPerRelease,
      storeReads: r.figures.storeReadsPerRelease,
    });
    lines.push(`| ${[
      r.n, fmt(r.wallMs / 1000), fmt(r.cpuMs / 1000), fmt(r.wallMs / r.n, 0), fmt(r.maxRssMiB, 0),
      tenth ? `${fmt(r.wallMs / tenth.wallMs)}× N=${tenth.n}` : '—',
      `${r.succeeded}/${r.n}`, r.stderrLines,
      fmt(r.figures.mutatingPerRelease, 2), fmt(r.figures.readsPerRelease, 2),
      `${fmt(r.figures.storeWritesPerRelease, 2)} / ${fmt(r.figures.storeReadsPerRelease, 2)}`,
      fmt(r.figures.transitionsPerRelease, 2), fmt(r.figures.invocationsPerRelease, 2),
      `$${fmt(cost.total, 3)} (SFN $${fmt(cost.stepFunctions, 3)} + λ $${fmt(cost.lambda, 3)} + DynamoDB $${fmt(cost.dynamodb, 3)})`,
      `${fmt(worst.ratio, 2)}× ${worst.name} (floor ${fmt(worst.floorRatio, 2)}×)`, fmt(largest, 0), `${fmt(startUp.helpMs, 0)} (node -e 0: ${fmt(startUp.bareNodeMs, 0)})`,
      ...(r.baseline ? [`${fmt(r.baseline.ratio, 2)}× (baseline ${fmt(r.baseline.wallMs / 1000)} s)`] : []),
    ].join(' | ')} |`);
  }
  return lines.join('\n');
}

function details(rows, memoryMb, init) {
  const last = rows.at(-1);
  const ops = Object.entries(last.figures.perOperation).sort(([a], [b]) => a.localeCompare(b));
  return [
    `Calls per release at N=${last.n} (setup calls of the scenario, s3:PutObject and es:CreatePackage, excluded; states:StartExecution is the trigger's, not totalled; dynamodb: the idempotency table, counted apart from the mutating and read calls):`,
    ...ops.map(([op, n]) => `- ${op}: ${fmt(n, 2)}${READ_REASONS[op] ? ` — ${READ_REASONS[op]}` : ''}`),
    '',
    `Cold init per handler (median of ${initSamples} fresh processes; bare = a bundle of only the same SDK clients, same esbuild options; floor = bare + the Powertools Logger, and Idempotency and semver where the handler uses them: what any handler of this design costs):`,
    ...init.map((h) => `- ${h.name}: ${fmt(h.handlerMs)} ms vs ${fmt(h.bareMs)} ms bare (${h.clients.join(', ')}) = ${fmt(h.ratio, 2)}×; floor ${fmt(h.floorMs)} ms = ${fmt(h.floorRatio, 2)}×; zip ${fmt(h.zipBytes / 1024)} KB`),
    '',
    `AWS cost: Standard transitions $${PRICES.perTransition * 1000}/1k (every state entered and every retry), Lambda $${PRICES.perRequest * 1e6}/1M requests and $${PRICES.perGbSecond}/GB-s at ${memoryMb} MB (serverless.yml), ${ASSUMED_BILLED_MS} ms billed per invocation assumed; the trigger is one invocation per release; DynamoDB on-demand $${PRICES.perWriteRequestUnit * 1e6}/1M writes and $${PRICES.perReadRequestUnit * 1e6}/1M reads, one request unit each (items under 1 KB).`,
    ...rows.filter((r) => r.stderrExample).map((r) => `stderr at N=${r.n}, first line: ${r.stderrExample.slice(0, 200)}`),
  ].join('\n');
}

/** Milliseconds from process start to exit of `pkgrelease --help` (what a person waits for first). */
function cliStartUpMs(samples) {
  const times = [];
  for (let i = 0; i < samples; i++) {
    const started = process.hrtime.bigint();
    execFileSync(process.execPath, [join(ROOT, 'bin/pkgrelease.js'), '--help'], { cwd: ROOT, stdio: 'ignore' });
    times.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  const bare = [];
  for (let i = 0; i < samples; i++) {
    const started = process.hrtime.bigint();
    execFileSync(process.execPath, ['-e', '0'], { stdio: 'ignore' });
    bare.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  return { helpMs: median(times), bareNodeMs: median(bare) };
}

/** The baseline checkout's commit, for the title. */
function baselineName(dir) {
  try {
    return `commit ${execFileSync('git', ['-C', dir, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim()} (${dir})`;
  } catch {
    return dir;
  }
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'pkgrelease-bench-'));
  // Wall times mean little on a machine busy with other work: the load is printed with them.
  const loadBefore = loadavg()[0];
  try {
    const rows = [];
    for (const n of sizes) rows.push(await measureSize(n, dir));
    process.stderr.write('cold init…\n');
    const init = await measureColdInit({ root: ROOT, samples: initSamples });
    const startUp = cliStartUpMs(initSamples);
    const memoryMb = Math.max(...Object.values(lambdaMemoryMb(ROOT)));
    const machine = `${cpus().length} × ${cpus()[0]?.model.trim()}, ${fmt(totalmem() / 2 ** 30)} GiB, Node ${process.versions.node}, ${process.platform}, load average ${fmt(loadBefore, 1)} before / ${fmt(loadavg()[0], 1)} after`;
    const against = baseline ? ` — baseline: ${baselineName(baseline)}, run alternately with ours` : '';
    const title = `pkgrelease local benchmark — ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC — ${machine} — medians of ${runs} run(s)${against}`;
    const text = [title, '', table(rows, memoryMb, init, startUp), '', details(rows, memoryMb, init)].join('\n');
    console.log(text);
    if (write) {
      // The latency bench's section (npm run bench:latency) is kept as it is.
      const docFile = join(ROOT, 'docs/benchmarks.md');
      const old = existsSync(docFile) ? readFileSync(docFile, 'utf8') : '';
      const latency = old.indexOf(LATENCY_START) >= 0 ? `\n${old.slice(old.indexOf(LATENCY_START)).trimEnd()}\n` : '';
      const doc = `# Benchmarks\n\nProduced by \`npm run bench\` (scripts/bench.mjs): N releases over N/10 packages, 10 versions each, all uploaded at once, no faults, OpenSearch imports of 0 ms, through \`pkgrelease local run --json\` in a fresh process; ratio = wall time against N/10.\n\n${text}\n${latency}`;
      writeFileSync(docFile, doc);
      process.stderr.write('wrote docs/benchmarks.md\n');
    }
    if (rows.some((r) => r.succeeded < r.n)) process.exitCode = 1;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
