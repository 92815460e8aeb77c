/** In-memory KeyringSource (a port fake) and a settable clock for the vault unit tests. */
import type { Clock } from '../../../functions/core/shared/ports';
import type { Keyring, KeyringSource } from '../../../functions/adapters/vault';

export class MemoryKeyringSource implements KeyringSource {
  loads = 0;
  failNext = false;

  constructor(public ring: Keyring) {}

  async load(): Promise<Keyring> {
    this.loads += 1;
    if (this.failNext) {
      this.failNext = false;
      throw new Error('keyring unavailable');
    }
    return structuredClone(this.ring);
  }
}

export class ManualClock implements Clock {
  constructor(private ms = Date.UTC(2026, 0, 1)) {}

  now(): Date {
    return new Date(this.ms);
  }

  advance(ms: number): void {
    this.ms += ms;
  }
}
