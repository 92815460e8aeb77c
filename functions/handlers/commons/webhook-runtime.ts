/** The deployed webhook delivery: the endpoint, its signing secrets and the queues, named by the environment. */
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { sqsApi } from '../../adapters/aws/sqs-api';
import type { DeliveryDeps } from '../../adapters/webhooks/delivery-worker';
import { SigningSecretsSource } from '../../adapters/webhooks/signing-secrets';
import { ENV, readEnv } from '../../core/shared/env';
import { once } from './compose';

export { type DeliveryDeps, type DeliveryObserver, deliverRecord } from '../../adapters/webhooks/delivery-worker';

/** Built on the first message of a container and reused (the secrets are cached for minutes). */
export const deliveryFromEnvironment: () => DeliveryDeps = once(() => {
  const secrets = new SigningSecretsSource(new SecretsManagerClient({}), readEnv(ENV.webhookSecretId));
  return {
    // Deployed: https:// to public addresses only (url-guard.ts), whatever the configuration says.
    target: { endpoint: readEnv(ENV.webhookUrl), urlPolicy: {}, secrets: () => secrets.load(), wallClock: () => new Date() },
    sqs: sqsApi(),
    queueUrl: readEnv(ENV.webhookQueueUrl),
    deadLetterQueueUrl: readEnv(ENV.webhookDeadLetterQueueUrl),
    clock: { now: () => new Date() },
  };
});
