/**
 * The sync and webhook queues' signed SendMessageBatch (functions/adapters/aws, no SDK client)
 * against moto, configured only by the environment as in a Lambda: what it sends arrives as
 * sent, and a refusal carries the name and status the SDK client gives the same call.
 */
import { randomUUID } from 'node:crypto';
import {
  CreateQueueCommand,
  DeleteQueueCommand,
  ReceiveMessageCommand,
  SQSClient,
  SendMessageBatchCommand,
} from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqsApi } from '../../../functions/adapters/aws/sqs-api';
import { SqsSyncQueue } from '../../../functions/adapters/queue/sqs-sync-queue';
import type { SyncJob } from '../../../functions/core/shared/ports';
import { rejectionOf } from '../../support/rejection';

const refusal = async (promise: Promise<unknown>): Promise<Error & { $fault?: string; $metadata?: { httpStatusCode?: number } }> =>
  rejectionOf(promise, Error);

describe('signed SQS calls against moto', () => {
  const sdk = new SQSClient({});
  let queueUrl: string;
  beforeAll(async () => {
    queueUrl = (await sdk.send(new CreateQueueCommand({ QueueName: `signed-${randomUUID()}` }))).QueueUrl ?? '';
  });
  afterAll(async () => {
    await sdk.send(new DeleteQueueCommand({ QueueUrl: queueUrl }));
    sdk.destroy();
  });

  it('enqueues more jobs than one batch holds, each as its JSON body, the delay kept', async () => {
    const jobs: Array<SyncJob & { delaySeconds?: number }> = Array.from({ length: 12 }, (_, i) => ({ userId: `u${i}`, reason: 'scheduled' }));
    await new SqsSyncQueue(queueUrl).enqueue(jobs);
    await new SqsSyncQueue(queueUrl).enqueue([{ userId: 'later', reason: 'scheduled', delaySeconds: 900 }]);
    const bodies: string[] = [];
    for (let i = 0; i < 5 && bodies.length < 12; i++) {
      const { Messages = [] } = await sdk.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
      bodies.push(...Messages.map((m) => m.Body ?? ''));
    }
    expect(bodies.sort()).toEqual(jobs.map((job) => JSON.stringify(job)).sort());
  });

  it("refuses a send to a missing queue with the SDK client's error name and status", async () => {
    const missing = queueUrl.replace(/[^/]+$/, `missing-${randomUUID()}`);
    const input = { QueueUrl: missing, Entries: [{ Id: '0', MessageBody: '{}' }] };
    const expected = await refusal(sdk.send(new SendMessageBatchCommand(input)));
    const error = await refusal(sqsApi().sendMessageBatch(input));
    expect(error.name).toBe(expected.name);
    expect(error.$fault).toBe('client');
    expect(error.$metadata?.httpStatusCode).toBe(expected.$metadata?.httpStatusCode);
  });
});
