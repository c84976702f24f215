/**
 * The state machine's error policy, checked against the error names in lib/release/errors-catalog.ts and
 * the function settings in serverless.yml (no packaging needed; runs in milliseconds).
 */
import aslValidator from 'asl-validator';
import { describe, expect, it } from 'vitest';
import { POLL_ERROR_NAMES, RETRYABLE_ERROR_NAMES, TERMINAL_ERROR_NAMES } from '../../lib/release/errors-catalog';
import { MAX_ROLLOUT_MINUTES } from '../../lib/release/rollout/settings';
import { allStates, aslPlaceholders, lambdaLogicalId, readAslText, readServerlessYml, type Json, type JsonObject } from './project';

/** Errors every Task must retry with backoff and jitter (DESIGN.md §2, "Error policy"). */
const LAMBDA_SERVICE_ERRORS = ['Lambda.ServiceException', 'Lambda.AWSLambdaException', 'Lambda.SdkClientException', 'Lambda.TooManyRequestsException'];
const TRANSIENT_STEP_ERRORS = ['TransientAwsError', 'IdempotencyAlreadyInProgressError'];
/** Wildcards would retry validation and conflict errors too. */
const WILDCARD_ERRORS = ['States.ALL', 'States.TaskFailed'];

const aslText = readAslText();
const machine = JSON.parse(aslText) as JsonObject;
const yml = readServerlessYml();
const substitutions = yml.resources.Resources.ReleaseStateMachine?.Properties?.DefinitionSubstitutions as Record<string, { 'Fn::GetAtt': [string, string] }>;

/** Placeholder -> serverless.yml function key, through DefinitionSubstitutions' Fn::GetAtt. */
/** Substitutions that are not step functions: the topic WaitForApproval publishes to. */
const NON_FUNCTION_SUBSTITUTIONS: Record<string, unknown> = { ApprovalTopicArn: { Ref: 'ApprovalTopic' } };
const functionOfPlaceholder = new Map(
  Object.entries(substitutions ?? {}).filter(([placeholder]) => !(placeholder in NON_FUNCTION_SUBSTITUTIONS)).map(([placeholder, value]) => {
    const logicalId = value['Fn::GetAtt']?.[0];
    const key = Object.keys(yml.functions).find((k) => lambdaLogicalId(k) === logicalId);
    return [placeholder, key] as const;
  }),
);

/** Service integrations (`arn:aws:states:::…`) call AWS directly; every other Task invokes a step Lambda. */
const isIntegration = (s: JsonObject) => String(s.Resource).startsWith('arn:aws:states:::');
const tasks = allStates(machine).filter(([, s]) => s.Type === 'Task' && !isIntegration(s));
const integrations = allStates(machine).filter(([, s]) => s.Type === 'Task' && isIntegration(s));
/** Errors that mean "not ready yet": the ASL polls by retrying them, each on a backoff fitted to its kind of work. */
const POLL_ERRORS = Object.keys(POLL_ERROR_NAMES);

type Retrier = { ErrorEquals: string[]; IntervalSeconds?: number; MaxAttempts?: number; BackoffRate?: number; MaxDelaySeconds?: number; JitterStrategy?: string };
type Catcher = { ErrorEquals: string[]; Next: string };
const retriers = (state: JsonObject) => (state.Retry ?? []) as unknown as Retrier[];
const placeholderOf = (state: JsonObject) => /^\$\{([A-Za-z0-9_]+)\}$/.exec(String(state.Resource))?.[1];

describe('statemachines/release.asl.json', () => {
  it('is valid Amazon States Language once the placeholders are substituted', () => {
    const substituted = aslText.replace(/\$\{([A-Za-z0-9_]+)\}/g, (_, name: string) => `arn:aws:lambda:us-east-1:123456789012:function:pkgrelease-test-${name}`);
    const result = aslValidator(JSON.parse(substituted));
    expect(result.errorsText(), result.errorsText()).toBe('');
    expect(result.isValid).toBe(true);
  });

  it('has an overall execution timeout', () => {
    expect(machine.TimeoutSeconds).toBeTypeOf('number');
    expect(machine.TimeoutSeconds as number).toBeGreaterThan(0);
  });

  it('has a DefinitionSubstitutions entry in serverless.yml for every ${placeholder}, and no other', () => {
    expect(substitutions).toBeDefined();
    expect(Object.keys(substitutions).sort()).toEqual(aslPlaceholders(aslText));
  });

  it('maps every substitution to a function defined in serverless.yml (or to the approvals topic)', () => {
    for (const [placeholder, value] of Object.entries(NON_FUNCTION_SUBSTITUTIONS)) expect(substitutions[placeholder]).toEqual(value);
    for (const [placeholder, key] of functionOfPlaceholder) {
      expect(key, `${placeholder} -> ${JSON.stringify(substitutions[placeholder])}`).toBeDefined();
    }
  });

  it('retries every retryable error name somewhere', () => {
    const retried = new Set(tasks.flatMap(([, s]) => retriers(s).flatMap((r) => r.ErrorEquals)));
    for (const name of RETRYABLE_ERROR_NAMES) expect(retried, name).toContain(name);
  });

  it('has Task states', () => {
    expect(tasks.length).toBeGreaterThanOrEqual(5);
  });

  describe.each(tasks.map(([name, state]) => ({ name, state })))('Task $name', ({ name, state }) => {
    it('invokes a function through a ${placeholder}', () => {
      const placeholder = placeholderOf(state);
      expect(placeholder, `${name}.Resource = ${String(state.Resource)}`).toBeDefined();
      expect(functionOfPlaceholder.get(placeholder!), `${placeholder} has no function`).toBeDefined();
    });

    it('retries Lambda service errors and transient step errors with backoff and full jitter', () => {
      const rs = retriers(state);
      for (const error of [...LAMBDA_SERVICE_ERRORS, ...TRANSIENT_STEP_ERRORS]) {
        const r = rs.find((x) => x.ErrorEquals.includes(error));
        expect(r, `${name} does not retry ${error}`).toBeDefined();
      }
      for (const r of rs) {
        const what = `${name} retrier [${r.ErrorEquals.join(', ')}]`;
        expect(r.BackoffRate, what).toBeGreaterThan(1);
        expect(r.JitterStrategy, what).toBe('FULL');
        expect(r.MaxAttempts ?? 3, what).toBeGreaterThan(0);
      }
    });

    it('never retries terminal errors or wildcards', () => {
      const retried = retriers(state).flatMap((r) => r.ErrorEquals);
      for (const error of [...TERMINAL_ERROR_NAMES, ...WILDCARD_ERRORS]) expect(retried, `${name} retries ${error}`).not.toContain(error);
    });

    it('does not Catch into a Fail state (Redrive must resume at the failed step)', () => {
      const states = machine.States as Record<string, Json>;
      for (const c of (state.Catch ?? []) as unknown as Catcher[]) {
        const target = states[c.Next] as JsonObject | undefined;
        expect(target?.Type, `${name} catches [${c.ErrorEquals.join(', ')}] into ${c.Next}`).not.toBe('Fail');
      }
    });

    it('has a TimeoutSeconds no shorter than its Lambda timeout', () => {
      const key = functionOfPlaceholder.get(placeholderOf(state) ?? '');
      const lambdaTimeout = key ? yml.functions[key]?.timeout : undefined;
      expect(lambdaTimeout, `serverless.yml functions.${key}.timeout`).toBeTypeOf('number');
      expect(state.TimeoutSeconds, `${name}.TimeoutSeconds`).toBeTypeOf('number');
      expect(state.TimeoutSeconds as number).toBeGreaterThanOrEqual(lambdaTimeout!);
    });
  });

  describe('polls that fit the work', () => {
    const states = machine.States as Record<string, JsonObject>;
    const pollOf = (error: string) => {
      const found = tasks.flatMap(([name, s]) => retriers(s).filter((r) => r.ErrorEquals.includes(error)).map((r) => ({ name, r })));
      expect(found, error).toHaveLength(1);
      return found[0]!;
    };

    it.each(POLL_ERRORS)('%s has a retrier of its own that starts soon and backs off with full jitter to a cap', (error) => {
      const { r } = pollOf(error);
      expect(r.ErrorEquals).toEqual([error]);
      expect(r.IntervalSeconds!).toBeLessThanOrEqual(10);
      expect(r.BackoffRate!).toBeGreaterThan(1);
      expect(r.MaxDelaySeconds!).toBeGreaterThan(r.IntervalSeconds!);
      expect(r.JitterStrategy).toBe('FULL');
    });

    // What the fixed 30 s polls allowed: 60 × 30 s for an import, 220 × 30 s (the longest domain budget, 110 min) for domains.
    const budgetMinutes: Record<string, number> = { OpenSearchNotReady: 30, DomainsPending: 110, DomainsPendingBlueGreen: 110, RolloutStageInProgress: MAX_ROLLOUT_MINUTES };
    it.each(POLL_ERRORS)('%s: the total stays bounded, yet the expected wait is as long as the fixed polls allowed', (error) => {
      const { r } = pollOf(error);
      // Full jitter draws each delay from [0, cap]: on average half the cap once the backoff reaches it.
      const expectedSeconds = r.MaxAttempts! * (r.MaxDelaySeconds! / 2);
      expect(expectedSeconds).toBeGreaterThanOrEqual(budgetMinutes[error]! * 60);
    });

    it('every poll running to its last attempt stays within the 25,000 events of an execution history', () => {
      // Each Lambda attempt is about three events (scheduled, started, failed).
      const attempts = POLL_ERRORS.reduce((n, e) => n + pollOf(e).r.MaxAttempts!, 0);
      expect(attempts * 3).toBeLessThan(25_000);
    });

    it('a ZIP-PLUGIN blue/green deployment backs off to a longer cap than an association, and an association than an import', () => {
      const cap = (e: string) => pollOf(e).r.MaxDelaySeconds!;
      expect(cap('DomainsPendingBlueGreen')).toBeGreaterThan(cap('DomainsPending'));
      expect(cap('DomainsPending')).toBeGreaterThanOrEqual(cap('OpenSearchNotReady'));
      expect(pollOf('OpenSearchNotReady').name).toBe('CheckOpenSearch');
      expect(pollOf('DomainsPendingBlueGreen').name).toBe('CheckDomains');
      expect(states.CheckDomains).toBeDefined();
    });
  });

  describe('approval gate', () => {
    const states = machine.States as Record<string, JsonObject>;

    it('has two service-integration Tasks: WaitForApproval and, between rollout stages, WaitForStageApproval, SNS publishes that wait for their task token', () => {
      expect(integrations.map(([name]) => name)).toEqual(['WaitForApproval', 'WaitForStageApproval']);
      const stage = states.WaitForStageApproval!;
      expect(stage.Resource).toBe('arn:aws:states:::sns:publish.waitForTaskToken');
      expect((stage.Parameters as JsonObject).TopicArn).toBe('${ApprovalTopicArn}');
      expect((stage.Parameters as JsonObject).MessageAttributes).toEqual({ taskToken: { DataType: 'String', 'StringValue.$': '$$.Task.Token' } });
      expect(String((stage.Parameters as JsonObject)['Message.$'])).not.toContain('Task.Token');
      expect(stage.Next).toBe('StartRolloutStage');
      expect(stage.Catch).toBeUndefined();
      const wait = states.WaitForApproval!;
      expect(wait.Resource).toBe('arn:aws:states:::sns:publish.waitForTaskToken');
      const parameters = wait.Parameters as JsonObject;
      expect(parameters.TopicArn).toBe('${ApprovalTopicArn}');
      // The token goes in an attribute (for `pkgrelease approve`), never in the text people read.
      expect(parameters.MessageAttributes).toEqual({ taskToken: { DataType: 'String', 'StringValue.$': '$$.Task.Token' } });
      expect(String(parameters['Message.$'])).not.toContain('Task.Token');
      expect(String(parameters['Message.$'])).toContain('pkgrelease approve');
      expect(wait.Next).toBe('Promote');
    });

    it('never catches: a failed publish fails the execution at WaitForApproval, and a Redrive asks again', () => {
      expect(states.WaitForApproval!.Catch).toBeUndefined();
      expect(states.WaitForApproval!.Retry).toBeUndefined();
    });

    it('is entered only when the release requires approval; otherwise Promote follows directly', () => {
      const choice = states['ApprovalRequired?']!;
      expect(choice.Type).toBe('Choice');
      expect(choice.Default).toBe('Promote');
      const rules = choice.Choices as JsonObject[];
      expect(rules).toHaveLength(1);
      expect(rules[0]!.Next).toBe('WaitForApproval');
      expect(JSON.stringify(rules[0])).toContain('"Variable":"$.steps.checkDomains.requireApproval"');
      const into = Object.entries(states).filter(([, st]) => st.Next === 'ApprovalRequired?' || st.Next === 'Promote').map(([n]) => n);
      expect(into.sort()).toEqual(['WaitForApproval', ...Object.entries(states).filter(([, st]) => st.Next === 'ApprovalRequired?').map(([n]) => n)].sort());
    });
  });

  describe('rollout', () => {
    const states = machine.States as Record<string, JsonObject>;

    it('follows Promote only for a release with a rollout; the others end at Released', () => {
      expect(states.Promote!.Next).toBe('RolloutConfigured?');
      const choice = states['RolloutConfigured?']!;
      expect(choice.Type).toBe('Choice');
      expect(choice.Default).toBe('Released');
      expect((choice.Choices as JsonObject[]).map((c) => c.Next)).toEqual(['StartRolloutStage']);
      expect(JSON.stringify(choice.Choices)).toContain('"Variable":"$.rollout"');
      expect(states.Released!.Type).toBe('Succeed');
    });

    it('starts and watches a stage with the execution context (its RedriveCount names the attempt), keeping its progress in $.rollout', () => {
      for (const name of ['StartRolloutStage', 'WatchRolloutStage']) {
        expect(states[name]!.Parameters, name).toEqual({ 'state.$': '$', 'execution.$': '$$.Execution' });
        expect(states[name]!.ResultPath, name).toBe('$.rollout');
        expect(states[name]!.Catch, name).toBeUndefined();
      }
      expect(states.StartRolloutStage!.Next).toBe('WatchRolloutStage');
      expect(states.WatchRolloutStage!.Next).toBe('RolloutStagePassed?');
      expect(retriers(states.StartRolloutStage!).flatMap((r) => r.ErrorEquals)).toContain('RolloutLocked');
    });

    it('after a stage: the next stage, an approval first, or the default; no path skips RolloutDefault', () => {
      const choice = states['RolloutStagePassed?']!;
      expect((choice.Choices as JsonObject[]).map((c) => [c.StringEquals, c.Next])).toEqual([
        ['next', 'StartRolloutStage'],
        ['approval', 'WaitForStageApproval'],
      ]);
      expect(choice.Default).toBe('RolloutDefault');
      expect(states.RolloutDefault!.Next).toBe('Released');
      expect(states.RolloutDefault!.ResultPath).toBe('$.steps.rolloutDefault');
      const message = String((states.WaitForStageApproval!.Parameters as JsonObject)['Message.$']);
      expect(message).toContain('$.rollout.approval.after');
      expect(message).toContain('pkgrelease approve');
    });
  });
});
