export type VaultDecryptFailure = 'malformed' | 'unknown-key' | 'authentication-failed';

const MESSAGES: Record<VaultDecryptFailure, string> = {
  malformed: 'vault ciphertext is malformed',
  'unknown-key': 'vault ciphertext names a key the keyring does not hold',
  // Also what a record copied to another user's item or purpose gives: GCM cannot tell them apart.
  'authentication-failed': 'vault ciphertext failed authentication (tampered, or made for another user or purpose)',
};

/** Carries only the reason: never the ciphertext, the plaintext or any key. */
export class VaultDecryptError extends Error {
  constructor(readonly reason: VaultDecryptFailure) {
    super(MESSAGES[reason]);
    this.name = 'VaultDecryptError';
  }
}
