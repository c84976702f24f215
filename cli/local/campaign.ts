import { readFileSync, writeFileSync } from 'node:fs';
import { type CampaignOptions, type CampaignPlan, generateCampaign } from '../../local/campaign/generate';
import { summaryLine } from '../../local/campaign/invariants';
import { runCampaign } from '../../local/campaign/run';

export interface CampaignCliOptions {
  seed: string;
  releases: string;
  packages: string;
  faults?: boolean;
  rollbacks?: string;
  replay?: string;
  out: string;
  json?: boolean;
}

/**
 * `pkgrelease local campaign`: a seeded campaign of concurrent releases on a fresh twin, invariants
 * checked, one summary line. Exit 1 on any violation, with the plan written to `--out` so that
 * `--replay <file>` runs exactly that plan again.
 */
export async function campaign(opts: CampaignCliOptions): Promise<void> {
  const plan: CampaignPlan = opts.replay ? (JSON.parse(readFileSync(opts.replay, 'utf8')) as CampaignPlan) : generateCampaign(campaignOptions(opts));
  const { summary, wallMs, redriven } = await runCampaign(plan);
  const redrives = Object.entries(redriven).map(([error, n]) => `${error}:${n}`).join(',');
  const line = `${summaryLine(summary, plan.options.seed, wallMs)} redriven=${Object.values(redriven).reduce((a, b) => a + b, 0)}${redrives ? ` (${redrives})` : ''}`;
  if (opts.json) process.stdout.write(`${JSON.stringify({ ...summary, wallMs, redriven }, null, 2)}\n`);
  else process.stdout.write(`${line}\n`);
  if (summary.violations.length === 0) return;
  const file = opts.out.replace('{seed}', String(plan.options.seed));
  writeFileSync(file, `${JSON.stringify(plan, null, 1)}\n`);
  for (const v of summary.violations.slice(0, 20)) process.stderr.write(`violation: ${v}\n`);
  if (summary.violations.length > 20) process.stderr.write(`… and ${summary.violations.length - 20} more\n`);
  process.stderr.write(`the failing plan is in ${file}: run it again with "pkgrelease local campaign --replay ${file}"\n`);
  process.exitCode = 1;
}

function campaignOptions(opts: CampaignCliOptions): CampaignOptions {
  const int = (name: string, text: string, min: number) => {
    const n = Number(text);
    if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be a whole number ≥ ${min}, got "${text}"`);
    return n;
  };
  return {
    seed: int('seed', opts.seed, 0),
    releases: int('releases', opts.releases, 1),
    packages: int('packages', opts.packages, 1),
    faults: Boolean(opts.faults),
    ...(opts.rollbacks !== undefined && { rollbacks: int('rollbacks', opts.rollbacks, 0) }),
  };
}
