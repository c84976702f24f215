/**
 * statemachines/rollback.asl.json against resources/rollback.yml, serverless.yml and the error
 * catalog: the same error policy as the release's machine (no packaging needed).
 */
import { readFileSync } from 'node:fs';
import aslValidator from 'asl-validator';
import { describe, expect, it } from 'vitest';
import { ERROR_CATALOG, TERMINAL_ERROR_NAMES } from '../../lib/release/errors-catalog';
import { aslPlaceholders, lambdaLogicalId, readServerlessYml, ROOT, type JsonObject } from './project';

const aslText = readFileSync(`${ROOT}statemachines/rollback.asl.json`, 'utf8');
const machine = JSON.parse(aslText) as { StartAt: string; TimeoutSeconds?: number; States: Record<string, JsonObject> };
const yml = readServerlessYml();
const resource = yml.resources.Resources.RollbackStateMachine;
const substitutions = resource?.Properties?.DefinitionSubstitutions as Record<string, { 'Fn::GetAtt': [string, string] }>;
const LAMBDA_SERVICE_ERRORS = ['Lambda.ServiceException', 'Lambda.AWSLambdaException', 'Lambda.SdkClientException', 'Lambda.TooManyRequestsException'];
type Retrier = { ErrorEquals: string[]; BackoffRate?: number; JitterStrategy?: string };
const tasks = Object.entries(machine.States).filter(([, s]) => s.Type === 'Task');
const functionKeyOf = (state: JsonObject) => {
  const placeholder = /^\$\{(\w+)\}$/.exec(String(state.Resource))?.[1];
  const logicalId = placeholder ? substitutions[placeholder]?.['Fn::GetAtt']?.[0] : undefined;
  return Object.keys(yml.functions).find((k) => lambdaLogicalId(k) === logicalId);
};

describe('statemachines/rollback.asl.json', () => {
  it('is valid Amazon States Language once the placeholders are substituted, with an overall timeout', () => {
    const result = aslValidator(JSON.parse(aslText.replace(/\$\{(\w+)\}/g, (_, n: string) => `arn:aws:lambda:us-east-1:123456789012:function:t-${n}`)));
    expect(result.errorsText()).toBe('');
    expect(machine.TimeoutSeconds).toBeGreaterThan(0);
  });

  it('is deployed verbatim as a STANDARD machine named after the release machine, every placeholder substituted with a function of serverless.yml', () => {
    expect(resource?.Type).toBe('AWS::StepFunctions::StateMachine');
    expect(resource?.Properties).toMatchObject({ StateMachineType: 'STANDARD', StateMachineName: '${self:custom.stateMachineName}-rollback', Definition: '${file(./statemachines/rollback.asl.json)}' });
    expect(Object.keys(substitutions).sort()).toEqual(aslPlaceholders(aslText));
    for (const [name, state] of tasks) expect(functionKeyOf(state), name).toBeDefined();
  });

  it('runs validate, the head move and import, the catalog, the import wait, the domains and the devices, in that order; one Choice, only when a newer release or another rollback went first', () => {
    const order: string[] = [];
    const next = (name: string) => {
      const state = machine.States[name]!;
      return (state.Type === 'Choice' ? state.Default : state.Next) as string | undefined;
    };
    for (let at: string | undefined = machine.StartAt; at; at = next(at)) order.push(at);
    expect(order).toEqual(['ValidateRollback', 'StartRollbackImport', 'ImportedOrSuperseded', 'RollBackCatalog', 'CheckRollbackImport', 'ApplyRollbackToDomains', 'CheckRollbackDomains', 'RollBackRollout', 'RolledBack']);
    const choices = Object.entries(machine.States).filter(([, s]) => s.Type === 'Choice');
    expect(choices.map(([name]) => name)).toEqual(['ImportedOrSuperseded']);
    // Before the head moved: the only way out skips every side, never a side after another changed.
    expect(machine.States.ImportedOrSuperseded!.Choices).toEqual([{ Variable: '$.steps.rollBackOpenSearch.outcome', StringEquals: 'superseded', Next: 'Superseded' }]);
    expect(machine.States.Superseded!.Type).toBe('Succeed');
  });

  describe.each(tasks.map(([name, state]) => ({ name, state })))('Task $name', ({ name, state }) => {
    const retriers = (state.Retry ?? []) as unknown as Retrier[];
    it('retries Lambda and transient errors with backoff and full jitter, never a terminal error, and never catches (a Redrive resumes here)', () => {
      const retried = retriers.flatMap((r) => r.ErrorEquals);
      for (const e of [...LAMBDA_SERVICE_ERRORS, 'TransientAwsError', 'IdempotencyAlreadyInProgressError']) expect(retried, `${name} ${e}`).toContain(e);
      for (const r of retriers) expect([r.BackoffRate! > 1, r.JitterStrategy]).toEqual([true, 'FULL']);
      for (const e of TERMINAL_ERROR_NAMES) expect(retried).not.toContain(e);
      expect(state.Catch).toBeUndefined();
    });

    it('retries only error names of the catalog (the names the handlers throw)', () => {
      const names = retriers.flatMap((r) => r.ErrorEquals).filter((e) => !e.startsWith('Lambda.'));
      for (const e of names) expect(Object.keys(ERROR_CATALOG), `${name} retries ${e}`).toContain(e);
    });

    it('has a TimeoutSeconds no shorter than its Lambda timeout', () => {
      const timeout = yml.functions[functionKeyOf(state)!]?.timeout;
      expect(state.TimeoutSeconds as number).toBeGreaterThanOrEqual(timeout!);
    });
  });

  it('its role may invoke exactly its own step functions', () => {
    const statement = (yml.resources.Resources.RollbackStateMachineRole!.Properties as { Policies: { PolicyDocument: { Statement: { Sid: string; Resource: unknown[] }[] } }[] }).Policies[0]!.PolicyDocument.Statement.find((s) => s.Sid === 'InvokeRollbackSteps')!;
    const ids = Object.values(substitutions).map((v) => v['Fn::GetAtt'][0]).sort();
    const granted = statement.Resource.flatMap((r) => ((r as { 'Fn::GetAtt'?: string[] })['Fn::GetAtt'] ? [(r as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0]!] : [])).sort();
    expect(granted).toEqual(ids);
  });
});
