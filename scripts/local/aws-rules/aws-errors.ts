/**
 * Errors shaped as the AWS SDK raises them for a service's error answer: an instance of
 * the client's ServiceException with the error code as `name`, `$fault` and the HTTP status
 * in `$metadata`, so code that inspects them sees what it would see deployed.
 */
import { DynamoDBServiceException } from '@aws-sdk/client-dynamodb';
import { LambdaServiceException } from '@aws-sdk/client-lambda';
import { SecretsManagerServiceException } from '@aws-sdk/client-secrets-manager';
import { SQSServiceException } from '@aws-sdk/client-sqs';

export type AwsService = 'dynamodb' | 'sqs' | 'secretsmanager' | 'lambda';

const EXCEPTION = {
  dynamodb: DynamoDBServiceException,
  sqs: SQSServiceException,
  secretsmanager: SecretsManagerServiceException,
  lambda: LambdaServiceException,
} as const;

export const awsClientError = (service: AwsService, name: string, httpStatusCode: number, message: string): Error =>
  new EXCEPTION[service]({ name, $fault: 'client', $metadata: { httpStatusCode }, message });

/** The status each service answers an IAM denial with. */
const ACCESS_DENIED_STATUS: Record<AwsService, number> = { dynamodb: 400, secretsmanager: 400, sqs: 403, lambda: 403 };

export interface Denial {
  service: AwsService;
  /** The assumed-role session the call ran as. */
  sessionArn: string;
  action: string;
  resource: string;
}

/** AWS's wording for an identity-policy denial. */
export const accessDenied = ({ service, sessionArn, action, resource }: Denial): Error =>
  awsClientError(
    service,
    'AccessDeniedException',
    ACCESS_DENIED_STATUS[service],
    `User: ${sessionArn} is not authorized to perform: ${action} on resource: ${resource} because no identity-based policy allows the ${action} action`,
  );

/** Lambda's answer to an Invoke whose payload is over the invocation type's quota. */
export const invokePayloadTooLarge = (limitBytes: number): Error =>
  awsClientError('lambda', 'RequestEntityTooLargeException', 413, `Request must be smaller than ${limitBytes} bytes for the InvokeFunction operation`);
