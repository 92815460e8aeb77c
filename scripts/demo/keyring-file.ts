/**
 * `--data <dir>` keeps DynamoDB's tables in the folder, but moto (Secrets Manager) keeps
 * nothing: a new keyring each start would make every stored credential and token
 * undecryptable. So the keyring is kept next to the tables (<dir>/keyring.json, 0600) and
 * put back into the secret right after startLocalRuntime created a fresh one, before
 * anything used the vault (the runtime builds it on first use).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { GetSecretValueCommand, PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { parseKeyring } from '../../functions/adapters/vault/keyring';

export const keyringSecretIdFor = (prefix: string) => `${prefix}-keyring`;

export const persistKeyring = async (dataDir: string, prefix: string): Promise<'restored' | 'saved'> => {
  const file = path.join(dataDir, 'keyring.json');
  const client = new SecretsManagerClient({});
  const SecretId = keyringSecretIdFor(prefix);
  try {
    if (existsSync(file)) {
      const SecretString = readFileSync(file, 'utf8').trim();
      parseKeyring(SecretString); // refuse a damaged file loudly rather than lose data quietly
      await client.send(new PutSecretValueCommand({ SecretId, SecretString }));
      return 'restored';
    }
    const { SecretString } = await client.send(new GetSecretValueCommand({ SecretId }));
    if (!SecretString) throw new Error(`secret ${SecretId} is empty`);
    writeFileSync(file, `${SecretString}\n`, { mode: 0o600, flag: 'wx' });
    return 'saved';
  } finally {
    client.destroy();
  }
};
