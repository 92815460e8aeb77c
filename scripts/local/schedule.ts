/**
 * The rest of AWS around a LocalRuntime: the EventBridge schedule that runs the dispatch
 * function every N seconds, and the SQS event source mapping that keeps feeding the sync
 * worker from the queue (partial batch failures stay in the queue until their visibility
 * timeout, and moto's redrive policy moves them to the DLQ after maxReceiveCount), and the
 * one that feeds the webhook delivery function when an endpoint is configured.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { LocalRuntime } from './runtime';

export interface LocalEventSourcesOptions {
  /** Seconds between dispatch runs (the deployed schedule is every few minutes). */
  dispatchEverySeconds: number;
  /** Idle pause of the queue poller between empty receives. */
  pollIdleMs?: number;
  /** Whether to dispatch once right away. */
  dispatchAtStart?: boolean;
  /** One line per event worth showing (dispatch that claimed something, sync jobs run). */
  log?: (line: string) => void;
  /** Errors (each kind reported once per minute at most). */
  onError?: (what: string, error: unknown) => void;
}

export interface LocalEventSources {
  /** Sync jobs processed so far and dispatch runs so far. */
  readonly stats: { jobsProcessed: number; dispatchRuns: number; claimed: number };
  /** Stops both loops and waits for the iteration in progress. Idempotent. */
  stop(): Promise<void>;
}

export const startLocalEventSources = (runtime: LocalRuntime, options: LocalEventSourcesOptions): LocalEventSources => {
  const stopping = new AbortController();
  const stats = { jobsProcessed: 0, dispatchRuns: 0, claimed: 0 };
  const lastReported = new Map<string, number>();
  const report = (what: string, error: unknown) => {
    if (stopping.signal.aborted) return;
    const now = Date.now();
    if ((lastReported.get(what) ?? 0) > now - 60_000) return;
    lastReported.set(what, now);
    options.onError?.(what, error);
  };
  const pause = async (ms: number) => {
    try {
      await sleep(ms, undefined, { signal: stopping.signal });
    } catch {
      // stopped
    }
  };

  const scheduleLoop = async () => {
    if (!options.dispatchAtStart) await pause(options.dispatchEverySeconds * 1000);
    while (!stopping.signal.aborted) {
      try {
        const result = await runtime.dispatch();
        stats.dispatchRuns += 1;
        stats.claimed += result.claimed;
        if (result.claimed > 0) options.log?.(`schedule: dispatch queued ${result.claimed} sync job(s)`);
      } catch (error) {
        report('dispatch', error);
      }
      await pause(options.dispatchEverySeconds * 1000);
    }
  };

  const pollLoop = async () => {
    while (!stopping.signal.aborted) {
      let processed = 0;
      try {
        processed = await runtime.drainQueue();
        stats.jobsProcessed += processed;
        if (processed > 0) options.log?.(`queue: sync worker processed ${processed} job(s)`);
      } catch (error) {
        report('queue poller', error);
      }
      if (processed === 0) await pause(options.pollIdleMs ?? 500);
    }
  };

  // The webhook queue's event source mapping: one delivery round, then a pause (failed
  // deliveries wait out their real backoff in the queue).
  const webhookLoop = async () => {
    const { webhooks } = runtime;
    while (webhooks && !stopping.signal.aborted) {
      try {
        const delivered = await webhooks.deliver();
        if (delivered > 0) options.log?.(`webhooks: ${delivered} event(s) delivered`);
      } catch (error) {
        report('webhook delivery', error);
      }
      await pause(options.pollIdleMs ?? 500);
    }
  };

  const loops = Promise.all([scheduleLoop(), pollLoop(), webhookLoop()]);
  let stopped: Promise<void> | undefined;
  return {
    stats,
    stop: () =>
      (stopped ??= (async () => {
        stopping.abort();
        await loops;
      })()),
  };
};
