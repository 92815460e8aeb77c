/**
 * The one DynamoDB document client the stores share. Endpoint, region and credentials
 * come from the standard AWS environment: SDK v3 honours AWS_ENDPOINT_URL_DYNAMODB by
 * itself, which is how the local runtime and the tests point it at DynamoDB Local.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export const createDocumentClient = (client: DynamoDBClient = new DynamoDBClient({})): DynamoDBDocumentClient =>
  DynamoDBDocumentClient.from(client, {
    marshallOptions: {
      // Optional fields of records and raw Garmin objects may be undefined: omit them.
      removeUndefinedValues: true,
      // Items are plain objects; a class instance reaching a store is a bug, not data.
      convertClassInstanceToMap: false,
    },
  });
