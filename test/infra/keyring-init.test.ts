/** The deploy-time keyring initialiser (custom resource), against an in-memory Secrets Manager. */
import { GetSecretValueCommand, PutSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { parseKeyring } from '../../functions/adapters/vault/keyring';
import { type CustomResourceEvent, ensureKeyring, handler } from '../../infra/keyring-init/handler';

const SECRET = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:Keyring-abc';

/** One secret in memory; records the commands it receives. */
const fakeSecrets = (initial: string) => {
  let value = initial;
  const commands: string[] = [];
  const client = {
    send: async (command: unknown) => {
      if (command instanceof GetSecretValueCommand) {
        commands.push('Get');
        return { SecretString: value };
      }
      if (command instanceof PutSecretValueCommand) {
        commands.push('Put');
        value = command.input.SecretString ?? '';
        return {};
      }
      throw new Error(`unexpected command ${String(command)}`);
    },
  } as unknown as SecretsManagerClient;
  return { client, commands, value: () => value };
};

const event = (RequestType: CustomResourceEvent['RequestType']): CustomResourceEvent => ({
  RequestType,
  ResponseURL: 'https://cloudformation-custom-resource-response.example/presigned',
  StackId: 'stack',
  RequestId: 'request',
  LogicalResourceId: 'KeyringInitialized',
  ResourceProperties: { SecretId: SECRET },
});

describe('ensureKeyring', () => {
  it('replaces the generated placeholder with a keyring the vault accepts', async () => {
    const secrets = fakeSecrets('Xk2placeholderGeneratedByCfn0000');
    const reason = await ensureKeyring(secrets.client, event('Create'));
    const ring = parseKeyring(secrets.value());
    expect(Buffer.from(ring.keys[ring.current]!, 'base64')).toHaveLength(32);
    expect(reason).toContain(ring.current);
    expect(reason).not.toContain(ring.keys[ring.current]);
  });

  it('never touches a secret that already holds a keyring (create or update)', async () => {
    const existing = JSON.stringify({ current: 'k1', keys: { k1: Buffer.alloc(32, 7).toString('base64') } });
    for (const type of ['Create', 'Update'] as const) {
      const secrets = fakeSecrets(existing);
      await ensureKeyring(secrets.client, event(type));
      expect(secrets.commands).toEqual(['Get']);
      expect(secrets.value()).toBe(existing);
    }
  });

  it('does nothing on delete (the secret is retained)', async () => {
    const secrets = fakeSecrets('placeholder');
    await ensureKeyring(secrets.client, event('Delete'));
    expect(secrets.commands).toEqual([]);
  });
});

describe('handler', () => {
  beforeEach(() => {
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
  });
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.restoreAllMocks();
  });

  it('always answers CloudFormation, FAILED with the reason when something breaks', async () => {
    const fetch = vi.fn(async (_url: string, _init: { method: string; body: Uint8Array }) => new Response(null, { status: 200 }));
    vi.stubGlobal('fetch', fetch);
    // No SecretId: fails before any AWS call.
    await handler({ ...event('Create'), ResourceProperties: {} });
    expect(fetch).toHaveBeenCalledOnce();
    const [url, init] = fetch.mock.calls[0]!;
    expect(url).toBe(event('Create').ResponseURL);
    expect(init.method).toBe('PUT');
    const body = JSON.parse(new TextDecoder().decode(init.body));
    expect(body).toMatchObject({ Status: 'FAILED', RequestId: 'request', LogicalResourceId: 'KeyringInitialized', StackId: 'stack' });
    expect(body.Reason).toContain('SecretId');
  });

  it('answers SUCCESS on delete, keeping the physical id', async () => {
    const fetch = vi.fn(async (_url: string, _init: { body: Uint8Array }) => new Response(null, { status: 200 }));
    vi.stubGlobal('fetch', fetch);
    await handler({ ...event('Delete'), PhysicalResourceId: 'keyring-init:x' });
    const body = JSON.parse(new TextDecoder().decode(fetch.mock.calls[0]![1].body));
    expect(body).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: 'keyring-init:x' });
  });
});
