/** Small fakes of the ports: clock, ids, rate limiter, request counter, vault, event sink, connect worker, idempotency. */
import type { AppEvent } from '../../../functions/core/events/schema';
import type {
  ApiRequestKind,
  Clock,
  ConnectJob,
  ConnectWorkerInvoker,
  EventSink,
  IdempotencyRecord,
  IdempotencyStore,
  RateDecision,
  RateLimiter,
  RateLogKey,
  RateRule,
  RequestCounter,
  Vault,
  VaultPurpose,
  WriteOutcome,
} from '../../../functions/core/shared/ports';

/** Stands still until a test moves it. */
export class FixedClock implements Clock {
  constructor(private at: Date) {}
  now(): Date {
    return new Date(this.at);
  }
  advance(seconds: number): void {
    this.at = new Date(this.at.getTime() + seconds * 1000);
  }
}

/** UUID-shaped ids, numbered in order (event ids are checked for the shape). */
export const sequentialIds = (): (() => string) => {
  let n = 0;
  return () => `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`;
};

/** Sliding logs of calls, as the DynamoDB limiter keeps them. */
export class MemoryRateLimiter implements RateLimiter {
  readonly logs = new Map<string, number[]>();

  private decide(key: RateLogKey, rule: RateRule, now: Date): { decision: RateDecision; log: number[] } {
    const since = now.getTime() - rule.windowSeconds * 1000;
    const log = (this.logs.get(`${key.scope}#${key.subject}#${key.kind}`) ?? []).filter((t) => t > since);
    const oldest = log[0];
    const decision: RateDecision =
      log.length < rule.limit || oldest === undefined
        ? { allowed: true }
        : { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((oldest - since) / 1000)) };
    return { decision, log };
  }

  async take(key: RateLogKey, rule: RateRule, now: Date): Promise<RateDecision> {
    const { decision, log } = this.decide(key, rule, now);
    if (decision.allowed) this.logs.set(`${key.scope}#${key.subject}#${key.kind}`, [...log, now.getTime()]);
    return decision;
  }

  async peek(key: RateLogKey, rule: RateRule, now: Date): Promise<RateDecision> {
    return this.decide(key, rule, now).decision;
  }
}

/** Fixed windows of API requests, as the DynamoDB counter keeps them: a full window counts nothing. */
export class MemoryRequestCounter implements RequestCounter {
  readonly windows = new Map<string, number>();

  async take(userId: string, kind: ApiRequestKind, windowStart: Date, _windowSeconds: number, limit: number): Promise<boolean> {
    const key = `${userId}#${kind}#${windowStart.getTime()}`;
    const used = this.windows.get(key) ?? 0;
    if (used >= limit) return false;
    this.windows.set(key, used + 1);
    return true;
  }
}

/** Readable "ciphertext" bound to user and purpose; decrypt refuses any other binding, like the real vault. */
export class TagVault implements Vault {
  async encrypt(userId: string, purpose: VaultPurpose, plaintext: string): Promise<string> {
    return `sealed:${userId}:${purpose}:${plaintext}`;
  }

  async decrypt(userId: string, purpose: VaultPurpose, ciphertext: string): Promise<string> {
    const prefix = `sealed:${userId}:${purpose}:`;
    if (!ciphertext.startsWith(prefix)) throw new Error('ciphertext was not made for this user and purpose');
    return ciphertext.slice(prefix.length);
  }
}

export class RecordingEvents implements EventSink {
  readonly published: AppEvent[] = [];
  async publish(_userId: string, events: AppEvent[]): Promise<void> {
    this.published.push(...events);
  }
  async erase(userId: string): Promise<void> {
    this.published.splice(0, this.published.length, ...this.published.filter((e) => e.userId !== userId));
  }
}

export class RecordingConnectWorker implements ConnectWorkerInvoker {
  readonly started: ConnectJob[] = [];
  async start(job: ConnectJob): Promise<void> {
    this.started.push(job);
  }
}

export class MemoryIdempotency implements IdempotencyStore {
  readonly keys = new Map<string, IdempotencyRecord>();
  async claim(userId: string, key: string, fingerprint: string): Promise<IdempotencyRecord | undefined> {
    const held = this.keys.get(`${userId}#${key}`);
    if (held) return held;
    this.keys.set(`${userId}#${key}`, { fingerprint });
    return undefined;
  }
  async complete(userId: string, key: string, outcome: WriteOutcome): Promise<void> {
    const held = this.keys.get(`${userId}#${key}`);
    if (held) held.outcome = outcome;
  }
  async release(userId: string, key: string): Promise<void> {
    this.keys.delete(`${userId}#${key}`);
  }
}
