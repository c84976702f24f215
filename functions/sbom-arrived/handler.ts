import { iotClient, s3Client } from '../../lib/clients/aws';
import { stepHandler } from '../../lib/lambda/step-handler';
import { packagesConfigFromEnv } from '../../lib/release/config';
import { attachArrivedSbom } from '../../lib/release/sbom/arrived';

/** EventBridge "Object Created" under sboms/ → the SBOM attached to its released package version (docs/sbom.md). */
export const handler = stepHandler('sbomArrived', async (event: unknown) => attachArrivedSbom(event, { iot: iotClient(), s3: s3Client(), config: packagesConfigFromEnv() }));
