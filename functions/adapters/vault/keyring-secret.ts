/**
 * Operator actions on the keyring secret. Rotation writes a new secret version whose
 * keyring keeps every old key and names a new current one: running vaults pick it up
 * within their cache TTL (or at once on meeting the new kid), and never need the old
 * records re-encrypted. Run one rotation at a time: Secrets Manager has no
 * compare-and-set, so two concurrent rotations would keep only one of the new keys.
 */
import {
  CreateSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  ResourceNotFoundException,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { KeyringError, generateKeyring, parseKeyring, rotateKeyring, type Keyring } from './keyring';

const readSecretString = async (client: SecretsManagerClient, secretId: string): Promise<string | undefined> => {
  try {
    return (await client.send(new GetSecretValueCommand({ SecretId: secretId }))).SecretString;
  } catch (error) {
    if (error instanceof ResourceNotFoundException) return undefined;
    throw error;
  }
};

const isKeyring = (secretString: string): boolean => {
  try {
    parseKeyring(secretString);
    return true;
  } catch {
    return false;
  }
};

/**
 * Puts a fresh keyring into the secret: creates it if absent, or fills one created
 * without a keyring (a placeholder). Refuses to replace a keyring: that would make
 * every stored record undecryptable.
 */
export const initKeyringSecret = async (client: SecretsManagerClient, secretId: string, now?: Date): Promise<Keyring> => {
  const existing = await readSecretString(client, secretId);
  if (existing !== undefined && isKeyring(existing)) {
    throw new KeyringError(`secret ${secretId} already holds a keyring; use rotate`);
  }
  const ring = generateKeyring(now);
  const SecretString = JSON.stringify(ring);
  if (existing === undefined) await client.send(new CreateSecretCommand({ Name: secretId, SecretString }));
  else await client.send(new PutSecretValueCommand({ SecretId: secretId, SecretString }));
  return ring;
};

export const rotateKeyringSecret = async (
  client: SecretsManagerClient,
  secretId: string,
  now?: Date,
): Promise<{ previous: string; current: string }> => {
  const existing = await readSecretString(client, secretId);
  if (existing === undefined) throw new KeyringError(`secret ${secretId} has no keyring; use init`);
  const ring = parseKeyring(existing);
  const next = rotateKeyring(ring, now);
  await client.send(new PutSecretValueCommand({ SecretId: secretId, SecretString: JSON.stringify(next) }));
  return { previous: ring.current, current: next.current };
};
