/**
 * The stack's monitoring (resources/monitoring.yml, included from serverless.yml), checked in the
 * packaged template: the dashboard's widgets draw the metrics the functions emit
 * (lib/lambda/metrics.ts), the alarms watch them and tell the failure topic, and every release's
 * end reaches notify, which records it.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { METRIC_UNITS, METRICS_NAMESPACE, METRICS_SERVICE } from '../../lib/lambda/metrics';
import { packagedTemplate, type Packaged, type Resource } from './packaged';
import type { JsonObject } from './project';

let template: Packaged['template'];
beforeAll(async () => {
  ({ template } = await packagedTemplate());
}, 180_000);

const resource = (id: string): Resource => {
  const r = template.Resources[id];
  if (!r) throw new Error(`no resource ${id} in the template`);
  return r;
};
const alarms = () => Object.entries(template.Resources).filter(([, r]) => r.Type === 'AWS::CloudWatch::Alarm');
const LOW_CARDINALITY = ['service', 'Wait', 'PackageType', 'Outcome', 'ErrorName'];

/** The dashboard body with CloudFormation's pseudo parameters filled in, as CloudWatch receives it. */
function dashboard(): { widgets: { type: string; properties: JsonObject }[] } {
  const body = (resource('ReleaseDashboard').Properties.DashboardBody as { 'Fn::Sub': string })['Fn::Sub'];
  const filled = body.replace(/\$\{AWS::(Partition|Region|AccountId)\}/g, (_, p: string) => ({ Partition: 'aws', Region: 'us-east-1', AccountId: '123456789012' })[p]!);
  expect(filled).not.toMatch(/\$\{/);
  return JSON.parse(filled) as ReturnType<typeof dashboard>;
}

/** [namespace, metric name, dimension name, value, …] rows of every metric widget ("..." repeats the row above). */
function metricRows(): string[][] {
  const rows: string[][] = [];
  for (const w of dashboard().widgets.filter((x) => x.type === 'metric')) {
    for (const row of w.properties.metrics as unknown[][]) {
      const plain = row.filter((x): x is string => typeof x === 'string');
      if (plain[0] === '...') rows.push(rows.at(-1)!);
      else if (plain.length) rows.push(plain);
    }
  }
  return rows;
}
const searchExpressions = () => JSON.stringify(dashboard()).match(/SEARCH\([^)]*\)/g) ?? [];

describe('monitoring (resources/monitoring.yml)', () => {
  it('the dashboard draws every metric the functions emit, in their namespace, and only those', () => {
    const ours = metricRows().filter((r) => r[0] === METRICS_NAMESPACE);
    const drawn = new Set([...ours.map((r) => r[1]!), ...searchExpressions().map((s) => /MetricName=\\"(\w+)\\"/.exec(s)?.[1])]);
    expect([...drawn].sort()).toEqual(Object.keys(METRIC_UNITS).sort());
  });

  it('its widgets use the emitted dimensions only (service = pkgrelease; no package or version names)', () => {
    for (const row of metricRows().filter((r) => r[0] === METRICS_NAMESPACE)) {
      const dims = row.slice(2);
      const names = dims.filter((_, i) => i % 2 === 0);
      expect(names.every((n) => LOW_CARDINALITY.includes(n)), row.join(' ')).toBe(true);
      expect(dims[names.indexOf('service') * 2 + 1]).toBe(METRICS_SERVICE);
    }
    for (const s of searchExpressions()) expect(s.match(/\{([^}]*)\}/)![1]!.split(',').slice(1).every((d) => LOW_CARDINALITY.includes(d)), s).toBe(true);
  });

  it('shows the dead-letter queues and the status of every alarm in the stack (the DLQ alarms reused)', () => {
    const queues = metricRows().filter((r) => r[0] === 'AWS/SQS').map((r) => r[3]);
    const queueNames = ['TriggerDeadLetterQueue', 'NotifyDeadLetterQueue'].map((id) => resource(id).Properties.QueueName);
    expect(queues.sort()).toEqual(queueNames.sort());
    const alarmWidget = dashboard().widgets.find((w) => w.type === 'alarm')!;
    const shown = (alarmWidget.properties.alarms as string[]).map((arn) => arn.split(':alarm:')[1]);
    expect(shown.sort()).toEqual(alarms().map(([, a]) => a.Properties.AlarmName as string).sort());
  });

  it.each([
    ['ReleasesFailedAlarm', 'ReleasesFailed'],
    ['LeaseWaitsGrowingAlarm', 'LeaseWaits'],
  ])('%s watches %s over all releases and tells the failure topic', (id, metric) => {
    const p = resource(id).Properties;
    expect(p).toMatchObject({ Namespace: METRICS_NAMESPACE, MetricName: metric, Dimensions: [{ Name: 'service', Value: METRICS_SERVICE }], Statistic: 'Sum', TreatMissingData: 'notBreaching', AlarmActions: [{ Ref: 'FailureTopic' }] });
  });

  it('ReleaseOverBudgetAlarm: the longest release end to end, succeeded or failed, against a budget that fits a blue/green rollout', () => {
    const p = resource('ReleaseOverBudgetAlarm').Properties;
    const stats = (p.Metrics as JsonObject[]).filter((m) => m.MetricStat).map((m) => (m.MetricStat as { Metric: { MetricName: string; Dimensions: unknown } }).Metric);
    expect(stats.map((m) => m.MetricName)).toEqual(['ReleaseDuration', 'ReleaseDuration']);
    expect(stats.map((m) => m.Dimensions)).toEqual(['Succeeded', 'Failed'].map((o) => [{ Name: 'service', Value: METRICS_SERVICE }, { Name: 'Outcome', Value: o }]));
    expect((p.Metrics as JsonObject[]).find((m) => m.ReturnData)!.Expression).toBe('MAX([succeeded, failed])');
    // A 25 min blue/green deployment plus its import and polls fits; the execution's 2 h timeout does not.
    expect(p.Threshold as number).toBeGreaterThan(30 * 60);
    expect(p.Threshold as number).toBeLessThan(7200);
    expect(p.AlarmActions).toEqual([{ Ref: 'FailureTopic' }]);
  });

  it('every release end reaches notify: successes by their own rule (failures by ReleaseFailedRule), with permission to invoke it', () => {
    const rule = resource('ReleaseSucceededRule').Properties;
    expect(rule.EventPattern).toEqual({ source: ['aws.states'], 'detail-type': ['Step Functions Execution Status Change'], detail: { status: ['SUCCEEDED'], stateMachineArn: [{ Ref: 'ReleaseStateMachine' }] } });
    expect((rule.Targets as JsonObject[]).map((t) => t.Arn)).toEqual([{ 'Fn::GetAtt': ['NotifyLambdaFunction', 'Arn'] }]);
    expect(resource('ReleaseSucceededRuleInvokesNotify').Properties).toMatchObject({ Principal: 'events.amazonaws.com', SourceArn: { 'Fn::GetAtt': ['ReleaseSucceededRule', 'Arn'] } });
    const failed = ((resource('ReleaseFailedRule').Properties.EventPattern as JsonObject).detail as { status: string[] }).status;
    expect([...failed, 'SUCCEEDED'].sort()).toEqual(['ABORTED', 'FAILED', 'SUCCEEDED', 'TIMED_OUT']);
  });

  it('EMF needs no CloudWatch API: no role grants cloudwatch:PutMetricData', () => {
    expect(JSON.stringify(template.Resources)).not.toContain('cloudwatch:PutMetricData');
  });
});
