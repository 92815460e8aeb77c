/**
 * The Vault over AES-256-GCM. Each (user, purpose) gets its own key, derived by
 * HKDF-SHA256 from the keyring key, and the same pair is bound into the AAD: a record
 * copied into another user's item, or from a password field into a token field, fails
 * authentication instead of decrypting.
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import type { Vault, VaultPurpose } from '../../core/shared/ports';
import { FORMAT_VERSION, IV_BYTES, TAG_BYTES, formatCiphertext, parseCiphertext } from './ciphertext';
import { VaultDecryptError } from './errors';
import { KEY_BYTES } from './keyring';
import type { KeyringCache } from './keyring-source';

const ALGORITHM = 'aes-256-gcm';

// JSON arrays, not joined strings: a user id containing the separator cannot collide.
const derivationInfo = (userId: string, purpose: VaultPurpose): Buffer =>
  Buffer.from(JSON.stringify(['garmin-sync/vault', FORMAT_VERSION, purpose, userId]));

const additionalData = (kid: string, userId: string, purpose: VaultPurpose): Buffer =>
  Buffer.from(JSON.stringify([FORMAT_VERSION, kid, purpose, userId]));

// No salt: the keyring key is already uniformly random (RFC 5869 §3.1).
const userKey = (master: Buffer, userId: string, purpose: VaultPurpose): Buffer =>
  Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), derivationInfo(userId, purpose), KEY_BYTES));

const requireUserId = (userId: string): void => {
  if (!userId) throw new Error('vault needs a user id');
};

export class AesGcmVault implements Vault {
  constructor(private readonly keys: KeyringCache) {}

  async encrypt(userId: string, purpose: VaultPurpose, plaintext: string): Promise<string> {
    requireUserId(userId);
    const { kid, key } = await this.keys.current();
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv(ALGORITHM, userKey(key, userId, purpose), iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(additionalData(kid, userId, purpose));
    const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return formatCiphertext({ kid, iv, ct, tag: cipher.getAuthTag() });
  }

  async decrypt(userId: string, purpose: VaultPurpose, ciphertext: string): Promise<string> {
    requireUserId(userId);
    const { kid, iv, ct, tag } = parseCiphertext(ciphertext);
    const key = await this.keys.key(kid);
    if (!key) throw new VaultDecryptError('unknown-key');
    const decipher = createDecipheriv(ALGORITHM, userKey(key, userId, purpose), iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(additionalData(kid, userId, purpose));
    decipher.setAuthTag(tag);
    try {
      return Buffer.concat([decipher.update(ct), decipher.final()]).toString('utf8');
    } catch {
      throw new VaultDecryptError('authentication-failed');
    }
  }
}
