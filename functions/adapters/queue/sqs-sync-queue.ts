import { SQSClient, SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import type { SyncJob, SyncQueue } from '../../core/shared/ports';

const SQS_BATCH = 10;

/** Sync jobs on SQS; a job's delay spreads dispatched syncs over time. */
export class SqsSyncQueue implements SyncQueue {
  constructor(
    private readonly queueUrl: string,
    private readonly sqs: SQSClient = new SQSClient({}),
  ) {}

  async enqueue(jobs: Array<SyncJob & { delaySeconds?: number }>): Promise<void> {
    for (let i = 0; i < jobs.length; i += SQS_BATCH) {
      const batch = jobs.slice(i, i + SQS_BATCH);
      const result = await this.sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: this.queueUrl,
          Entries: batch.map(({ delaySeconds, ...job }, n) => ({
            Id: String(n),
            MessageBody: JSON.stringify(job),
            ...(delaySeconds ? { DelaySeconds: delaySeconds } : {}),
          })),
        }),
      );
      if (result.Failed?.length) {
        throw new Error(`SQS refused ${result.Failed.length} of ${batch.length} sync jobs (${result.Failed[0]?.Code ?? 'unknown'})`);
      }
    }
  }
}
