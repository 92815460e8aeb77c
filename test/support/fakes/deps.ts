/** ServiceDeps made of the in-memory fakes, each kept by name so a test can script and inspect it. */
import type { ServiceDeps } from '../../../functions/core/shared/deps';
import { MemoryAttemptStore } from './attempts';
import {
  FixedClock,
  MemoryIdempotency,
  MemoryRateLimiter,
  MemoryRequestCounter,
  RecordingConnectWorker,
  RecordingEvents,
  TagVault,
  sequentialIds,
} from './basics';
import { ScriptedBridge } from './bridge';
import { MemoryConnectionStore } from './connections';
import { MemoryDataStore } from './data';
import { MemoryGuardStore } from './guard';
import { RecordingQueue } from './queue';
import { MemoryScheduleStore } from './schedules';

export const fakeDeps = (now: Date) => {
  const attempts = new MemoryAttemptStore();
  const schedules = new MemoryScheduleStore();
  const fakes = {
    clock: new FixedClock(now),
    connections: new MemoryConnectionStore(attempts, schedules),
    attempts,
    data: new MemoryDataStore(),
    schedules,
    idempotency: new MemoryIdempotency(),
    rateLimiter: new MemoryRateLimiter(),
    garminGuard: new MemoryGuardStore(),
    requestCounter: new MemoryRequestCounter(),
    vault: new TagVault(),
    bridge: new ScriptedBridge(),
    queue: new RecordingQueue(),
    connectWorker: new RecordingConnectWorker(),
    events: new RecordingEvents(),
    newId: sequentialIds(),
    // Bounded waits poll on the fake clock: each pause moves it on, no real time passes.
    pause: async (ms: number) => fakes.clock.advance(ms / 1000),
  };
  const deps: ServiceDeps = fakes;
  return { ...fakes, deps };
};
