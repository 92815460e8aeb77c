/**
 * What does not need the emulators: each handler's bundle (esbuild, as the CDK stack bundles
 * it: ESM, node22, minified), how long a fresh `node` takes to import it (the cold-start
 * share that is ours), and how long a fresh Python takes to import the bridge's Lambda handler.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { PATHS, REPO_ROOT } from '../local/paths';

/** infra/constructs/ts-function.ts BUNDLING, restated (importing it would load aws-cdk-lib). */
const ESM_REQUIRE_SHIM = "import{createRequire as __cjsRequire}from'node:module';const require=__cjsRequire(import.meta.url);";

export interface BundleResult {
  handler: string;
  bytes: number;
  gzipBytes: number;
  /** Median over the runs: `await import(bundle)` inside a fresh node process. */
  importMs: number;
  /** Median over the runs: the whole `node` process, start to exit. */
  processMs: number;
}

export interface BridgeImportResult {
  /** python -X importtime: cumulative µs of garmin_bridge.lambda_handler, as ms (median). */
  importtimeMs: number;
  /** Median wall time of `import garmin_bridge.lambda_handler` in a fresh interpreter. */
  importMs: number;
  /** Median of the whole `python -c 'import …'` process. */
  processMs: number;
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
};

const timed = (command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}) => {
  const started = performance.now();
  const result = spawnSync(command, args, { encoding: 'utf8', cwd: options.cwd ?? REPO_ROOT, env: options.env ?? process.env });
  const ms = performance.now() - started;
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed: ${result.stderr}`);
  return { ms, stdout: result.stdout, stderr: result.stderr };
};

export const measureBundles = async (runs = 5): Promise<BundleResult[]> => {
  const handlersDir = path.join(REPO_ROOT, 'functions', 'handlers');
  const out = mkdtempSync(path.join(tmpdir(), 'bench-bundles-'));
  const loader = path.join(out, 'load.mjs');
  writeFileSync(loader, 'const t = performance.now(); await import(process.argv[2]); process.stdout.write(String(performance.now() - t));\n');
  const results: BundleResult[] = [];
  try {
    const handlers = readdirSync(handlersDir).filter((f) => f.endsWith('.ts')).sort();
    for (const file of handlers) {
      const name = file.replace(/\.ts$/, '');
      const outfile = path.join(out, `${name}.mjs`);
      await build({
        entryPoints: [path.join(handlersDir, file)],
        outfile,
        bundle: true,
        platform: 'node',
        format: 'esm',
        target: 'node22',
        mainFields: ['module', 'main'],
        banner: { js: ESM_REQUIRE_SHIM },
        minify: true,
        sourcemap: true,
        sourcesContent: false,
        tsconfig: path.join(REPO_ROOT, 'tsconfig.json'),
        logLevel: 'error',
      });
      const code = readFileSync(outfile);
      const imports: number[] = [];
      const processes: number[] = [];
      // The bundle is self-contained: no environment, no node_modules needed to import it.
      const env = { PATH: process.env.PATH ?? '', AWS_REGION: 'eu-west-1', POWERTOOLS_METRICS_DISABLED: 'true' };
      for (let i = 0; i < runs; i++) {
        const run = timed(process.execPath, [loader, outfile], { cwd: out, env });
        imports.push(Number(run.stdout));
        processes.push(run.ms);
      }
      results.push({
        handler: name,
        bytes: statSync(outfile).size,
        gzipBytes: gzipSync(code).length,
        importMs: median(imports),
        processMs: median(processes),
      });
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
  return results;
};

export const measureBridgeImport = (runs = 5): BridgeImportResult => {
  const python = PATHS.venvPython;
  const cwd = PATHS.pythonLayer;
  const env = { ...process.env, PYTHONDONTWRITEBYTECODE: '1' };
  const importtimes: number[] = [];
  const imports: number[] = [];
  const processes: number[] = [];
  for (let i = 0; i < runs; i++) {
    const it = timed(python, ['-X', 'importtime', '-c', 'import garmin_bridge.lambda_handler'], { cwd, env });
    const line = it.stderr.split('\n').find((l) => /\|\s*garmin_bridge\.lambda_handler\s*$/.test(l));
    const cumulative = line ? Number(line.split('|')[1]?.trim()) : Number.NaN;
    importtimes.push(cumulative / 1000);
    const wall = timed(
      python,
      ['-c', 'import time; t = time.perf_counter(); import garmin_bridge.lambda_handler; print((time.perf_counter() - t) * 1000)'],
      { cwd, env },
    );
    imports.push(Number(wall.stdout.trim()));
    processes.push(wall.ms);
  }
  return { importtimeMs: median(importtimes), importMs: median(imports), processMs: median(processes) };
};
