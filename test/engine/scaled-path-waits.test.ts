import { describe, expect, it } from 'vitest';
import type { AslDefinition } from '../../local/engine/definition';
import { ScaledPathWaits } from '../../local/engine/time-scale';

/** A Wait's SecondsPath, scaled like every other interval of a local run (local/engine/time-scale.ts). */
const definition: AslDefinition = {
  StartAt: 'Start',
  States: {
    Start: { Type: 'Task', Resource: 'x', ResultPath: '$.steps.start', Next: 'Sleep' },
    Sleep: { Type: 'Wait', SecondsPath: '$.steps.start.firstPollSeconds', Next: 'Fixed' },
    Fixed: { Type: 'Wait', Seconds: 5, Next: 'Discard' },
    Discard: { Type: 'Task', Resource: 'x', ResultPath: null, End: true },
  },
};

describe('ScaledPathWaits', () => {
  it('answers a SecondsPath Wait in scaled milliseconds, from the result its Task put at its ResultPath', () => {
    const waits = new ScaledPathWaits(definition, 0.01, { packageName: 'p' });
    const overrides = waits.overrides();
    expect(Object.keys(overrides)).toEqual(['Sleep']);
    expect(overrides.Sleep).toBeUndefined();
    waits.taskResult('Start', { firstPollSeconds: 120 });
    expect(overrides.Sleep).toBe(1200);
    waits.taskResult('Discard', { firstPollSeconds: 7 });
    expect(overrides.Sleep).toBe(1200);
  });

  it('reads a value the run started with (a redrive starts from a state\'s input)', () => {
    expect(new ScaledPathWaits(definition, 0.5, { steps: { start: { firstPollSeconds: 4 } } }).overrides().Sleep).toBe(2000);
  });

  it('leaves a value that is not a non-negative integer to the library, which fails the Wait as AWS does', () => {
    const waits = new ScaledPathWaits(definition, 0.01, {});
    for (const bad of [1.5, -1, '3']) {
      waits.taskResult('Start', { firstPollSeconds: bad });
      expect(waits.overrides().Sleep).toBeUndefined();
    }
  });

  it('overrides nothing at scale 1', () => {
    expect(new ScaledPathWaits(definition, 1, { steps: { start: { firstPollSeconds: 4 } } }).overrides()).toEqual({});
  });
});
