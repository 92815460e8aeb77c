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

/** What the loops share: the stop signal, a pause it cuts short, errors reported at most once a minute per kind. */
const loopControl = (onError: LocalEventSourcesOptions['onError']) => {
  const stopping = new AbortController();
  const lastReported = new Map<string, number>();
  const report = (what: string, error: unknown) => {
    if (stopping.signal.aborted) return;
    const now = Date.now();
    if ((lastReported.get(what) ?? 0) > now - 60_000) return;
    lastReported.set(what, now);
    onError?.(what, error);
  };
  const pause = async (ms: number) => {
    try {
      await sleep(ms, undefined, { signal: stopping.signal });
    } catch {
      // stopped
    }
  };
  /** Runs `step` until stopped, reporting its errors as `what`; pauses after a step that left nothing waiting. */
  const repeat = async (what: string, step: () => Promise<boolean>, pauseMs: number) => {
    while (!stopping.signal.aborted) {
      let more = false;
      try {
        more = await step();
      } catch (error) {
        report(what, error);
      }
      if (!more) await pause(pauseMs);
    }
  };
  return { stopping, pause, repeat };
};

export const startLocalEventSources = (runtime: LocalRuntime, options: LocalEventSourcesOptions): LocalEventSources => {
  const { stopping, pause, repeat } = loopControl(options.onError);
  const stats = { jobsProcessed: 0, dispatchRuns: 0, claimed: 0 };
  const idleMs = options.pollIdleMs ?? 500;

  const scheduleLoop = async () => {
    if (!options.dispatchAtStart) await pause(options.dispatchEverySeconds * 1000);
    const dispatch = async () => {
      const result = await runtime.dispatch();
      stats.dispatchRuns += 1;
      stats.claimed += result.claimed;
      if (result.claimed > 0) options.log?.(`schedule: dispatch queued ${result.claimed} sync job(s)`);
      return false;
    };
    await repeat('dispatch', dispatch, options.dispatchEverySeconds * 1000);
  };

  const poll = async () => {
    const processed = await runtime.drainQueue();
    stats.jobsProcessed += processed;
    if (processed > 0) options.log?.(`queue: sync worker processed ${processed} job(s)`);
    return processed > 0;
  };

  // The webhook queue's event source mapping: one delivery round, then a pause (failed
  // deliveries wait out their real backoff in the queue).
  const { webhooks } = runtime;
  const deliver = async () => {
    const delivered = (await webhooks?.deliver()) ?? 0;
    if (delivered > 0) options.log?.(`webhooks: ${delivered} event(s) delivered`);
    return false;
  };

  const loops = Promise.all([scheduleLoop(), repeat('queue poller', poll, idleMs), webhooks ? repeat('webhook delivery', deliver, idleMs) : undefined]);
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
