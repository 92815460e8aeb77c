import type { SyncJob, SyncQueue } from '../../core/shared/ports';
import { type SqsApi, sendInBatches, sqsApi } from '../aws/sqs-api';

/** Sync jobs on SQS; a job's delay spreads dispatched syncs over time. */
export class SqsSyncQueue implements SyncQueue {
  constructor(
    private readonly queueUrl: string,
    private readonly sqs: SqsApi = sqsApi(),
  ) {}

  async enqueue(jobs: Array<SyncJob & { delaySeconds?: number }>): Promise<void> {
    await sendInBatches(
      this.sqs,
      this.queueUrl,
      jobs.map(({ delaySeconds, ...job }) => ({ body: JSON.stringify(job), ...(delaySeconds ? { delaySeconds } : {}) })),
      'sync jobs',
    );
  }
}
