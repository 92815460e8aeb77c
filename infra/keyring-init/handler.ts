/**
 * Deploy-time custom resource: puts a fresh vault keyring into the keyring secret, once.
 *
 * CloudFormation can generate a random string but not the keyring's JSON of base64 keys,
 * so the stack creates the secret with a generated placeholder and this function replaces
 * it with `generateKeyring()` through the vault's own `initKeyringSecret` (one format,
 * one generator). A secret that already holds a keyring is never touched: overwriting it
 * would make every stored credential undecryptable. Delete does nothing (the secret is
 * retained with the tables it protects).
 *
 * It answers CloudFormation itself (a PUT to the pre-signed ResponseURL), always, so a
 * failure fails the deployment instead of hanging it.
 */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { parseKeyring } from '../../functions/adapters/vault/keyring';
import { initKeyringSecret } from '../../functions/adapters/vault/keyring-secret';

export interface CustomResourceEvent {
  RequestType: 'Create' | 'Update' | 'Delete';
  ResponseURL: string;
  StackId: string;
  RequestId: string;
  LogicalResourceId: string;
  PhysicalResourceId?: string;
  ResourceProperties: { SecretId?: string };
}

const holdsKeyring = async (client: SecretsManagerClient, secretId: string): Promise<boolean> => {
  const { SecretString } = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
  try {
    parseKeyring(SecretString ?? '');
    return true;
  } catch {
    return false;
  }
};

/** Returns what happened, for the log and the response's Reason; never key material. */
export const ensureKeyring = async (client: SecretsManagerClient, event: CustomResourceEvent): Promise<string> => {
  if (event.RequestType === 'Delete') return 'nothing to do on delete (the secret is retained)';
  const secretId = event.ResourceProperties.SecretId;
  if (!secretId) throw new Error('SecretId property missing');
  if (await holdsKeyring(client, secretId)) return 'the secret already holds a keyring: left unchanged';
  const ring = await initKeyringSecret(client, secretId);
  return `keyring created, current key ${ring.current}`;
};

const respond = async (event: CustomResourceEvent, status: 'SUCCESS' | 'FAILED', reason: string): Promise<void> => {
  const body = JSON.stringify({
    Status: status,
    Reason: reason.slice(0, 1000),
    PhysicalResourceId: event.PhysicalResourceId ?? `keyring-init:${event.ResourceProperties.SecretId ?? 'unknown'}`,
    StackId: event.StackId,
    RequestId: event.RequestId,
    LogicalResourceId: event.LogicalResourceId,
  });
  // A Uint8Array body: fetch sets no content-type, which the pre-signed S3 URL expects.
  const response = await fetch(event.ResponseURL, { method: 'PUT', body: new TextEncoder().encode(body) });
  if (!response.ok) throw new Error(`CloudFormation response rejected: HTTP ${response.status}`);
};

const client = new SecretsManagerClient({});

export const handler = async (event: CustomResourceEvent): Promise<void> => {
  let status: 'SUCCESS' | 'FAILED' = 'SUCCESS';
  let reason: string;
  try {
    reason = await ensureKeyring(client, event);
  } catch (error) {
    status = 'FAILED';
    // Our errors and the SDK's name what failed, never a secret value.
    reason = error instanceof Error ? `${error.name}: ${error.message}` : 'unknown error';
  }
  console.log(JSON.stringify({ message: 'keyring init', requestType: event.RequestType, status, reason }));
  await respond(event, status, reason);
};
