/**
 * The real esbuild bundles (what `npx cdk synth` uploads): every function entry bundles
 * with the stack's options (ESM, minified, source maps, credentials from the environment
 * only, no AWS SDK client in the API's and the schedule's functions), and each bundle loads
 * in a plain Node process and exports `handler`. No network, ~5 s. Sizes and load times are the benchmark's (scripts/bench/static.ts).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { App, type CfnResource, Stack, aws_logs as logs } from 'aws-cdk-lib';
import { beforeAll, describe, expect, it } from 'vitest';
import { TsFunction, handlerEntry } from '../../infra/constructs/ts-function';
import { defaultProvider } from '../../infra/lambda-credentials';
import { REPO_ROOT } from '../../infra/paths';

const ENTRIES: Record<string, string> = {
  connect: handlerEntry('connect'),
  'connect-worker': handlerEntry('connect-worker'),
  sync: handlerEntry('sync'),
  'sync-worker': handlerEntry('sync-worker'),
  dispatch: handlerEntry('dispatch'),
  read: handlerEntry('read'),
  'deliver-events': handlerEntry('deliver-events'),
  'keyring-init': join(REPO_ROOT, 'infra', 'keyring-init', 'handler.ts'),
};

const bundles = new Map<string, string>();

beforeAll(() => {
  const outdir = mkdtempSync(join(tmpdir(), 'garmin-sync-bundles-'));
  const app = new App({ outdir, builtinCloudFormationValidation: false, context: { 'aws:cdk:enable-asset-metadata': true } });
  const stack = new Stack(app, 'Bundles');
  const functions = Object.entries(ENTRIES).map(([name, entry]) => [
    name,
    new TsFunction(stack, name, {
      entry,
      name,
      description: name,
      timeoutSeconds: 10,
      memoryMb: 256,
      environment: {},
      logRetention: logs.RetentionDays.ONE_DAY,
    }),
  ] as const);
  app.synth();
  for (const [name, fn] of functions) {
    const assetPath = (fn.fn.node.defaultChild as CfnResource).getMetadata('aws:asset:path') as string;
    bundles.set(name, join(outdir, assetPath));
  }
}, 120_000);

describe('function bundles', () => {
  it.each(Object.keys(ENTRIES))('%s: one minified ESM file with its source map, loads and exports handler', (name) => {
    const dir = bundles.get(name)!;
    const code = join(dir, 'index.mjs');
    expect(existsSync(code)).toBe(true);
    expect(existsSync(`${code}.map`)).toBe(true);
    // Minified, still far below Lambda's 50 MB zipped / 250 MB unzipped.
    expect(statSync(code).size).toBeLessThan(5_000_000);
    const loaded = execFileSync(
      process.execPath,
      ['--input-type=module', '-e', `const m = await import(${JSON.stringify(pathToFileURL(code).href)}); console.log(typeof m.handler);`],
      // A region keeps SDK clients built at import time quiet; no call is made.
      { env: { PATH: process.env.PATH, AWS_REGION: 'eu-west-1' }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] },
    );
    expect(loaded.trim()).toBe('function');
  });

  it.each(Object.keys(ENTRIES))('%s: only the environment credentials of a Lambda function, no default chain', (name) => {
    const code = readFileSync(join(bundles.get(name)!, 'index.mjs'), 'utf8');
    // Markers of the chain's nested clients (SSO, STS web identity); each is in a bundle built with the default chain.
    for (const marker of ['sso-oidc', 'AssumeRoleWithWebIdentity']) expect(code).not.toContain(marker);
  });

  it.each(Object.keys(ENTRIES))('%s: zod/mini alone, with the English messages the API answers bad input with', (name) => {
    const code = readFileSync(join(bundles.get(name)!, 'index.mjs'), 'utf8');
    // Classic zod beside mini brings its ~100 KB back; the locale is a side effect a bundler drops
    // unless package.json's sideEffects keeps functions/core/shared/zod.ts.
    // Booleans, so that a failure does not print the whole bundle.
    expect(code.includes('"ZodMiniObject"'), 'zod/mini').toBe(true);
    expect(code.includes('"ZodObject"'), 'classic zod').toBe(false);
    expect(code.includes('Too small: expected'), "zod's English messages").toBe(true);
  });

  // The deploy-time keyring-init keeps the Secrets Manager client: it runs once per deployment.
  it.each(Object.keys(ENTRIES).filter((name) => name !== 'keyring-init'))('%s: no AWS SDK client, its calls are signed calls (functions/adapters/aws)', (name) => {
    const code = readFileSync(join(bundles.get(name)!, 'index.mjs'), 'utf8');
    // Every SDK v3 client has a middleware stack and sends its user agent header; the signed calls have neither.
    for (const marker of ['middlewareStack', 'x-amz-user-agent']) expect(code).not.toContain(marker);
  });
});

describe('the credentials bundled in place of the default chain', () => {
  const withEnv = async (env: Record<string, string | undefined>) => {
    const saved = { ...process.env };
    Object.assign(process.env, env);
    for (const [key, value] of Object.entries(env)) if (value === undefined) delete process.env[key];
    try {
      return await defaultProvider()();
    } finally {
      process.env = saved;
    }
  };

  it('are the role credentials Lambda puts in the environment', async () => {
    await expect(withEnv({ AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'secret', AWS_SESSION_TOKEN: 'token' })).resolves.toEqual({
      accessKeyId: 'AKIDEXAMPLE',
      secretAccessKey: 'secret',
      sessionToken: 'token',
    });
  });

  it('fail clearly without them, naming no value', async () => {
    await expect(withEnv({ AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: undefined })).rejects.toThrow(/AWS_SECRET_ACCESS_KEY are not set/);
  });
});
