/** Building a Vault: over Secrets Manager in the functions, over any KeyringSource in tests. */
import { type SecretsApi, secretsApi } from '../aws/secrets-api';
import { ENV, readEnv } from '../../core/shared/env';
import type { Vault } from '../../core/shared/ports';
import { AesGcmVault } from './aes-gcm-vault';
import { KeyringCache, SecretsManagerKeyringSource, type KeyringCacheOptions, type KeyringSource } from './keyring-source';

export { VaultDecryptError } from './errors';
export { KeyringError, generateKeyring, rotateKeyring, type Keyring } from './keyring';
export type { KeyringCacheOptions, KeyringSource } from './keyring-source';

export const createVault = (source: KeyringSource, options?: KeyringCacheOptions): Vault =>
  new AesGcmVault(new KeyringCache(source, options));

/** The functions' vault: keyring secret named by KEYRING_SECRET_ID. */
export const createSecretsManagerVault = (
  secretId: string = readEnv(ENV.keyringSecretId),
  client: SecretsApi = secretsApi(),
): Vault => createVault(new SecretsManagerKeyringSource(client, secretId));
