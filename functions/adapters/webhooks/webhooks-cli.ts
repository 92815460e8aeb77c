/**
 * Operator CLI for webhooks (prints counts and times, never a secret unless asked for the app's copy):
 *
 *   npx tsx functions/adapters/webhooks/webhooks-cli.ts replay --dlq-url <WebhookDeadLetterQueueUrl> --queue-url <WebhookQueueUrl>
 *       moves every dead-lettered event back to the delivery queue: each is delivered again with
 *       its own webhook-id (receivers dedupe) and a fresh retry schedule, as long as its window allows
 *       (events older than the window get one attempt, then return to the dead-letter queue)
 *   npx tsx functions/adapters/webhooks/webhooks-cli.ts rotate-secret --secret-id <WebhookSecretArn> [--overlap-hours 24]
 *       a new signing secret; the old one keeps signing beside it (two signatures) for the overlap
 *   npx tsx functions/adapters/webhooks/webhooks-cli.ts show-secret --secret-id <WebhookSecretArn>
 *       prints whsec_<current> for the app's configuration
 *
 * Region, credentials and endpoints come from the standard AWS environment (AWS_REGION, AWS_PROFILE,
 * AWS_ENDPOINT_URL_SQS / AWS_ENDPOINT_URL_SECRETS_MANAGER for an emulator).
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { DeleteMessageBatchCommand, ReceiveMessageCommand, SQSClient, SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import { type SecretsApi, secretsApi } from '../aws/secrets-api';
import { DEFAULT_OVERLAP_SECONDS, SigningSecretsSource } from './signing-secrets';

const USAGE = [
  'usage: webhooks-cli replay --dlq-url <url> --queue-url <url>',
  '       webhooks-cli rotate-secret --secret-id <id> [--overlap-hours N]',
  '       webhooks-cli show-secret --secret-id <id>',
].join('\n');

/** Moves every message of the dead-letter queue to the delivery queue (send first, then delete: at least once). */
export const replayDeadLetters = async (sqs: SQSClient, dlqUrl: string, queueUrl: string): Promise<number> => {
  let moved = 0;
  for (;;) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: dlqUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0, VisibilityTimeout: 60 }),
    );
    if (Messages.length === 0) return moved;
    const sent = await sqs.send(
      new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: Messages.map((m, i) => ({ Id: String(i), MessageBody: m.Body ?? '' })) }),
    );
    if (sent.Failed?.length) throw new Error(`SQS refused ${sent.Failed.length} replayed events; they stay in the dead-letter queue`);
    await sqs.send(
      new DeleteMessageBatchCommand({ QueueUrl: dlqUrl, Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle ?? '' })) }),
    );
    moved += Messages.length;
  }
};

export const runWebhooksCli = async (
  argv: string[],
  clients: { sqs: SQSClient; secretsManager: SecretsApi },
  print: (line: string) => void = console.log,
): Promise<void> => {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      'dlq-url': { type: 'string' },
      'queue-url': { type: 'string' },
      'secret-id': { type: 'string' },
      'overlap-hours': { type: 'string' },
    },
  });
  const [command, ...extra] = positionals;
  if (extra.length > 0) throw new Error(USAGE);
  if (command === 'replay' && values['dlq-url'] && values['queue-url']) {
    const moved = await replayDeadLetters(clients.sqs, values['dlq-url'], values['queue-url']);
    print(`replayed ${moved} dead-lettered event(s)`);
  } else if (command === 'rotate-secret' && values['secret-id']) {
    const hours = values['overlap-hours'] === undefined ? DEFAULT_OVERLAP_SECONDS / 3600 : Number(values['overlap-hours']);
    if (!Number.isFinite(hours) || hours < 0) throw new Error(USAGE);
    const next = await new SigningSecretsSource(clients.secretsManager, values['secret-id'], 0).rotate(new Date(), hours * 3600);
    print(`rotated: the old secret signs beside the new one until ${next.previousUntil ?? ''}; give the app the new one (show-secret)`);
  } else if (command === 'show-secret' && values['secret-id']) {
    print(`whsec_${(await new SigningSecretsSource(clients.secretsManager, values['secret-id'], 0).load()).current}`);
  } else {
    throw new Error(USAGE);
  }
};

if (import.meta.url === pathToFileURL(resolve(process.argv[1] ?? '')).href) {
  runWebhooksCli(process.argv.slice(2), { sqs: new SQSClient({}), secretsManager: secretsApi() }).catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  });
}
