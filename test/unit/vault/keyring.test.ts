import { describe, expect, it } from 'vitest';
import { KeyringError, generateKeyring, rotateKeyring } from '../../../functions/adapters/vault';
import { parseKeyring } from '../../../functions/adapters/vault/keyring';

const keyringError = (secretString: string): KeyringError => {
  try {
    parseKeyring(secretString);
  } catch (error) {
    expect(error).toBeInstanceOf(KeyringError);
    return error as KeyringError;
  }
  throw new Error('parseKeyring accepted a bad keyring');
};

describe('keyring', () => {
  it('generates one 32-byte key, current, that survives a JSON round trip', () => {
    const ring = generateKeyring(new Date('2026-03-04T05:06:07Z'));
    expect(ring.current).toMatch(/^20260304-[0-9a-f]{8}$/);
    expect(Object.keys(ring.keys)).toEqual([ring.current]);
    expect(Buffer.from(ring.keys[ring.current] ?? '', 'base64')).toHaveLength(32);
    expect(parseKeyring(JSON.stringify(ring))).toEqual(ring);
  });

  it('rotates by adding a new current key and keeping every old one', () => {
    const first = generateKeyring();
    const second = rotateKeyring(first);
    const third = rotateKeyring(second);
    expect(third.current).not.toBe(second.current);
    expect(third.keys).toMatchObject(first.keys);
    expect(third.keys).toMatchObject(second.keys);
    expect(Object.keys(third.keys)).toHaveLength(3);
    expect(new Set(Object.values(third.keys)).size).toBe(3);
  });

  it('refuses malformed keyrings, naming where but never showing key material', () => {
    const ring = generateKeyring();
    const key = ring.keys[ring.current] ?? '';
    const shortKey = Buffer.alloc(31, 7).toString('base64');
    expect(keyringError('not json').message).toBe('keyring secret is not JSON');
    expect(keyringError(JSON.stringify({ current: 'other', keys: ring.keys })).message).toContain('current');
    const short = keyringError(JSON.stringify({ current: 'k', keys: { k: shortKey } }));
    expect(short.message).toContain('keys.k');
    expect(short.message).not.toContain(shortKey);
    const dotted = keyringError(JSON.stringify({ current: 'a.b', keys: { 'a.b': key } }));
    expect(dotted.message).not.toContain(key);
    expect(keyringError(JSON.stringify({ ...ring, extra: key })).message).not.toContain(key);
  });
});
