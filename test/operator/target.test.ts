import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { parseSince } from '../../cli/operator/since';
import { resolveStateMachineArn } from '../../cli/operator/target';

const cfn = mockClient(CloudFormationClient);
const client = () => new CloudFormationClient({});
const machine = 'arn:aws:states:eu-west-1:123456789012:stateMachine:pkgrelease-prod-release';

describe('which state machine', () => {
  beforeEach(() => cfn.reset());

  it('takes --state-machine-arn as given, without calling CloudFormation', async () => {
    await expect(resolveStateMachineArn({ stateMachineArn: machine, stage: 'prod' }, client)).resolves.toBe(machine);
    expect(cfn.calls()).toHaveLength(0);
  });

  it('reads the StateMachineArn output of pkgrelease-<stage>, or of --stack-name', async () => {
    cfn.on(DescribeStacksCommand).resolves({
      Stacks: [{ StackName: 'x', CreationTime: new Date(), StackStatus: 'UPDATE_COMPLETE', Outputs: [{ OutputKey: 'StateMachineArn', OutputValue: machine }] }],
    });
    await expect(resolveStateMachineArn({ stage: 'prod' }, client)).resolves.toBe(machine);
    await expect(resolveStateMachineArn({ stage: 'prod', stackName: 'custom' }, client)).resolves.toBe(machine);
    expect(cfn.commandCalls(DescribeStacksCommand).map((c) => c.args[0].input.StackName)).toEqual(['pkgrelease-prod', 'custom']);
  });

  it('says what is missing', async () => {
    await expect(resolveStateMachineArn({}, client)).rejects.toThrow(/--state-machine-arn <arn>, or --stage <stage>/);
    cfn.on(DescribeStacksCommand).resolves({ Stacks: [{ StackName: 'x', CreationTime: new Date(), StackStatus: 'CREATE_COMPLETE', Outputs: [] }] });
    await expect(resolveStateMachineArn({ stage: 'dev' }, client)).rejects.toThrow(/pkgrelease-dev has no StateMachineArn output/);
  });
});

describe('--since', () => {
  const now = new Date('2025-03-14T12:00:00Z');
  it.each([
    ['90m', '2025-03-14T10:30:00.000Z'],
    ['24h', '2025-03-13T12:00:00.000Z'],
    ['7d', '2025-03-07T12:00:00.000Z'],
    ['2w', '2025-02-28T12:00:00.000Z'],
    ['2025-03-01', '2025-03-01T00:00:00.000Z'],
    ['2025-03-01T08:00:00Z', '2025-03-01T08:00:00.000Z'],
  ])('%s', (text, iso) => expect(parseSince(text, now).toISOString()).toBe(iso));

  it('rejects anything else', () => {
    expect(() => parseSince('yesterday', now)).toThrow(/neither a duration/);
    expect(() => parseSince('24', now)).toThrow();
  });
});
