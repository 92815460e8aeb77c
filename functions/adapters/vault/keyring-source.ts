/**
 * Where the keyring comes from, and the in-memory cache in front of it: a Lambda reads
 * the secret once per `ttlMs`, and again at once when a ciphertext names a key it has
 * not seen (another instance already writes with a key rotated in since).
 */
import type { SecretsApi } from '../aws/secrets-api';
import type { Clock } from '../../core/shared/ports';
import { KeyringError, parseKeyring, type Keyring } from './keyring';

export interface KeyringSource {
  load(): Promise<Keyring>;
}

export class SecretsManagerKeyringSource implements KeyringSource {
  constructor(
    private readonly client: SecretsApi,
    private readonly secretId: string,
  ) {}

  async load(): Promise<Keyring> {
    const { SecretString } = await this.client.getSecretValue({ SecretId: this.secretId });
    if (!SecretString) throw new KeyringError(`keyring secret ${this.secretId} has no SecretString`);
    return parseKeyring(SecretString);
  }
}

export interface KeyringCacheOptions {
  /** How long a loaded keyring is used before it is read again. */
  ttlMs?: number;
  clock?: Clock;
}

export const DEFAULT_KEYRING_TTL_MS = 5 * 60_000;

const systemClock: Clock = { now: () => new Date() };

export class KeyringCache {
  private readonly ttlMs: number;
  private readonly clock: Clock;
  private cached?: { ring: Keyring; loadedAt: number };
  /** One load at a time: concurrent callers share it. */
  private loading?: Promise<Keyring>;

  constructor(
    private readonly source: KeyringSource,
    options: KeyringCacheOptions = {},
  ) {
    this.ttlMs = options.ttlMs ?? DEFAULT_KEYRING_TTL_MS;
    this.clock = options.clock ?? systemClock;
  }

  async current(): Promise<{ kid: string; key: Buffer }> {
    const ring = await this.ring();
    const key = keyBytes(ring, ring.current);
    if (!key) throw new KeyringError('keyring has no current key');
    return { kid: ring.current, key };
  }

  /**
   * The key named `kid`, reloading the keyring first if it is not known yet. Not rate
   * limited: a key rotated in a moment ago must be found, and ciphertexts only come
   * from our own tables, so an unknown kid is rare.
   */
  async key(kid: string): Promise<Buffer | undefined> {
    const ring = await this.ring();
    return keyBytes(ring, kid) ?? keyBytes(await this.reload(), kid);
  }

  private async ring(): Promise<Keyring> {
    const { cached } = this;
    return cached && this.clock.now().getTime() - cached.loadedAt < this.ttlMs ? cached.ring : this.reload();
  }

  private reload(): Promise<Keyring> {
    this.loading ??= (async () => {
      const startedAt = this.clock.now().getTime();
      try {
        const ring = await this.source.load();
        this.cached = { ring, loadedAt: startedAt };
        return ring;
      } finally {
        this.loading = undefined;
      }
    })();
    return this.loading;
  }
}

// hasOwn: a kid read from a ciphertext could be "constructor" or another inherited name.
const keyBytes = (ring: Keyring, kid: string): Buffer | undefined => {
  const b64 = Object.hasOwn(ring.keys, kid) ? ring.keys[kid] : undefined;
  return b64 === undefined ? undefined : Buffer.from(b64, 'base64');
};
