/** The emulators for the benchmark (DynamoDB Local, moto, the Garmin simulator) and the AWS environment pointing at them. */
import { type LocalStack, applyAwsEnvironment, emulatorAwsEnvironment, startLocalStack } from '../local/emulators';

export const BENCH_REGION = 'eu-west-1';

export const startBenchStack = async (): Promise<LocalStack> => {
  const stack = await startLocalStack();
  applyAwsEnvironment(emulatorAwsEnvironment(stack, BENCH_REGION, 'bench'));
  return stack;
};
