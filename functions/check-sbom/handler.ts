import { iotClient, s3Client } from '../../lib/clients/aws';
import { sbomStepInput } from '../../lib/lambda/sbom-run';
import { stepHandler } from '../../lib/lambda/step-handler';
import { checkSbom } from '../../lib/release/sbom/check';

/** CheckSbom, polled by the state machine on SbomValidating; no Powertools record: each poll must look again. */
export const handler = stepHandler('checkSbom', async (event: unknown) => {
  const { release, run } = sbomStepInput(event, 'checkSbom');
  return checkSbom(release, run, { iot: iotClient(), s3: s3Client() });
});
