/**
 * The self-describing ciphertext string: `v1.<kid>.<iv>.<ct>.<tag>`, binary parts in
 * base64url. The version lets a future format coexist with stored v1 records; the kid
 * says which keyring key decrypts it, so rotation never rewrites old records.
 */
import { KID_PATTERN } from './keyring';
import { VaultDecryptError } from './errors';

export const FORMAT_VERSION = 'v1';
export const IV_BYTES = 12;
export const TAG_BYTES = 16;

export interface CiphertextParts {
  kid: string;
  iv: Buffer;
  ct: Buffer;
  tag: Buffer;
}

// Node's base64url decoder skips invalid characters silently, so check them first.
const BASE64URL = /^[A-Za-z0-9_-]*$/;

export const formatCiphertext = ({ kid, iv, ct, tag }: CiphertextParts): string =>
  [FORMAT_VERSION, kid, iv.toString('base64url'), ct.toString('base64url'), tag.toString('base64url')].join('.');

export const parseCiphertext = (text: string): CiphertextParts => {
  const [version, kid, iv, ct, tag, ...rest] = text.split('.');
  if (
    version !== FORMAT_VERSION ||
    kid === undefined ||
    !KID_PATTERN.test(kid) ||
    iv === undefined ||
    ct === undefined ||
    tag === undefined ||
    rest.length > 0 ||
    ![iv, ct, tag].every((part) => BASE64URL.test(part))
  ) {
    throw new VaultDecryptError('malformed');
  }
  const parts = { kid, iv: Buffer.from(iv, 'base64url'), ct: Buffer.from(ct, 'base64url'), tag: Buffer.from(tag, 'base64url') };
  if (parts.iv.length !== IV_BYTES || parts.tag.length !== TAG_BYTES) throw new VaultDecryptError('malformed');
  return parts;
};
