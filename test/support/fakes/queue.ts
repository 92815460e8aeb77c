import type { SyncJob, SyncQueue } from '../../../functions/core/shared/ports';

export class RecordingQueue implements SyncQueue {
  readonly jobs: Array<SyncJob & { delaySeconds?: number }> = [];
  async enqueue(jobs: Array<SyncJob & { delaySeconds?: number }>): Promise<void> {
    this.jobs.push(...jobs);
  }
}

