/** DynamoDB (dynalite in a worker): the idempotency table and the leases; its state is its own LevelDB directory. */
import { join } from 'node:path';
import type { TwinServiceDefinition } from '../core/service';
import { startDynamo } from './dynamo';

export interface DynamoServiceOptions {
  tableName: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  stateDir?: string;
}

export function dynamodbService(options: DynamoServiceOptions): TwinServiceDefinition {
  return {
    models: [],
    endpoints: [
      {
        key: 'dynamodb',
        envVar: 'AWS_ENDPOINT_URL_DYNAMODB',
        listen: async ({ port, recorder }) => {
          const dynamo = await startDynamo({ ...options, path: options.stateDir ? join(options.stateDir, 'dynamodb') : undefined, port, recorder });
          return { url: dynamo.endpoint, close: () => dynamo.close() };
        },
      },
    ],
  };
}
