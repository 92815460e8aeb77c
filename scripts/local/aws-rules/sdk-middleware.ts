/**
 * The local AWS rules: each call checked against the calling function's IAM policy and
 * against the service's size quotas, throwing the service's own error when AWS would refuse
 * the call. The functions' calls (functions/adapters/aws: DynamoDB, Secrets Manager, Lambda
 * Invoke, SQS, no SDK client) take the check as their guard, before signing and retries; on
 * an SDK v3 client (tests) it is a middleware at the start of the client's stack.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { CallGuard } from '../../../functions/adapters/aws/signed-call';
import type { AwsService } from './aws-errors';
import type { FunctionIdentity } from './function-identity';
import type { LocalResources } from './local-resources';
import { permissionsFor } from './sdk-permissions';
import { checkSqsMessageSize } from './sqs-message-limits';

type Client = DynamoDBClient | SQSClient | SecretsManagerClient | LambdaClient;

interface CallArgs {
  input: object;
}
type Next = (args: CallArgs) => Promise<unknown>;
interface CallContext {
  commandName?: string;
}
/** The one shape of `middlewareStack.add` used here, common to every client's stack. */
interface InitializeStack {
  add(
    middleware: (next: Next, context: CallContext) => Next,
    options: { step: 'initialize'; name: string; priority: 'high'; override?: boolean },
  ): void;
}

export interface ClientRules {
  service: AwsService;
  identity: FunctionIdentity;
  local: Pick<LocalResources, 'region' | 'accountId' | 'secret' | 'webhookSecret'>;
}

export const MIDDLEWARE_NAME = 'localAwsRules';

/** Throws what AWS would answer if it refuses the call: IAM first, then the service's quotas. */
const checkCall = async (rules: ClientRules, operation: string, input: Record<string, unknown>): Promise<void> => {
  await rules.identity.authorize(rules.service, permissionsFor(rules.service, operation, input, rules.local));
  if (rules.service === 'sqs') checkSqsMessageSize(operation, input);
};

/** The same rules for the signed calls of functions/adapters/aws, as the calling function's identity. */
export const awsRulesGuard =
  (rules: Omit<ClientRules, 'service'>): CallGuard =>
  (service, operation, input) =>
    checkCall({ ...rules, service }, operation, input);

export const enforceAwsRules = <C extends Client>(client: C, rules: ClientRules): C => {
  (client.middlewareStack as unknown as InitializeStack).add(
    (next, context) => async (args) => {
      await checkCall(rules, (context.commandName ?? '').replace(/Command$/, ''), args.input as Record<string, unknown>);
      return next(args);
    },
    { step: 'initialize', name: MIDDLEWARE_NAME, priority: 'high' },
  );
  return client;
};
