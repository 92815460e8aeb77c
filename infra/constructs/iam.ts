/**
 * Least-privilege helpers. Every function gets its own role with no managed policy; each
 * permission is one explicit statement naming exact actions on exact resources. The L2
 * `grant*` helpers are avoided on purpose: they add actions the code never calls
 * (DescribeSecret, ConditionCheckItem, ...) and wildcard resources (`<table>/index/*`,
 * `<function>:*`).
 */
import { aws_iam as iam, type aws_dynamodb as dynamodb, type aws_lambda as lambda, type aws_logs as logs } from 'aws-cdk-lib';
import type { Construct } from 'constructs';

/** A Lambda execution role that can only write to its own log group. */
export const lambdaRole = (scope: Construct, id: string, logGroup: logs.ILogGroup, description: string): iam.Role => {
  const role = new iam.Role(scope, id, { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'), description });
  // The log group exists (created by the stack), so no logs:CreateLogGroup.
  allow(role, ['logs:CreateLogStream', 'logs:PutLogEvents'], [logGroup.logGroupArn]);
  return role;
};

export const allow = (grantee: iam.IGrantable, actions: string[], resources: string[]): void => {
  grantee.grantPrincipal.addToPrincipalPolicy(new iam.PolicyStatement({ actions, resources }));
};

/** DynamoDB actions by what the stores do (functions/adapters/dynamo). */
export type TableAction = 'GetItem' | 'BatchGetItem' | 'PutItem' | 'UpdateItem' | 'DeleteItem' | 'Query' | 'BatchWriteItem' | 'ConditionCheckItem';

/**
 * Allows `actions` on the table itself and `indexActions` (Query) on the named indexes
 * only. `BatchWriteItem` appears only where a store deletes a user's partition.
 */
export const allowTable = (
  grantee: iam.IGrantable,
  table: dynamodb.ITable,
  actions: TableAction[],
  indexes: string[] = [],
): void => {
  if (actions.length) allow(grantee, actions.map((a) => `dynamodb:${a}`), [table.tableArn]);
  if (indexes.length) allow(grantee, ['dynamodb:Query'], indexes.map((name) => `${table.tableArn}/index/${name}`));
};

/** Synchronous or asynchronous invoke of exactly this function (unqualified: $LATEST). */
export const allowInvoke = (grantee: iam.IGrantable, fn: lambda.IFunction): void => {
  allow(grantee, ['lambda:InvokeFunction'], [fn.functionArn]);
};
