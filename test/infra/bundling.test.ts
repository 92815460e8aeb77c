/**
 * The real esbuild bundles (what `npx cdk synth` uploads): every function entry bundles
 * with the stack's options (ESM, minified, source maps, AWS SDK included), and each
 * bundle loads in a plain Node process and exports `handler`. No network, ~5 s.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { App, type CfnResource, Stack, aws_logs as logs } from 'aws-cdk-lib';
import { beforeAll, describe, expect, it } from 'vitest';
import { TsFunction, handlerEntry } from '../../infra/constructs/ts-function';
import { REPO_ROOT } from '../../infra/paths';

const ENTRIES: Record<string, string> = {
  connect: handlerEntry('connect'),
  'connect-worker': handlerEntry('connect-worker'),
  sync: handlerEntry('sync'),
  'sync-worker': handlerEntry('sync-worker'),
  dispatch: handlerEntry('dispatch'),
  read: handlerEntry('read'),
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
    // Minified, SDK included, still far below Lambda's 50 MB zipped / 250 MB unzipped.
    expect(statSync(code).size).toBeLessThan(5_000_000);
    const loaded = execFileSync(
      process.execPath,
      ['--input-type=module', '-e', `const m = await import(${JSON.stringify(pathToFileURL(code).href)}); console.log(typeof m.handler);`],
      // A region keeps SDK clients built at import time quiet; no call is made.
      { env: { PATH: process.env.PATH, AWS_REGION: 'eu-west-1' }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] },
    );
    expect(loaded.trim()).toBe('function');
  });
});
