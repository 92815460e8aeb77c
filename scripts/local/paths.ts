/**
 * Repo-relative locations of the local toolchain that scripts/setup.sh installs.
 * Single source of truth for the TypeScript side (emulators, tests, tools); the shell
 * scripts (setup.sh, test-py.sh) use the same literal paths.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Absolute path of the repository root (this file lives in scripts/local/). */
export const REPO_ROOT: string = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Paths relative to the repository root. */
export const REL_PATHS = {
  venv: '.venv',
  venvPython: '.venv/bin/python',
  motoServer: '.venv/bin/moto_server',
  dynamoDbLocalDir: '.cache/dynamodb-local',
  dynamoDbLocalLib: '.cache/dynamodb-local/lib',
  dynamoDbLocalPom: 'scripts/dynamodb-local/pom.xml',
  elasticMqDir: '.cache/elasticmq',
  elasticMqLib: '.cache/elasticmq/lib',
  tsx: 'node_modules/.bin/tsx',
  simulatorMain: 'test/simulator/main.ts',
  pythonLayer: 'python-layer',
} as const;

export type PathKey = keyof typeof REL_PATHS;

/** Absolute path of a repo-relative path. */
export function repoPath(rel: string): string {
  return path.resolve(REPO_ROOT, rel);
}

/** Absolute versions of REL_PATHS. */
export const PATHS: { readonly [K in PathKey]: string } = Object.fromEntries(
  Object.entries(REL_PATHS).map(([key, rel]) => [key, repoPath(rel)]),
) as { [K in PathKey]: string };

/**
 * Main class of DynamoDB Local 3.x (software.amazon.dynamodb:DynamoDBLocal, see
 * scripts/dynamodb-local/pom.xml). 2.x used com.amazonaws.services.dynamodbv2.local.main.ServerRunner.
 */
export const DYNAMODB_LOCAL_MAIN_CLASS = 'software.amazon.dynamodb.services.local.main.ServerRunner';

/** Main class of ElasticMQ's server (org.elasticmq:elasticmq-server_2.13, see scripts/elasticmq/pom.xml). */
export const ELASTICMQ_MAIN_CLASS = 'org.elasticmq.server.Main';
