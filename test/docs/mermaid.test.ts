import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type AslMachine, aslToMermaid, describeRule, pollLabel, replaceBetweenMarkers } from '../../lib/diagram/mermaid';

describe('aslToMermaid', () => {
  it('draws every state, Next / Choices / Default / Catch transitions, and End to [*]', () => {
    const machine: AslMachine = {
      StartAt: 'Load',
      States: {
        Load: { Type: 'Task', Next: 'Ready?', Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Broken' }] },
        'Ready?': {
          Type: 'Choice',
          Choices: [
            { Variable: '$.ready', BooleanEquals: true, Next: 'Done' },
            { And: [{ Variable: '$.n', NumericLessThan: 3 }, { Not: { Variable: '$.s', StringEquals: 'x' } }], Next: 'Wait' },
          ],
          Default: 'Broken',
        },
        Wait: { Type: 'Wait', Seconds: 30, Next: 'Load' },
        Done: { Type: 'Pass', End: true },
        Broken: { Type: 'Fail' },
      },
    };
    expect(aslToMermaid(machine)).toBe(
      [
        'stateDiagram-v2',
        '    state "Ready?" as Ready_',
        '    [*] --> Load',
        '    Load --> Broken: Catch States.ALL',
        '    Load --> Ready_',
        '    Ready_ --> Done: $.ready BooleanEquals true',
        "    Ready_ --> Wait: ($.n NumericLessThan 3) And (Not ($.s StringEquals 'x'))",
        '    Ready_ --> Broken: Default',
        '    Wait --> Load: after 30 s',
        '    Done --> [*]',
        '    Broken --> [*]',
      ].join('\n'),
    );
  });

  it('draws Parallel branches and Map processors as composite states, with unique ids', () => {
    const machine: AslMachine = {
      StartAt: 'Fan out',
      States: {
        'Fan out': {
          Type: 'Parallel',
          Branches: [{ StartAt: 'A', States: { A: { Type: 'Pass', End: true } } }],
          Next: 'Fan_out',
        },
        Fan_out: { Type: 'Map', ItemProcessor: { StartAt: 'B', States: { B: { Type: 'Succeed' } } }, End: true },
      },
    };
    const lines = aslToMermaid(machine).split('\n');
    expect(lines).toContain('    state "Fan out" as Fan_out');
    expect(lines).toContain('    Fan_out --> Fan_out_2'); // the Parallel state to the Map state, told apart
    expect(lines).toContain('    state Fan_out {');
    expect(lines).toContain('        A --> [*]');
    expect(lines).toContain('    state Fan_out_2 {');
    expect(lines).toContain('        [*] --> B');
  });

  it('covers every state and transition of the release state machine', () => {
    const asl = JSON.parse(readFileSync(new URL('../../statemachines/release.asl.json', import.meta.url), 'utf8')) as AslMachine;
    const diagram = aslToMermaid(asl);
    for (const [name, state] of Object.entries(asl.States) as [string, { Next?: string }][]) {
      const id = name.replace(/[^A-Za-z0-9_]/g, '_');
      expect(diagram).toMatch(new RegExp(`^    (\\S+ --> ${id}|${id} --> )`, 'm'));
      if (state.Next) expect(diagram).toContain(`    ${id} --> ${state.Next.replace(/[^A-Za-z0-9_]/g, '_')}`);
    }
    expect(diagram).toContain('    [*] --> Prepare');
    expect(diagram).toContain('    Released --> [*]');
    expect(diagram).toContain('    CheckOpenSearch --> CheckOpenSearch: 3 s ×1.5 up to 8 s, full jitter, while OpenSearchNotReady (at most 450×)');
    expect(diagram).toContain('    CheckDomains --> CheckDomains: 10 s ×1.5 up to 45 s, full jitter, while DomainsPendingBlueGreen (at most 300×)');
    // The learned first waits before each check (lib/release/poll-timing.ts).
    expect(diagram).toContain('    UpdateOpenSearch --> WaitForImport\n    WaitForImport --> CheckOpenSearch: after firstPollSeconds s');
    expect(diagram).toContain('    ApplyToDomains --> WaitForDomains\n    WaitForDomains --> CheckDomains: after firstPollSeconds s');
    expect(pollLabel({ ErrorEquals: ['OpenSearchNotReady'], IntervalSeconds: 30, BackoffRate: 1, MaxAttempts: 60 })).toBe('every 30 s while OpenSearchNotReady (at most 60×)');
  });

  it('describes choice rules', () => {
    expect(describeRule({ Variable: '$.a', StringMatches: 'x*', Next: 'N' })).toBe('$.a StringMatches "x*"');
    expect(describeRule({ Or: [{ Variable: '$.a', IsPresent: true }, { Variable: '$.b', IsNull: false }] })).toBe('($.a IsPresent true) Or ($.b IsNull false)');
  });
});

describe('replaceBetweenMarkers', () => {
  const [start, end] = ['<!-- s -->', '<!-- e -->'];

  it('replaces only what lies between the markers, and is stable', () => {
    const once = replaceBetweenMarkers(`# T\n${start}\nold\n${end}\ntail\n`, start, end, 'new\n');
    expect(once).toBe(`# T\n${start}\nnew\n${end}\ntail\n`);
    expect(replaceBetweenMarkers(once!, start, end, 'new')).toBe(once);
  });

  it('returns undefined without both markers', () => {
    expect(replaceBetweenMarkers('# T\n', start, end, 'x')).toBeUndefined();
    expect(replaceBetweenMarkers(`${end}\n${start}\n`, start, end, 'x')).toBeUndefined();
  });
});
