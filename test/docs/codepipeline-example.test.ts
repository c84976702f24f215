import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse, type Tags } from 'yaml';

/** CloudFormation short-form intrinsics, read as their long forms. */
const cfnTags: Tags = ['Ref', 'Sub', 'GetAtt', 'Select', 'Split', 'Join'].flatMap((name) =>
  (['scalar', 'seq'] as const).map((collection) => ({
    tag: `!${name}`,
    collection: collection === 'seq' ? collection : undefined,
    resolve: (value: unknown) => ({ [name === 'Ref' ? 'Ref' : `Fn::${name}`]: value }),
  })),
) as Tags;

const doc = parse(readFileSync(new URL('../../examples/codepipeline-stage.yaml', import.meta.url), 'utf8'), { customTags: cfnTags });

describe('examples/codepipeline-stage.yaml', () => {
  it('uses the native Step Functions invoke action with the manifest as FilePath input', () => {
    const action = doc.ReleaseStage[0].Actions[0];
    expect(action.ActionTypeId).toEqual({ Category: 'Invoke', Owner: 'AWS', Provider: 'StepFunctions', Version: '1' });
    expect(Object.keys(action.Configuration).sort()).toEqual(['ExecutionNamePrefix', 'Input', 'InputType', 'StateMachineArn']);
    expect(action.Configuration).toMatchObject({ InputType: 'FilePath', Input: 'release-manifest.json', StateMachineArn: { Ref: 'ReleaseStateMachineArn' } });
    expect(action.InputArtifacts).toHaveLength(1);
    // The action names executions `<prefix>-<36-char action execution id>`, within 80 characters.
    expect(action.Configuration.ExecutionNamePrefix.length + 1 + 36).toBeLessThanOrEqual(80);
  });

  it('grants the pipeline role StartExecution on the machine and Describe/StopExecution on its executions', () => {
    const statements = doc.Resources.ReleasePipelineStepFunctionsPolicy.Properties.PolicyDocument.Statement;
    expect(statements).toHaveLength(2);
    expect(statements[0]).toMatchObject({ Effect: 'Allow', Action: 'states:StartExecution', Resource: { Ref: 'ReleaseStateMachineArn' } });
    expect(statements[1].Action).toEqual(['states:DescribeExecution', 'states:StopExecution']);
    expect(JSON.stringify(statements[1].Resource)).toContain(':execution:${MachineName}:*');
  });
});
