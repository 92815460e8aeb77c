/**
 * What IAM checks for an AWS SDK call: the action(s) and resource ARN(s) of each command
 * the code may send, as the services' authorization references define them (a Query on
 * an index is authorized on `<table>/index/<name>`; a batch call on every table or queue
 * it names; SendMessageBatch is `sqs:SendMessage`). A command not listed here is refused,
 * so an unmapped call can never pass unchecked.
 */
import type { AwsService } from './aws-errors';
import { type LocalResources, functionArn, queueArn, queueArnOfUrl, tableArn } from './local-resources';

export interface Permission {
  action: string;
  resource: string;
}

type Input = Record<string, unknown>;
type Arns = Pick<LocalResources, 'region' | 'accountId' | 'secret' | 'webhookSecret'>;

const text = (input: Input, field: string): string => {
  const value = input[field];
  if (typeof value !== 'string' || !value) throw new Error(`local IAM: the call has no ${field}`);
  return value;
};

const tableOf = (arns: Arns, name: string): string => (name.startsWith('arn:') ? name : tableArn(arns, name));

const DYNAMODB_TABLE_ACTIONS = new Set([
  'GetItem',
  'PutItem',
  'UpdateItem',
  'DeleteItem',
  'Query',
  'Scan',
  'DescribeTable',
  'CreateTable',
  'UpdateTable',
  'DeleteTable',
  'DescribeTimeToLive',
  'UpdateTimeToLive',
]);

const TRANSACT_WRITE_ACTIONS: Record<string, string> = {
  ConditionCheck: 'ConditionCheckItem',
  Put: 'PutItem',
  Delete: 'DeleteItem',
  Update: 'UpdateItem',
};

const dynamodb = (arns: Arns, operation: string, input: Input): Permission[] => {
  if (DYNAMODB_TABLE_ACTIONS.has(operation)) {
    const table = tableOf(arns, text(input, 'TableName'));
    const index = input.IndexName;
    return [{ action: `dynamodb:${operation}`, resource: typeof index === 'string' ? `${table}/index/${index}` : table }];
  }
  if (operation === 'BatchWriteItem' || operation === 'BatchGetItem') {
    return Object.keys((input.RequestItems ?? {}) as Input).map((name) => ({ action: `dynamodb:${operation}`, resource: tableOf(arns, name) }));
  }
  if (operation === 'TransactWriteItems' || operation === 'TransactGetItems') {
    return ((input.TransactItems ?? []) as Input[]).flatMap((item) =>
      Object.entries(item).map(([kind, request]) => ({
        action: `dynamodb:${operation === 'TransactGetItems' ? 'GetItem' : (TRANSACT_WRITE_ACTIONS[kind] ?? kind)}`,
        resource: tableOf(arns, text(request as Input, 'TableName')),
      })),
    );
  }
  throw new Error(`local IAM: no authorization mapping for DynamoDB ${operation}`);
};

/** Batch calls are authorized as their single-message action. */
const SQS_ACTIONS: Record<string, string> = {
  SendMessage: 'SendMessage',
  SendMessageBatch: 'SendMessage',
  ReceiveMessage: 'ReceiveMessage',
  DeleteMessage: 'DeleteMessage',
  DeleteMessageBatch: 'DeleteMessage',
  ChangeMessageVisibility: 'ChangeMessageVisibility',
  ChangeMessageVisibilityBatch: 'ChangeMessageVisibility',
  GetQueueAttributes: 'GetQueueAttributes',
  SetQueueAttributes: 'SetQueueAttributes',
  PurgeQueue: 'PurgeQueue',
  DeleteQueue: 'DeleteQueue',
};

const sqs = (arns: Arns, operation: string, input: Input): Permission[] => {
  if (operation === 'GetQueueUrl' || operation === 'CreateQueue') {
    const owner = typeof input.QueueOwnerAWSAccountId === 'string' ? input.QueueOwnerAWSAccountId : arns.accountId;
    return [{ action: `sqs:${operation}`, resource: queueArn(arns, text(input, 'QueueName'), owner) }];
  }
  const action = SQS_ACTIONS[operation];
  if (!action) throw new Error(`local IAM: no authorization mapping for SQS ${operation}`);
  return [{ action: `sqs:${action}`, resource: queueArnOfUrl(arns, text(input, 'QueueUrl')) }];
};

const SECRET_ACTIONS = new Set(['GetSecretValue', 'PutSecretValue', 'DescribeSecret', 'CreateSecret', 'UpdateSecret', 'DeleteSecret']);

const secretsmanager = (arns: Arns, operation: string, input: Input): Permission[] => {
  if (!SECRET_ACTIONS.has(operation)) throw new Error(`local IAM: no authorization mapping for Secrets Manager ${operation}`);
  const id = text(input, operation === 'CreateSecret' ? 'Name' : 'SecretId');
  // IAM sees the secret's full ARN (with its random suffix), whatever the caller named it by.
  const secret = [arns.secret, arns.webhookSecret].find((s) => id === s.name || id === s.arn);
  const resource = secret ? secret.arn : id;
  return [{ action: `secretsmanager:${operation}`, resource }];
};

const lambda = (arns: Arns, operation: string, input: Input): Permission[] => {
  if (operation !== 'Invoke') throw new Error(`local IAM: no authorization mapping for Lambda ${operation}`);
  const name = text(input, 'FunctionName');
  return [{ action: 'lambda:InvokeFunction', resource: name.startsWith('arn:') ? name : functionArn(arns, name) }];
};

const BY_SERVICE: Record<AwsService, (arns: Arns, operation: string, input: Input) => Permission[]> = {
  dynamodb,
  sqs,
  secretsmanager,
  lambda,
};

/** `operation` is the command's name without "Command" (e.g. "Query"). */
export const permissionsFor = (service: AwsService, operation: string, input: Input, arns: Arns): Permission[] =>
  BY_SERVICE[service](arns, operation, input);
