import { CancelJobCommand, type CreateJobCommandInput, CreateJobCommand, DescribeJobCommand, type IoTClient, type Job } from '@aws-sdk/client-iot';

/** One helper per IoT Jobs call the rollout makes; "not found" is a value, "already exists" an answer. */

/** CreateJob; `exists` when a job with this id is already there (the job id is the idempotency key). */
export async function createJob(iot: IoTClient, input: CreateJobCommandInput): Promise<{ created: true; jobArn?: string } | { created: false }> {
  try {
    const out = await iot.send(new CreateJobCommand(input));
    return { created: true, jobArn: out.jobArn };
  } catch (e) {
    if ((e as Error).name === 'ResourceAlreadyExistsException') return { created: false };
    throw e;
  }
}

export async function describeJob(iot: IoTClient, jobId: string): Promise<Job | undefined> {
  try {
    return (await iot.send(new DescribeJobCommand({ jobId }))).job;
  } catch (e) {
    if ((e as Error).name === 'ResourceNotFoundException') return undefined;
    throw e;
  }
}

/** CancelJob (never forced: devices already installing finish); a job that is no longer running is left as it is. */
export async function cancelJob(iot: IoTClient, jobId: string, reasonCode: string, comment: string): Promise<boolean> {
  try {
    await iot.send(new CancelJobCommand({ jobId, reasonCode, comment }));
    return true;
  } catch (e) {
    const name = (e as Error).name;
    if (name === 'InvalidRequestException' || name === 'ResourceNotFoundException') return false;
    throw e;
  }
}
