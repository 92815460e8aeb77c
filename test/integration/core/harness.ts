/** One local runtime per test file, on the emulators the global setup started. */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, inject } from 'vitest';
import { httpEvent, type EventInput } from '../../../scripts/local/apigw-events';
import { type LocalRuntime, type LocalRuntimeOptions, startLocalRuntime } from '../../../scripts/local/runtime';
import { SimulatorClient } from '../../support/simulator-client';

export const ATHLETE = 'athlete@example.com';
export const MFA_USER = 'mfa@example.com';
export const PASSWORD = 'correct-horse';

export interface ApiAnswer {
  status: number;
  body: Record<string, unknown> & { error?: { code: string; message: string } };
  headers: Record<string, string | number | boolean>;
}

/** A clock the test can move forward. */
export class TestClock {
  private offsetMs = 0;
  now = (): Date => new Date(Date.now() + this.offsetMs);
  advance(seconds: number): void {
    this.offsetMs += seconds * 1000;
  }
}

export interface Harness {
  runtime: LocalRuntime;
  sim: SimulatorClient;
  clock: TestClock;
  api(routeKey: string, input?: EventInput): Promise<ApiAnswer>;
  newUser(): string;
}

export type HarnessOptions = Pick<LocalRuntimeOptions, 'webhookUrl' | 'webhookBackoffSeconds' | 'injectFaults' | 'syncVisibilityTimeoutSeconds' | 'timeoutsMs' | 'backfillDays'>;

export const startHarness = async (options: HarnessOptions = {}): Promise<Harness> => {
  const { simulatorUrl } = inject('localStack');
  const clock = new TestClock();
  const runtime = await startLocalRuntime({
    prefix: `t${randomUUID().slice(0, 8)}`,
    garminBaseUrl: simulatorUrl,
    clock,
    ...options,
  });
  return {
    runtime,
    sim: new SimulatorClient(simulatorUrl),
    clock,
    newUser: () => `user-${randomUUID()}`,
    api: async (routeKey, input = {}) => {
      const response = await runtime.http(httpEvent(routeKey, input));
      return {
        status: response.statusCode ?? 0,
        body: response.body ? (JSON.parse(response.body) as ApiAnswer['body']) : {},
        headers: (response.headers ?? {}) as ApiAnswer['headers'],
      };
    },
  };
};

/**
 * The harness of the file (or describe block) that calls it: started before its tests, and after
 * them stopped with the shared simulator reset, as the next file expects it (clock, blocks,
 * faults and accounts are this file's).
 */
export const harnessForFile = (options: HarnessOptions | (() => Promise<HarnessOptions>) = {}): Harness => {
  let started: Harness | undefined;
  beforeAll(async () => {
    // A function when an option needs setup first (a webhook receiver's URL).
    started = await startHarness(typeof options === 'function' ? await options() : options);
  });
  afterAll(async () => {
    if (!started) return;
    await started.sim.reset();
    await started.runtime.stop();
  });
  const harness = (): Harness => {
    if (!started) throw new Error('the harness starts in beforeAll: use it inside hooks and tests');
    return started;
  };
  return {
    get runtime() {
      return harness().runtime;
    },
    get sim() {
      return harness().sim;
    },
    get clock() {
      return harness().clock;
    },
    api: (routeKey, input) => harness().api(routeKey, input),
    newUser: () => harness().newUser(),
  };
};
