/** Proves the local stack from global-setup.ts answers real requests through the injected endpoints. */
import { randomUUID } from 'node:crypto';
import {
  CreateTableCommand,
  DeleteTableCommand,
  DynamoDBClient,
  GetItemCommand,
  ListTablesCommand,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import { CreateSecretCommand, GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import {
  CreateQueueCommand,
  DeleteQueueCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { describe, expect, inject, it } from 'vitest';

const stack = inject('localStack');
const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };

describe('local stack (global setup)', () => {
  it('exports the endpoints to the test workers through process.env', () => {
    expect(process.env.AWS_ENDPOINT_URL_DYNAMODB).toBe(stack.dynamodbEndpoint);
    expect(process.env.AWS_ENDPOINT_URL_SQS).toBe(stack.motoEndpoint);
    expect(process.env.AWS_ENDPOINT_URL_SECRETS_MANAGER).toBe(stack.motoEndpoint);
    expect(process.env.AWS_REGION).toBe('eu-west-1');
    expect(process.env.GARMIN_BASE_URL).toBe(stack.simulatorUrl);
    expect(stack.dynamodbEndpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('DynamoDB Local: CreateTable, PutItem, GetItem round trip', async () => {
    const client = new DynamoDBClient({ endpoint: stack.dynamodbEndpoint, region: stack.region, credentials });
    const TableName = `emulators-${randomUUID()}`;
    try {
      const created = await client.send(
        new CreateTableCommand({
          TableName,
          AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
          KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
          BillingMode: 'PAY_PER_REQUEST',
        }),
      );
      expect(created.TableDescription?.TableName).toBe(TableName);

      await client.send(new PutItemCommand({ TableName, Item: { pk: { S: 'user#1' }, steps: { N: '12345' } } }));
      const got = await client.send(new GetItemCommand({ TableName, Key: { pk: { S: 'user#1' } }, ConsistentRead: true }));
      expect(got.Item).toEqual({ pk: { S: 'user#1' }, steps: { N: '12345' } });

      // A client configured only by the environment (as in a Lambda) sees the same database.
      const envClient = new DynamoDBClient({});
      const tables = await envClient.send(new ListTablesCommand({}));
      expect(tables.TableNames).toContain(TableName);
      envClient.destroy();
    } finally {
      await client.send(new DeleteTableCommand({ TableName })).catch(() => undefined);
      client.destroy();
    }
  });

  it('moto SQS: CreateQueue, SendMessage, ReceiveMessage round trip', async () => {
    const sqs = new SQSClient({ endpoint: stack.motoEndpoint, region: stack.region, credentials });
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: `emulators-${randomUUID()}` }));
    expect(QueueUrl).toBeDefined();
    try {
      const body = JSON.stringify({ hello: 'garmin', at: Date.now() });
      const sent = await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: body }));
      expect(sent.MessageId).toBeTruthy();
      const received = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 1, WaitTimeSeconds: 1 }),
      );
      expect(received.Messages?.map((m) => m.Body)).toEqual([body]);
    } finally {
      await sqs.send(new DeleteQueueCommand({ QueueUrl })).catch(() => undefined);
      sqs.destroy();
    }
  });

  it('moto Secrets Manager through the environment-only client', async () => {
    const secrets = new SecretsManagerClient({});
    const Name = `emulators/${randomUUID()}`;
    await secrets.send(new CreateSecretCommand({ Name, SecretString: '{"token":"abc"}' }));
    const value = await secrets.send(new GetSecretValueCommand({ SecretId: Name }));
    expect(value.SecretString).toBe('{"token":"abc"}');
    secrets.destroy();
  });

  it('the Garmin simulator answers its health check', async () => {
    const response = await fetch(`${stack.simulatorUrl}/__sim/health`);
    expect(response.status).toBe(200);
  });
});
