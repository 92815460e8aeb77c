/**
 * vitest globalSetup of the "integration" project: starts DynamoDB Local, moto and the
 * Garmin Connect simulator once for the whole run, hands their endpoints to the tests
 * (inject('localStack')) and to the AWS SDK (process.env, inherited by the test workers),
 * and stops them afterwards.
 *
 * LOCAL_STACK_SIMULATOR_MAIN=path/to/main.ts runs another simulator entry point.
 */
import type { TestProject } from 'vitest/node';
import { applyAwsEnvironment, emulatorAwsEnvironment, startLocalStack } from '../../scripts/local/emulators';

export interface LocalStackInfo {
  /** DynamoDB Local, e.g. http://127.0.0.1:41234 */
  dynamodbEndpoint: string;
  /** moto server (Secrets Manager, SQS, ...) */
  motoEndpoint: string;
  /** Garmin Connect simulator base URL */
  simulatorUrl: string;
  region: string;
  /** Everything set in process.env by this setup (also handy for spawning Python). */
  env: Record<string, string>;
}

declare module 'vitest' {
  export interface ProvidedContext {
    localStack: LocalStackInfo;
  }
}

export const TEST_REGION = 'eu-west-1';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const simulatorMain = process.env.LOCAL_STACK_SIMULATOR_MAIN;
  const stack = await startLocalStack(simulatorMain ? { simulator: { mainFile: simulatorMain } } : {});

  const env: Record<string, string> = {
    ...emulatorAwsEnvironment(stack, TEST_REGION, 'test'),
    GARMIN_BASE_URL: stack.simulator.endpoint,
    // Quiet test output: warnings and errors only, no EMF metric lines.
    POWERTOOLS_LOG_LEVEL: 'WARN',
    POWERTOOLS_METRICS_DISABLED: 'true',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
  const previous = new Map<string, string | undefined>();
  for (const key of [...Object.keys(env), 'AWS_SESSION_TOKEN', 'AWS_PROFILE']) previous.set(key, process.env[key]);
  applyAwsEnvironment(env);

  project.provide('localStack', {
    dynamodbEndpoint: stack.dynamodb.endpoint,
    motoEndpoint: stack.moto.endpoint,
    simulatorUrl: stack.simulator.endpoint,
    region: TEST_REGION,
    env,
  });

  return async () => {
    await stack.stopAll();
    for (const [key, value] of previous) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  };
}
