/**
 * How every TypeScript function is bundled, as plain esbuild options: the stack
 * (constructs/ts-function.ts) and the benchmark (scripts/bench/static.ts) both build from
 * these, and this module loads no aws-cdk-lib so the benchmark stays light.
 */
import { join } from 'node:path';
import { REPO_ROOT } from './paths';

/**
 * ESM output: smaller and tree-shaken. Some dependencies are CommonJS that `require()`
 * Node built-ins; esbuild's ESM wrapper needs a real `require` for those.
 */
export const ESM_REQUIRE_SHIM = "import{createRequire as __cjsRequire}from'node:module';const require=__cjsRequire(import.meta.url);";

/**
 * The SDK's default credential chain (env, SSO, ini files, process, web identity, container,
 * instance metadata) brings ~130 KB of nested STS/SSO/sign-in clients into every bundle. A
 * Lambda function always gets its role's credentials in the environment, so the bundles
 * resolve `@aws-sdk/credential-provider-node` to a provider of those alone, for the signed
 * DynamoDB, Secrets Manager, Lambda and SQS calls (functions/adapters/aws/signed-call.ts),
 * which import it by that name.
 */
export const LAMBDA_CREDENTIALS_MODULE = join(REPO_ROOT, 'infra', 'lambda-credentials.ts');

export const BUNDLE_OPTIONS = {
  format: 'esm',
  target: 'node22',
  mainFields: ['module', 'main'],
  banner: ESM_REQUIRE_SHIM,
  minify: true,
  // The map beside the bundle (index.mjs.map), not inside it, and not loaded by the function:
  // `--enable-source-maps` parses the whole ~1 MB map at every cold start (+20% import time,
  // measured by the benchmark's A/B); a logged stack trace is mapped with this file instead.
  sourcemap: 'linked',
  sourcesContent: false,
  alias: { '@aws-sdk/credential-provider-node': LAMBDA_CREDENTIALS_MODULE },
} as const;
