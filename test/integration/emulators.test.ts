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
  DeleteMessageBatchCommand,
  DeleteQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { describe, expect, inject, it } from 'vitest';
import { startElasticMq } from '../../scripts/local/emulators';

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

describe('ElasticMQ (the benchmark\'s SQS)', () => {
  it('keeps its queues in moto\'s account and region and answers the calls the runtime makes', { timeout: 120_000 }, async () => {
    const elasticMq = await startElasticMq({ region: 'eu-west-3' });
    const sqs = new SQSClient({ endpoint: elasticMq.endpoint, region: 'eu-west-3', credentials });
    try {
      const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'bench-sync', Attributes: { VisibilityTimeout: '600' } }));
      // The local AWS rules read the account and region from the queue's ARN and URL (scripts/local/aws-rules).
      expect(new URL(QueueUrl ?? '').pathname).toBe('/123456789012/bench-sync');
      const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
      expect(Attributes?.QueueArn).toBe('arn:aws:sqs:eu-west-3:123456789012:bench-sync');
      const bodies = Array.from({ length: 10 }, (_, i) => JSON.stringify({ job: i }));
      const sent = await sqs.send(new SendMessageBatchCommand({ QueueUrl, Entries: bodies.map((MessageBody, i) => ({ Id: String(i), MessageBody })) }));
      expect(sent.Failed ?? []).toEqual([]);
      const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1, AttributeNames: ['All'] }));
      expect(Messages.map((m) => m.Body).sort()).toEqual([...bodies].sort());
      expect(Messages[0]?.Attributes?.ApproximateReceiveCount).toBe('1');
      const deleted = await sqs.send(
        new DeleteMessageBatchCommand({ QueueUrl, Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle ?? '' })) }),
      );
      expect(deleted.Successful).toHaveLength(10);
      const again = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
      expect(again.Messages ?? []).toEqual([]);
    } finally {
      sqs.destroy();
      await elasticMq.stop();
    }
  });
});
