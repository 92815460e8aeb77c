/** ServiceDeps made of the in-memory fakes, each kept by name so a test can script and inspect it. */
import type { ServiceDeps } from '../../../functions/core/shared/deps';
import { MemoryAttemptStore } from './attempts';
import { FixedClock, MemoryIdempotency, MemoryLeases, MemoryRateLimiter, RecordingConnectWorker, RecordingEvents, TagVault, sequentialIds } from './basics';
import { ScriptedBridge } from './bridge';
import { MemoryConnectionStore } from './connections';
import { MemoryDataStore } from './data';
import { RecordingQueue } from './queue';

export const fakeDeps = (now: Date) => {
  const attempts = new MemoryAttemptStore();
  const fakes = {
    clock: new FixedClock(now),
    connections: new MemoryConnectionStore(attempts),
    attempts,
    data: new MemoryDataStore(),
    leases: new MemoryLeases(),
    idempotency: new MemoryIdempotency(),
    rateLimiter: new MemoryRateLimiter(),
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
