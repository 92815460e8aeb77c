import { beforeEach, describe, expect, it } from 'vitest';
import type { Vault, VaultPurpose } from '../../../functions/core/shared/ports';
import { VaultDecryptError, createVault, generateKeyring, rotateKeyring, type Keyring } from '../../../functions/adapters/vault';
import { DEFAULT_KEYRING_TTL_MS } from '../../../functions/adapters/vault/keyring-source';
import { ManualClock, MemoryKeyringSource } from './memory-keyring';
import { rejectionOf } from '../../support/rejection';

const PLAINTEXT = '{"di_token":"eyJhbGciOi.secret-token-value","di_refresh_token":"refresh-secret"}';

/** Replaces one base64url field of a ciphertext, keeping the format valid. */
const withField = (ciphertext: string, index: number, change: (bytes: Buffer) => Buffer): string => {
  const parts = ciphertext.split('.');
  parts[index] = change(Buffer.from(parts[index] ?? '', 'base64url')).toString('base64url');
  return parts.join('.');
};

const flipFirstBit = (bytes: Buffer): Buffer => {
  const copy = Buffer.from(bytes);
  copy[0] = (copy[0] ?? 0) ^ 1;
  return copy;
};

describe('AES-GCM vault', () => {
  let ring: Keyring;
  let source: MemoryKeyringSource;
  let clock: ManualClock;
  let vault: Vault;

  beforeEach(() => {
    ring = generateKeyring();
    source = new MemoryKeyringSource(ring);
    clock = new ManualClock();
    vault = createVault(source, { clock });
  });

  it.each<VaultPurpose>(['password', 'tokens', 'attempt-credentials'])('round-trips a %s', async (purpose) => {
    const ciphertext = await vault.encrypt('user-1', purpose, PLAINTEXT);
    expect(await vault.decrypt('user-1', purpose, ciphertext)).toBe(PLAINTEXT);
  });

  it('round-trips unicode and the empty string', async () => {
    for (const text of ['pässwörd 🔑 密码', '']) {
      expect(await vault.decrypt('u', 'password', await vault.encrypt('u', 'password', text))).toBe(text);
    }
  });

  it('writes v1.<kid>.<iv>.<ct>.<tag> with a fresh 96-bit IV and never the plaintext', async () => {
    const a = await vault.encrypt('user-1', 'tokens', PLAINTEXT);
    const b = await vault.encrypt('user-1', 'tokens', PLAINTEXT);
    const [version, kid, iv, ct, tag, ...rest] = a.split('.');
    expect({ version, kid, rest }).toEqual({ version: 'v1', kid: ring.current, rest: [] });
    expect(Buffer.from(iv ?? '', 'base64url')).toHaveLength(12);
    expect(Buffer.from(tag ?? '', 'base64url')).toHaveLength(16);
    expect(Buffer.from(ct ?? '', 'base64url')).toHaveLength(Buffer.byteLength(PLAINTEXT));
    expect(a).toMatch(/^[A-Za-z0-9_.-]+$/);
    expect(a).not.toBe(b);
    expect(a).not.toContain('secret');
  });

  it("refuses a record copied into another user's item, without revealing anything", async () => {
    const ciphertext = await vault.encrypt('user-a', 'tokens', PLAINTEXT);
    const error = await rejectionOf(vault.decrypt('user-b', 'tokens', ciphertext), VaultDecryptError);
    expect(error.reason).toBe('authentication-failed');
    const shown = `${error.message} ${error.stack ?? ''} ${JSON.stringify(error)}`;
    for (const secret of [PLAINTEXT, ciphertext, 'secret-token-value', ...Object.values(ring.keys)]) {
      expect(shown).not.toContain(secret);
    }
  });

  it('refuses a record moved to another purpose', async () => {
    const ciphertext = await vault.encrypt('user-a', 'password', 'hunter2');
    expect((await rejectionOf(vault.decrypt('user-a', 'tokens', ciphertext), VaultDecryptError)).reason).toBe('authentication-failed');
  });

  it.each([
    ['iv', 2],
    ['ciphertext', 3],
    ['tag', 4],
  ])('refuses a tampered %s', async (_field, index) => {
    const ciphertext = await vault.encrypt('user-a', 'tokens', PLAINTEXT);
    const tampered = withField(ciphertext, index, flipFirstBit);
    expect((await rejectionOf(vault.decrypt('user-a', 'tokens', tampered), VaultDecryptError)).reason).toBe('authentication-failed');
  });

  it('refuses a ciphertext relabelled with another key id of the keyring', async () => {
    source.ring = rotateKeyring(ring);
    clock.advance(DEFAULT_KEYRING_TTL_MS);
    const ciphertext = await vault.encrypt('user-a', 'tokens', PLAINTEXT);
    const relabelled = ciphertext.replace(`.${source.ring.current}.`, `.${ring.current}.`);
    expect((await rejectionOf(vault.decrypt('user-a', 'tokens', relabelled), VaultDecryptError)).reason).toBe('authentication-failed');
  });

  it.each([
    ['another version', (c: string) => c.replace(/^v1\./, 'v2.')],
    ['a missing part', (c: string) => c.split('.').slice(0, 4).join('.')],
    ['an extra part', (c: string) => `${c}.AAAA`],
    ['characters outside base64url', (c: string) => c.replace(/\.([^.]+)$/, '.+/+/+/+/+/+/+/+/+/+/+w==')],
    ['a short IV', (c: string) => withField(c, 2, (iv) => iv.subarray(0, 8))],
    ['a truncated tag', (c: string) => withField(c, 4, (tag) => tag.subarray(0, 12))],
    ['nothing at all', () => ''],
  ])('refuses %s as malformed', async (_case, mangle) => {
    const ciphertext = await vault.encrypt('user-a', 'tokens', PLAINTEXT);
    expect((await rejectionOf(vault.decrypt('user-a', 'tokens', mangle(ciphertext)), VaultDecryptError)).reason).toBe('malformed');
  });

  it('needs a user id', async () => {
    await expect(vault.encrypt('', 'tokens', PLAINTEXT)).rejects.toThrow('user id');
  });
});

describe('keyring cache and rotation', () => {
  it('reloads at once when a ciphertext names a key it has not seen (rotated elsewhere)', async () => {
    const source = new MemoryKeyringSource(generateKeyring());
    const clock = new ManualClock();
    const stale = createVault(source, { clock });
    const old = await stale.encrypt('u', 'tokens', 'old secret');
    const oldKid = source.ring.current;

    source.ring = rotateKeyring(source.ring);
    const fresh = createVault(source, { clock });
    const written = await fresh.encrypt('u', 'tokens', 'new secret');
    expect(written.split('.')[1]).toBe(source.ring.current);
    expect(source.loads).toBe(2);

    expect(await stale.decrypt('u', 'tokens', written)).toBe('new secret');
    expect(source.loads).toBe(3);
    // Old records still decrypt, and the refreshed vault now writes with the new key.
    expect(await stale.decrypt('u', 'tokens', old)).toBe('old secret');
    expect((await stale.encrypt('u', 'tokens', 'x')).split('.')[1]).not.toBe(oldKid);
    expect(source.loads).toBe(3);
  });

  it('fails a kid still unknown after the reload', async () => {
    const source = new MemoryKeyringSource(generateKeyring());
    const vault = createVault(source);
    const ciphertext = await vault.encrypt('u', 'tokens', 'secret');
    const forged = ciphertext.replace(`.${source.ring.current}.`, '.no-such-key.');
    expect((await rejectionOf(vault.decrypt('u', 'tokens', forged), VaultDecryptError)).reason).toBe('unknown-key');
    expect(source.loads).toBe(2);
  });

  it('does not mistake inherited property names for key ids', async () => {
    const source = new MemoryKeyringSource(generateKeyring());
    const vault = createVault(source);
    const ciphertext = await vault.encrypt('u', 'tokens', 'secret');
    const forged = ciphertext.replace(`.${source.ring.current}.`, '.constructor.');
    expect((await rejectionOf(vault.decrypt('u', 'tokens', forged), VaultDecryptError)).reason).toBe('unknown-key');
  });

  it('uses the cached keyring until the TTL passes, then reads it again', async () => {
    const source = new MemoryKeyringSource(generateKeyring());
    const clock = new ManualClock();
    const vault = createVault(source, { clock, ttlMs: 60_000 });
    const firstKid = source.ring.current;
    await vault.encrypt('u', 'tokens', 'a');
    source.ring = rotateKeyring(source.ring);

    clock.advance(59_999);
    expect((await vault.encrypt('u', 'tokens', 'b')).split('.')[1]).toBe(firstKid);
    expect(source.loads).toBe(1);

    clock.advance(1);
    expect((await vault.encrypt('u', 'tokens', 'c')).split('.')[1]).toBe(source.ring.current);
    expect(source.loads).toBe(2);
  });

  it('shares one load between concurrent first uses, and retries after a failed load', async () => {
    const source = new MemoryKeyringSource(generateKeyring());
    const vault = createVault(source);
    source.failNext = true;
    await expect(vault.encrypt('u', 'tokens', 'a')).rejects.toThrow('keyring unavailable');
    await Promise.all(Array.from({ length: 10 }, (_, i) => vault.encrypt(`u${i}`, 'tokens', 'a')));
    expect(source.loads).toBe(2);
  });
});
