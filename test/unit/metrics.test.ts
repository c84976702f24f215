import { afterEach, describe, expect, it } from 'vitest';
import { recordExecutionEnded, recordStepError, setMetricsSink } from '../../lib/lambda/metrics';
import { EmfLog } from '../../local/twin/emf-log';

const log = new EmfLog();
setMetricsSink((line) => log.record(line));
afterEach(() => log.clear());

const values = () => log.metrics().map((m) => [m.name, m.value, m.dimensions]);

describe('release metrics (EMF)', () => {
  it('a redriven run that timed out: failed as States.Timeout, in total and by name, its duration, one redrive', () => {
    recordExecutionEnded({ status: 'TIMED_OUT', startDate: 1_000, stopDate: 7_201_000, error: null, redriveCount: 1 }, { packageName: 'p', versionName: '1.0.0' });
    expect(values()).toEqual([
      ['ReleaseDuration', 7200, { service: 'pkgrelease', Outcome: 'Failed' }],
      ['ReleasesFailed', 1, { service: 'pkgrelease' }],
      ['ReleasesFailed', 1, { service: 'pkgrelease', ErrorName: 'States.Timeout' }],
      ['Redrives', 1, { service: 'pkgrelease' }],
    ]);
    expect(log.metrics()[0]!.metadata).toMatchObject({ packageName: 'p', versionName: '1.0.0' });
  });

  it('a RUNNING status change records nothing', () => {
    recordExecutionEnded({ status: 'RUNNING', startDate: 1_000, redriveCount: 1 }, {});
    expect(values()).toEqual([]);
  });

  it('a step error: a poll counts under its kind of wait, a lease wait as LeaseWaits, anything else not at all', () => {
    recordStepError('DomainsPendingBlueGreen', {});
    recordStepError('OpenSearchNotReady', {});
    recordStepError('OpenSearchPackageLocked', {});
    recordStepError('VersionConflict', {});
    expect(values()).toEqual([
      ['Polls', 1, { service: 'pkgrelease', Wait: 'BlueGreenDeployment' }],
      ['Polls', 1, { service: 'pkgrelease', Wait: 'OpenSearchImport' }],
      ['LeaseWaits', 1, { service: 'pkgrelease' }],
    ]);
  });

  it('the twin refuses a line that is not EMF', () => {
    expect(() => log.record('{"message":"hello"}')).toThrow(/not an EMF line/);
  });
});
