/** The emulators for the benchmark (DynamoDB Local, moto, the Garmin simulator) and the AWS environment pointing at them. */
import { type LocalStack, startLocalStack } from '../local/emulators';

export const BENCH_REGION = 'eu-west-1';

export const startBenchStack = async (): Promise<LocalStack> => {
  const stack = await startLocalStack();
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_DYNAMODB: stack.dynamodb.endpoint,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: stack.moto.endpoint,
    AWS_ENDPOINT_URL_SQS: stack.moto.endpoint,
    AWS_REGION: BENCH_REGION,
    AWS_DEFAULT_REGION: BENCH_REGION,
    AWS_ACCESS_KEY_ID: 'bench',
    AWS_SECRET_ACCESS_KEY: 'bench',
    AWS_EC2_METADATA_DISABLED: 'true',
  });
  delete process.env.AWS_SESSION_TOKEN;
  delete process.env.AWS_PROFILE;
  return stack;
};
