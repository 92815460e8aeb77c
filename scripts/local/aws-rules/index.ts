/**
 * The AWS rules of the local runtime: each function's synthesized IAM policy resolved to
 * the local resources, and the switch. Enforcement is on everywhere the runtime runs
 * (tests, demo, benchmark); LOCAL_AWS_RULES=off (or `enforce: false`) exists only so a test
 * can show that the suite fails without it.
 */
import { GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { DescribeSecretCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { TableKey } from '../../../functions/adapters/dynamo/tables';
import type { Denial } from './aws-errors';
import { FunctionIdentity } from './function-identity';
import type { NamedPolicy, PolicyDocument } from './iam-evaluator';
import { resolvePolicyDocument } from './intrinsics';
import { type LocalResources, queueArn } from './local-resources';
import { FUNCTION_NAMES, type FunctionName, type InvokableFunction, type StackPolicies, stackPolicies } from './stack-policies';

export const awsRulesEnforced = (option?: boolean): boolean => option ?? process.env.LOCAL_AWS_RULES !== 'off';

export interface AwsRules {
  local: LocalResources;
  identities: Record<FunctionName, FunctionIdentity>;
  /** Every call refused so far (newest last), for diagnostics. */
  denials: Denial[];
}

export interface AwsRulesOptions {
  /** Test seam: changes a function's policies after resolution (e.g. to replay an older grant). */
  adjustPolicies?: (fn: FunctionName, policies: NamedPolicy[]) => NamedPolicy[];
  /** Told of each denial (default: a line on stderr, since handlers turn it into a 500). */
  onDenied?: (denial: Denial) => void;
  /** Defaults to the synthesized stack's. */
  policies?: StackPolicies;
}

/** Each function's policies, resolved to `local`. */
export const resolvedPolicies = (policies: StackPolicies, local: LocalResources, fn: InvokableFunction): NamedPolicy[] =>
  policies.roles[fn].policies.map(({ name, document }) => ({
    name,
    document: resolvePolicyDocument(document, local, policies.resources) as PolicyDocument,
  }));

const printDenial = (denial: Denial): void => {
  process.stderr.write(`[local IAM] denied: ${denial.sessionArn} ${denial.action} on ${denial.resource}\n`);
};

export const loadAwsRules = (local: LocalResources, options: AwsRulesOptions = {}): AwsRules => {
  const policies = options.policies ?? stackPolicies();
  const denials: Denial[] = [];
  const onDenied = (denial: Denial) => {
    denials.push(denial);
    (options.onDenied ?? printDenial)(denial);
  };
  const identities = Object.fromEntries(
    FUNCTION_NAMES.map((fn) => {
      const resolved = resolvedPolicies(policies, local, fn);
      const adjusted = options.adjustPolicies ? options.adjustPolicies(fn, resolved) : resolved;
      return [fn, new FunctionIdentity(fn, policies.roles[fn].roleId, adjusted, local, onDenied)];
    }),
  ) as Record<FunctionName, FunctionIdentity>;
  return { local, identities, denials };
};

export interface LocalResourceInput {
  prefix: string;
  tables: Record<TableKey, string>;
  queueUrl: string;
  /** The sync queue's DLQ, where there is one (the benchmark has none). */
  dlqUrl?: string;
  keyringSecretId: string;
  /** The webhook delivery's queues and signing secret, where there are (the benchmark has none). */
  webhooks?: { queueUrl: string; dlqUrl: string; secretId: string };
  sqs: SQSClient;
  secretsManager: SecretsManagerClient;
}

/** The local resources as moto knows them: the account and ARNs come from moto's own answers. */
export const discoverLocalResources = async (input: LocalResourceInput): Promise<LocalResources> => {
  const arnOf = async (url: string) => {
    const { Attributes } = await input.sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }));
    if (!Attributes?.QueueArn) throw new Error(`moto reported no ARN for ${url}`);
    return Attributes.QueueArn;
  };
  const { webhooks } = input;
  const [syncArn, dlqArn, secret, webhookArn, webhookDlqArn, webhookSecret] = await Promise.all([
    arnOf(input.queueUrl),
    input.dlqUrl ? arnOf(input.dlqUrl) : undefined,
    input.secretsManager.send(new DescribeSecretCommand({ SecretId: input.keyringSecretId })),
    webhooks ? arnOf(webhooks.queueUrl) : undefined,
    webhooks ? arnOf(webhooks.dlqUrl) : undefined,
    webhooks ? input.secretsManager.send(new DescribeSecretCommand({ SecretId: webhooks.secretId })) : undefined,
  ]);
  if (!secret.ARN) throw new Error(`moto reported no ARN for ${input.keyringSecretId}`);
  const [, , , region = '', accountId = ''] = syncArn.split(':');
  const names: Record<InvokableFunction, string> = {
    connect: 'connect',
    connectWorker: 'connect-worker',
    sync: 'sync',
    syncWorker: 'sync-worker',
    dispatch: 'dispatch',
    read: 'read',
    deliverEvents: 'deliver-events',
    bridge: 'garmin-bridge',
  };
  const local = { region, accountId };
  /** A queue that has no local stand-in: named, so a policy naming it resolves, but never called. */
  const placeholderQueue = (name: string) => ({
    url: `${new URL(input.queueUrl).origin}/${accountId}/${input.prefix}-${name}`,
    arn: queueArn(local, `${input.prefix}-${name}`),
  });
  return {
    ...local,
    tables: input.tables,
    queues: {
      sync: { url: input.queueUrl, arn: syncArn },
      syncDeadLetters: input.dlqUrl && dlqArn ? { url: input.dlqUrl, arn: dlqArn } : placeholderQueue('sync-dlq'),
      // Lambda's own failure destination for the connect worker: nothing local sends to it.
      connectFailures: placeholderQueue('connect-failures'),
      webhooks: webhooks && webhookArn ? { url: webhooks.queueUrl, arn: webhookArn } : placeholderQueue('webhooks'),
      webhookDeadLetters: webhooks && webhookDlqArn ? { url: webhooks.dlqUrl, arn: webhookDlqArn } : placeholderQueue('webhooks-dlq'),
    },
    secret: { name: input.keyringSecretId, arn: secret.ARN },
    webhookSecret:
      webhooks && webhookSecret?.ARN
        ? { name: webhooks.secretId, arn: webhookSecret.ARN }
        : { name: `${input.prefix}-webhook-secret`, arn: `arn:aws:secretsmanager:${region}:${accountId}:secret:${input.prefix}-webhook-secret-000000` },
    functionName: (fn) => `${input.prefix}-${names[fn]}`,
  };
};

export type { Denial } from './aws-errors';
export type { FunctionName } from './stack-policies';
