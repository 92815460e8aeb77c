/**
 * Operator CLI for the vault keyring (prints key ids only, never key material):
 *
 *   npx tsx functions/adapters/vault/keyring-cli.ts init   --secret-id <id>
 *   npx tsx functions/adapters/vault/keyring-cli.ts rotate --secret-id <id>
 *
 * Region, credentials and endpoint come from the standard AWS environment
 * (AWS_REGION, AWS_PROFILE, AWS_ENDPOINT_URL_SECRETS_MANAGER for an emulator).
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { initKeyringSecret, rotateKeyringSecret } from './keyring-secret';

const USAGE = 'usage: keyring-cli <init|rotate> --secret-id <id>';

export const runKeyringCli = async (
  argv: string[],
  client: SecretsManagerClient,
  print: (line: string) => void = console.log,
): Promise<void> => {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { 'secret-id': { type: 'string' } },
  });
  const [command, ...extra] = positionals;
  const secretId = values['secret-id'];
  if (!secretId || extra.length > 0) throw new Error(USAGE);
  if (command === 'init') {
    const ring = await initKeyringSecret(client, secretId);
    print(`keyring created in ${secretId}; current key ${ring.current}`);
  } else if (command === 'rotate') {
    const { previous, current } = await rotateKeyringSecret(client, secretId);
    print(`rotated ${secretId}: current key ${previous} -> ${current} (old keys kept)`);
  } else {
    throw new Error(USAGE);
  }
};

const invokedDirectly = process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href;

if (invokedDirectly) {
  runKeyringCli(process.argv.slice(2), new SecretsManagerClient({})).catch((error: unknown) => {
    // Our errors carry no key material; SDK errors carry the service's message.
    console.error(error instanceof Error ? error.message : String(error));
    process.exitCode = 1;
  });
}
