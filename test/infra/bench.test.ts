import { describe, expect, it } from 'vitest';
import { ScenarioSchema } from '../../cli/local/scenario';
import { type BenchReport, reportFigures } from '../../scripts/bench/report-figures.mjs';
import { benchScenario } from '../../scripts/bench/scenario.mjs';
import { ROOT } from './project';

/** `npm run bench` measures what it says: its workload, and the figures it derives from a report. */
describe('bench scenario', () => {
  it('is N releases over N/10 packages, 10 versions each, all at once, no faults, 0 ms imports', () => {
    const scenario = ScenarioSchema.parse(benchScenario(100));
    expect(Object.keys(scenario.packages)).toHaveLength(10);
    expect(scenario.opensearchPackages.map((p) => p.name)).toEqual(Object.keys(scenario.packages));
    expect(scenario.uploads).toHaveLength(100);
    expect(new Set(scenario.uploads.map((u) => u.key)).size).toBe(100);
    expect(scenario.uploads.every((u) => u.startAtMs === 0 && u.key.startsWith(`releases/`))).toBe(true);
    expect(scenario.faults).toEqual([]);
    expect(scenario.opensearchTiming).toEqual({ copyingMs: 0, validatingMs: 0 });
  });

  it('refuses an N that is not a multiple of 10', () => {
    expect(() => benchScenario(15)).toThrow(/multiple of 10/);
  });
});

describe('bench figures from a local run report', () => {
  const report: BenchReport = {
    executions: [
      { status: 'SUCCEEDED', states: ['Prepare', 'CreateVersion', 'UpdateOpenSearch', 'CheckOpenSearch', 'Promote'], stateStats: { CheckOpenSearch: { retries: 3 } } },
      { status: 'FAILED', states: ['Prepare'], stateStats: {} },
    ],
    calls: {
      's3:PutObject': { succeeded: 2, failed: 0 },
      'es:CreatePackage': { succeeded: 1, failed: 0 },
      'states:StartExecution': { succeeded: 2, failed: 0 },
      's3:HeadObject': { succeeded: 2, failed: 0 },
      'iot:CreatePackageVersion': { succeeded: 1, failed: 1 },
      'dynamodb:PutItem': { succeeded: 4, failed: 1 },
      'dynamodb:UpdateItem': { succeeded: 3, failed: 0 },
      'dynamodb:GetItem': { succeeded: 2, failed: 0 },
    },
  };

  it('counts every state entered and every retry as a transition, and Task entries, retries and the trigger as invocations', () => {
    const f = reportFigures(ROOT, report, 2);
    expect(f.transitionsPerRelease).toBe((6 + 3) / 2);
    expect(f.invocationsPerRelease).toBe((6 + 3 + 2) / 2);
    expect(f.succeeded).toBe(1);
    expect(f.statuses).toEqual({ SUCCEEDED: 1, FAILED: 1 });
  });

  it("leaves out the scenario's set-up calls and does not total the trigger's StartExecution", () => {
    const f = reportFigures(ROOT, report, 2);
    expect(f.readsPerRelease).toBe(1);
    expect(f.mutatingPerRelease).toBe(1);
    expect(f.perOperation).not.toHaveProperty('s3:PutObject');
    expect(f.perOperation['states:StartExecution']).toBe(1);
  });

  it('counts the idempotency table apart: its writes and reads are not the pipeline\'s mutating and read calls', () => {
    const f = reportFigures(ROOT, report, 2);
    expect(f.storeWritesPerRelease).toBe((5 + 3) / 2);
    expect(f.storeReadsPerRelease).toBe(2 / 2);
    expect(f.mutatingPerRelease).toBe(1);
    expect(f.readsPerRelease).toBe(1);
  });
});
