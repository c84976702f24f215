/**
 * Simulated devices: groups of N things, each with a fixed outcome drawn from the group's mix
 * (succeed, fail, reject, time out). A device takes a queued job execution after `pickupSeconds`
 * and reports its outcome `durationSeconds` later (±20 %, seeded), in scaled time; a device that
 * times out takes the execution and never reports, so only the job's timeoutConfig ends it.
 */
import * as z from 'zod';
import { IOT_JOBS } from '../../../../lib/release/iot-jobs-constraints';
import { deriveSeed, Prng } from '../../core/faults';
import type { Execution } from '../jobs/job-model';
import type { JobStore } from '../jobs/jobs';
import type { ThingRegistry } from '../things/registry';

const name = (c: { min: number; max: number; pattern: RegExp }) => z.string().min(c.min).max(c.max).regex(c.pattern);
const share = z.number().min(0).max(1);

export const deviceOutcomesSchema = z
  .strictObject({
    succeed: share.optional(),
    fail: share.optional().describe('reports FAILED'),
    reject: share.optional().describe('reports REJECTED'),
    timeOut: share.optional().describe('takes the execution and never reports (TIMED_OUT once the job has a timeoutConfig)'),
  })
  .refine((o) => (o.fail ?? 0) + (o.reject ?? 0) + (o.timeOut ?? 0) <= 1 + 1e-9, { message: 'fail + reject + timeOut must not exceed 1' })
  .describe('Shares of the group (0–1); what is left over succeeds');

export const deviceGroupSchema = z.strictObject({
  group: name(IOT_JOBS.thingGroupName).describe('Static thing group the devices are in (created if missing)'),
  count: z.number().int().min(1).max(100_000),
  thingNamePrefix: name(IOT_JOBS.thingName).optional().describe('Thing names are <prefix><n>, n from 1; default "<group>-"'),
  parentGroup: name(IOT_JOBS.thingGroupName).optional().describe('Parent of the group when it is created'),
  outcomes: deviceOutcomesSchema.default({}),
  pickupSeconds: z.number().nonnegative().default(1).describe('Simulated seconds from notification to IN_PROGRESS'),
  durationSeconds: z.number().nonnegative().default(30).describe('Simulated seconds from IN_PROGRESS to the outcome'),
});
export const deviceGroupsSchema = z.array(deviceGroupSchema);
export type DeviceGroupSpec = z.input<typeof deviceGroupSchema>;
type DeviceGroup = z.output<typeof deviceGroupSchema>;

export type DeviceOutcome = 'succeed' | 'fail' | 'reject' | 'timeOut';

interface Device {
  group: string;
  outcome: DeviceOutcome;
  pickupMs: number;
  durationMs: number;
}

interface Action {
  due: number;
  jobId: string;
  thingName: string;
  step: 'start' | 'finish';
}

export interface DevicesView {
  [group: string]: { count: number; outcomes: Record<DeviceOutcome, number> };
}

export class DeviceFleet {
  private readonly devices = new Map<string, Device>();
  private readonly groups = new Map<string, DeviceGroup>();
  private actions: Action[] = [];

  constructor(
    private readonly registry: ThingRegistry,
    private readonly jobs: JobStore,
    private readonly clock: { now(): number; scale: number },
    private readonly seed: number,
  ) {}

  /** Declares (or re-declares, e.g. after the devices are "fixed") groups of devices. */
  declare(specs: DeviceGroupSpec[]): void {
    for (const spec of deviceGroupsSchema.parse(specs)) {
      if (spec.parentGroup && !this.registry.hasGroup(spec.parentGroup)) this.registry.createGroup({ thingGroupName: spec.parentGroup });
      if (!this.registry.hasGroup(spec.group)) this.registry.createGroup({ thingGroupName: spec.group, ...(spec.parentGroup && { parentGroupName: spec.parentGroup }) });
      this.groups.set(spec.group, spec);
      const outcomes = assignOutcomes(spec, new Prng(deriveSeed(this.seed, `devices:${spec.group}`)));
      const jitter = new Prng(deriveSeed(this.seed, `durations:${spec.group}`));
      const prefix = spec.thingNamePrefix ?? `${spec.group}-`;
      for (let i = 0; i < spec.count; i++) {
        const thingName = `${prefix}${i + 1}`;
        if (!this.registry.hasThing(thingName)) this.registry.createThing({ thingName, attributes: { simulated: 'true' } });
        this.registry.addThingToGroup(thingName, spec.group);
        const factor = 0.8 + 0.4 * jitter.next();
        this.devices.set(thingName, { group: spec.group, outcome: outcomes[i]!, pickupMs: spec.pickupSeconds * 1000, durationMs: spec.durationSeconds * 1000 * factor });
      }
    }
    this.resume();
  }

  /** A thing was notified: a simulated device picks the execution up. */
  queued(e: Execution): void {
    const device = this.devices.get(e.thingName);
    if (!device) return;
    this.schedule({ due: this.clock.now() + device.pickupMs * this.clock.scale, jobId: e.jobId, thingName: e.thingName, step: 'start' });
  }

  /** Runs the device actions that are due. */
  tick(): void {
    const now = this.clock.now();
    if (this.actions.length === 0 || this.actions[0]!.due > now) return;
    const due = this.actions.filter((a) => a.due <= now);
    this.actions = this.actions.filter((a) => a.due > now);
    for (const a of due) this.act(a);
  }

  view(): DevicesView {
    const out: DevicesView = {};
    for (const d of this.devices.values()) {
      const g = (out[d.group] ??= { count: 0, outcomes: { succeed: 0, fail: 0, reject: 0, timeOut: 0 } });
      g.count++;
      g.outcomes[d.outcome]++;
    }
    return out;
  }

  private act(a: Action): void {
    const device = this.devices.get(a.thingName);
    let e: Execution;
    try {
      e = this.jobs.execution(a.jobId, a.thingName);
    } catch {
      return;
    }
    if (!device) return;
    // The job moved on without the device (canceled, retried): nothing to do.
    if (a.step === 'start' && e.status !== 'QUEUED') return;
    if (a.step === 'finish' && e.status !== 'IN_PROGRESS') return;
    if (a.step === 'start') {
      this.jobs.start(a.jobId, a.thingName);
      if (device.outcome !== 'timeOut') this.schedule({ ...a, step: 'finish', due: this.clock.now() + device.durationMs * this.clock.scale });
      return;
    }
    const status = device.outcome === 'succeed' ? 'SUCCEEDED' : device.outcome === 'fail' ? 'FAILED' : 'REJECTED';
    this.jobs.finish(a.jobId, a.thingName, status, status === 'SUCCEEDED' ? undefined : { reason: `simulated device: ${device.outcome}` });
  }

  /** After a restart or a re-declaration: devices go on with executions they hold. */
  private resume(): void {
    const now = this.clock.now();
    const planned = new Set(this.actions.map((a) => `${a.jobId}/${a.thingName}`));
    for (const job of this.jobs.all()) {
      for (const e of this.jobs.executionsOf(job.spec.jobId)) {
        const device = this.devices.get(e.thingName);
        if (!device || planned.has(`${e.jobId}/${e.thingName}`)) continue;
        if (e.status === 'QUEUED') this.schedule({ due: now + device.pickupMs * this.clock.scale, jobId: e.jobId, thingName: e.thingName, step: 'start' });
        if (e.status === 'IN_PROGRESS' && device.outcome !== 'timeOut') this.schedule({ due: now + device.durationMs * this.clock.scale, jobId: e.jobId, thingName: e.thingName, step: 'finish' });
      }
    }
  }

  private schedule(a: Action): void {
    const i = this.actions.findIndex((x) => x.due > a.due);
    if (i < 0) this.actions.push(a);
    else this.actions.splice(i, 0, a);
  }
}

/**
 * Exactly round(share × count) devices per outcome (largest remainder), shuffled with the seed:
 * "10 devices, 30 % fail" is 3 failing devices, never 2 or 4.
 */
export function assignOutcomes(spec: { count: number; outcomes: { fail?: number; reject?: number; timeOut?: number } }, prng: Prng): DeviceOutcome[] {
  const shares: [DeviceOutcome, number][] = [
    ['fail', spec.outcomes.fail ?? 0],
    ['reject', spec.outcomes.reject ?? 0],
    ['timeOut', spec.outcomes.timeOut ?? 0],
  ];
  shares.push(['succeed', Math.max(0, 1 - shares.reduce((s, [, v]) => s + v, 0))]);
  const exact = shares.map(([o, s]) => ({ o, n: Math.floor(s * spec.count + 1e-9), rest: s * spec.count - Math.floor(s * spec.count + 1e-9) }));
  let left = spec.count - exact.reduce((s, e) => s + e.n, 0);
  for (const e of [...exact].sort((a, b) => b.rest - a.rest)) {
    if (left <= 0) break;
    e.n++;
    left--;
  }
  const out = exact.flatMap((e) => Array<DeviceOutcome>(e.n).fill(e.o));
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(prng.next() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
