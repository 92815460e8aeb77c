/**
 * The vault's keyring: one Secrets Manager secret holding every key ever current, so
 * records written under a retired key still decrypt after a rotation.
 *
 * SecretString: `{"current":"<kid>","keys":{"<kid>":"<base64 of 32 random bytes>",...}}`
 */
import { randomBytes } from 'node:crypto';
import * as z from '../../core/shared/zod';

export const KEY_BYTES = 32;

/** A kid is embedded in every ciphertext between dots, so it may not contain one. */
export const KID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

const Kid = z.string().check(z.regex(KID_PATTERN));

const KeyMaterial = z.string().check(
  z.regex(/^[A-Za-z0-9+/]+={0,2}$/),
  z.refine((b64) => Buffer.from(b64, 'base64').length === KEY_BYTES),
);

export const Keyring = z
  .strictObject({ current: Kid, keys: z.record(Kid, KeyMaterial) })
  .check(z.refine((ring) => Object.hasOwn(ring.keys, ring.current), { path: ['current'], message: 'current key missing' }));

export type Keyring = z.infer<typeof Keyring>;

export class KeyringError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KeyringError';
  }
}

/**
 * Parses a SecretString. The error names only the offending paths: zod's issues could
 * otherwise carry key material into a log.
 */
export const parseKeyring = (secretString: string): Keyring => {
  let json: unknown;
  try {
    json = JSON.parse(secretString);
  } catch {
    throw new KeyringError('keyring secret is not JSON');
  }
  const parsed = Keyring.safeParse(json);
  if (!parsed.success) {
    const paths = parsed.error.issues.map((issue) => issue.path.join('.') || '(root)');
    throw new KeyringError(`keyring secret is malformed at: ${[...new Set(paths)].join(', ')}`);
  }
  return parsed.data;
};

/** Sortable and readable for operators (creation day first), unique by its random tail. */
const newKid = (now: Date): string => `${now.toISOString().slice(0, 10).replaceAll('-', '')}-${randomBytes(4).toString('hex')}`;

const newKey = (): string => randomBytes(KEY_BYTES).toString('base64');

export const generateKeyring = (now: Date = new Date()): Keyring => {
  const kid = newKid(now);
  return { current: kid, keys: { [kid]: newKey() } };
};

/** Adds a fresh key and makes it current; every older key stays so old records decrypt. */
export const rotateKeyring = (existing: Keyring, now: Date = new Date()): Keyring => {
  let kid = newKid(now);
  while (Object.hasOwn(existing.keys, kid)) kid = newKid(now);
  return { current: kid, keys: { ...existing.keys, [kid]: newKey() } };
};
