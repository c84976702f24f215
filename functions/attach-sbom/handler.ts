import { iotClient, s3Client } from '../../lib/clients/aws';
import { sbomStepInput } from '../../lib/lambda/sbom-run';
import { stepHandler } from '../../lib/lambda/step-handler';
import { attachSbom } from '../../lib/release/sbom/attach';

/** AttachSbom: converges by looking at the version's SBOM (no Powertools record: each retry of the wait must look again). */
export const handler = stepHandler('attachSbom', async (event: unknown) => {
  const { release, run } = sbomStepInput(event, 'attachSbom');
  return attachSbom(release, run, { iot: iotClient(), s3: s3Client() });
});
