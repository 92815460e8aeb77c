/**
 * The emulators for the benchmark (DynamoDB Local, moto for Secrets Manager, ElasticMQ for SQS,
 * the Garmin simulator) and the AWS environment pointing at them. SQS is ElasticMQ's because
 * moto's costs time in proportion to the queue's depth on every call (scripts/bench/README.md).
 */
import { type LocalStack, applyAwsEnvironment, emulatorAwsEnvironment, startLocalStack } from '../local/emulators';

export const BENCH_REGION = 'eu-west-1';

export const startBenchStack = async (): Promise<LocalStack> => {
  const stack = await startLocalStack({ elasticMq: { region: BENCH_REGION } });
  applyAwsEnvironment(emulatorAwsEnvironment(stack, BENCH_REGION, 'bench'));
  return stack;
};
