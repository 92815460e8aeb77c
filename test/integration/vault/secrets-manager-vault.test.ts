/**
 * The vault over a real Secrets Manager API (moto, started by the integration global
 * setup): create the keyring secret, encrypt, rotate with the operator CLI, and check
 * that old records still decrypt while new writes use the new key.
 */
import { randomUUID } from 'node:crypto';
import {
  CreateSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KeyringError, createSecretsManagerVault, generateKeyring } from '../../../functions/adapters/vault';
import { runKeyringCli } from '../../../functions/adapters/vault/keyring-cli';
import { parseKeyring } from '../../../functions/adapters/vault/keyring';
import { rejectionOf } from '../../support/rejection';

const kidOf = (ciphertext: string): string | undefined => ciphertext.split('.')[1];

describe('vault over Secrets Manager (moto)', () => {
  let client: SecretsManagerClient;

  beforeAll(() => {
    const endpoint = process.env.AWS_ENDPOINT_URL_SECRETS_MANAGER;
    if (!endpoint) throw new Error('AWS_ENDPOINT_URL_SECRETS_MANAGER is not set: run with the integration global setup');
    client = new SecretsManagerClient({
      endpoint,
      region: process.env.AWS_REGION ?? 'eu-west-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
  });

  afterAll(() => client.destroy());

  const readKeyring = async (secretId: string, stage = 'AWSCURRENT') =>
    parseKeyring(
      (await client.send(new GetSecretValueCommand({ SecretId: secretId, VersionStage: stage }))).SecretString ?? '',
    );

  it('decrypts old records after a CLI rotation, and writes new ones with the new key', async () => {
    const secretId = `test/vault-keyring/${randomUUID()}`;
    const seeded = generateKeyring();
    await client.send(new CreateSecretCommand({ Name: secretId, SecretString: JSON.stringify(seeded) }));

    const before = createSecretsManagerVault(secretId);
    const oldRecord = await before.encrypt('user-1', 'tokens', '{"di_token":"old"}');
    expect(kidOf(oldRecord)).toBe(seeded.current);

    const printed: string[] = [];
    await runKeyringCli(['rotate', '--secret-id', secretId], client, (line) => printed.push(line));
    const rotated = await readKeyring(secretId);
    expect(rotated.current).not.toBe(seeded.current);
    expect(rotated.keys).toMatchObject(seeded.keys);
    expect(await readKeyring(secretId, 'AWSPREVIOUS')).toEqual(seeded);
    expect(printed.join('\n')).toContain(`${seeded.current} -> ${rotated.current}`);
    for (const key of Object.values(rotated.keys)) expect(printed.join('\n')).not.toContain(key);

    const after = createSecretsManagerVault(secretId);
    const newRecord = await after.encrypt('user-1', 'tokens', '{"di_token":"new"}');
    expect(kidOf(newRecord)).toBe(rotated.current);
    expect(await after.decrypt('user-1', 'tokens', oldRecord)).toBe('{"di_token":"old"}');
    // The vault created before the rotation still has the old keyring cached: meeting
    // the new kid makes it read the secret again instead of failing.
    expect(await before.decrypt('user-1', 'tokens', newRecord)).toBe('{"di_token":"new"}');
    expect(kidOf(await before.encrypt('user-1', 'tokens', 'x'))).toBe(rotated.current);
  });

  it('initialises a keyring with the CLI and refuses to replace one', async () => {
    const secretId = `test/vault-keyring/${randomUUID()}`;
    await runKeyringCli(['init', '--secret-id', secretId], client, () => undefined);
    const ring = await readKeyring(secretId);
    await expect(runKeyringCli(['init', '--secret-id', secretId], client, () => undefined)).rejects.toThrow(KeyringError);
    expect(await readKeyring(secretId)).toEqual(ring);

    const vault = createSecretsManagerVault(secretId);
    expect(await vault.decrypt('u', 'password', await vault.encrypt('u', 'password', 'pw'))).toBe('pw');
  });

  it('fills a placeholder secret on init, and refuses to rotate a secret that is not a keyring', async () => {
    const secretId = `test/vault-keyring/${randomUUID()}`;
    await client.send(new CreateSecretCommand({ Name: secretId, SecretString: '{"placeholder":true}' }));
    await expect(runKeyringCli(['rotate', '--secret-id', secretId], client, () => undefined)).rejects.toThrow(KeyringError);
    await runKeyringCli(['init', '--secret-id', secretId], client, () => undefined);
    expect((await readKeyring(secretId)).current).toMatch(/^\d{8}-/);
  });

  it('rejects a malformed keyring secret without echoing it', async () => {
    const secretId = `test/vault-keyring/${randomUUID()}`;
    const leaked = Buffer.alloc(16, 9).toString('base64');
    await client.send(new CreateSecretCommand({ Name: secretId, SecretString: JSON.stringify(generateKeyring()) }));
    await client.send(new PutSecretValueCommand({ SecretId: secretId, SecretString: JSON.stringify({ current: 'k', keys: { k: leaked } }) }));
    const vault = createSecretsManagerVault(secretId);
    const error = await rejectionOf(vault.encrypt('u', 'tokens', 'x'), KeyringError);
    expect(String(error)).not.toContain(leaked);
  });

  it('rejects CLI usage errors', async () => {
    await expect(runKeyringCli(['rotate'], client)).rejects.toThrow('usage');
    await expect(runKeyringCli(['shred', '--secret-id', 'x'], client)).rejects.toThrow('usage');
  });
});
