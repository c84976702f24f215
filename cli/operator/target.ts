import { type CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { UsageError } from '../errors';

/** Which deployed state machine a command works on: an ARN, or a stage's stack outputs. */
export interface TargetOptions {
  stateMachineArn?: string;
  stage?: string;
  stackName?: string;
}

/** osls names the stack `<service>-<stage>`. */
export function stackNameFor(stage: string): string {
  return `pkgrelease-${stage}`;
}

export async function resolveStateMachineArn(opts: TargetOptions, cfn: () => CloudFormationClient): Promise<string> {
  if (opts.stateMachineArn) return opts.stateMachineArn;
  const stackName = opts.stackName ?? (opts.stage ? stackNameFor(opts.stage) : undefined);
  if (!stackName) throw new UsageError('say which state machine: --state-machine-arn <arn>, or --stage <stage> (and --stack-name <name> if not pkgrelease-<stage>)');
  const out = await cfn().send(new DescribeStacksCommand({ StackName: stackName }));
  const arn = out.Stacks?.[0]?.Outputs?.find((o) => o.OutputKey === 'StateMachineArn')?.OutputValue;
  if (!arn) throw new Error(`stack ${stackName} has no StateMachineArn output; is it a pkgrelease stack?`);
  return arn;
}
