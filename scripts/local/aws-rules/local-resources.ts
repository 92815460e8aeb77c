/**
 * The local stand-ins for the stack's resources and their ARNs: tables on DynamoDB Local,
 * queues and the keyring secret on moto (their ARNs as moto reports them), functions that
 * run in-process under names derived from the runtime's prefix, in one fake account.
 */
import type { TableKey } from '../../../functions/adapters/dynamo/tables';
import type { PermissionTarget } from '../../../infra/required-permissions';
import type { InvokableFunction, LocalQueue } from './stack-policies';

export interface LocalResources {
  accountId: string;
  region: string;
  tables: Record<TableKey, string>;
  queues: Record<LocalQueue, { url: string; arn: string }>;
  secret: { name: string; arn: string };
  /** The webhook signing secret (the keyring is `secret`). */
  webhookSecret: { name: string; arn: string };
  functionName(fn: InvokableFunction): string;
}

export const PARTITION = 'aws';

export const tableArn = (r: Pick<LocalResources, 'region' | 'accountId'>, tableName: string): string =>
  `arn:${PARTITION}:dynamodb:${r.region}:${r.accountId}:table/${tableName}`;

export const functionArn = (r: Pick<LocalResources, 'region' | 'accountId'>, functionName: string): string =>
  `arn:${PARTITION}:lambda:${r.region}:${r.accountId}:function:${functionName}`;

export const queueArn = (r: Pick<LocalResources, 'region' | 'accountId'>, queueName: string, accountId = r.accountId): string =>
  `arn:${PARTITION}:sqs:${r.region}:${accountId}:${queueName}`;

/** A queue URL (`<endpoint>/<account>/<name>`, on AWS and on moto) as the queue's ARN. */
export const queueArnOfUrl = (r: Pick<LocalResources, 'region' | 'accountId'>, url: string): string => {
  const [account, name] = new URL(url).pathname.split('/').filter(Boolean);
  if (!account || !name) throw new Error(`not a queue URL: ${url}`);
  return queueArn(r, name, account);
};

export const logGroupName = (functionName: string): string => `/aws/lambda/${functionName}`;

export const logGroupArn = (r: Pick<LocalResources, 'region' | 'accountId'>, functionName: string): string =>
  `arn:${PARTITION}:logs:${r.region}:${r.accountId}:log-group:${logGroupName(functionName)}:*`;

/** The role a function runs as, named by its logical id in the template. */
export const roleArn = (r: Pick<LocalResources, 'accountId'>, roleName: string): string => `arn:${PARTITION}:iam::${r.accountId}:role/${roleName}`;

/** The ARN a permission of infra/required-permissions.ts names, for the function `fn`. */
export const arnOfTarget = (r: LocalResources, fn: InvokableFunction, target: PermissionTarget): string => {
  if ('table' in target) return `${tableArn(r, r.tables[target.table])}${target.index ? `/index/${target.index}` : ''}`;
  if ('queue' in target) return r.queues[target.queue].arn;
  if ('secret' in target) return target.secret === 'keyring' ? r.secret.arn : r.webhookSecret.arn;
  if ('function' in target) return functionArn(r, r.functionName(target.function));
  return logGroupArn(r, r.functionName(fn));
};
