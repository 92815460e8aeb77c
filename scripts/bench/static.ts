/**
 * What does not need the emulators: each handler's bundle (esbuild with the stack's options,
 * infra/bundling.ts), what is in it, how long a fresh `node` takes to import it as deployed
 * (the cold-start share that is ours), and how
 * long a fresh Python takes to import the bridge's Lambda handler.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { BUNDLE_OPTIONS } from '../../infra/bundling';
import { PATHS, REPO_ROOT } from '../local/paths';

export interface BundleResult {
  handler: string;
  bytes: number;
  gzipBytes: number;
  /** Median over the runs: `await import(bundle)` inside a fresh node process. */
  importMs: number;
  /** Median over the runs: the whole `node` process, start to exit. */
  processMs: number;
  /** The largest contributors to the minified bundle: npm package or source folder, KB, largest first. */
  contents: { from: string; kb: number }[];
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

/** Bytes in the output per npm package (node_modules/<pkg>) or per source folder (two levels deep). */
const bundleContents = (inputs: Record<string, { bytesInOutput: number }>, top = 6): BundleResult['contents'] => {
  const bytes = new Map<string, number>();
  for (const [file, { bytesInOutput }] of Object.entries(inputs)) {
    const from = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file)?.[1] ?? file.split('/').slice(0, 2).join('/');
    bytes.set(from, (bytes.get(from) ?? 0) + bytesInOutput);
  }
  return [...bytes]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([from, n]) => ({ from, kb: Math.round(n / 1024) }));
};

export const measureBundles = async (runs = 5): Promise<BundleResult[]> => {
  const handlersDir = path.join(REPO_ROOT, 'functions', 'handlers');
  const out = mkdtempSync(path.join(tmpdir(), 'bench-bundles-'));
  const loader = path.join(out, 'load.mjs');
  writeFileSync(loader, 'const t = performance.now(); await import(process.argv[2]); process.stdout.write(String(performance.now() - t));\n');
  const results: BundleResult[] = [];
  try {
    // The functions' entries: the modules that export a Lambda `handler` (write.ts holds routes the sync function serves).
    const handlers = readdirSync(handlersDir)
      .filter((f) => f.endsWith('.ts') && /^export const handler\b/m.test(readFileSync(path.join(handlersDir, f), 'utf8')))
      .sort();
    for (const file of handlers) {
      const name = file.replace(/\.ts$/, '');
      const outfile = path.join(out, `${name}.mjs`);
      const { banner, mainFields, alias, ...options } = BUNDLE_OPTIONS;
      const built = await build({
        ...options,
        entryPoints: [path.join(handlersDir, file)],
        outfile,
        bundle: true,
        platform: 'node',
        mainFields: [...mainFields],
        banner: { js: banner },
        alias: { ...alias },
        metafile: true,
        tsconfig: path.join(REPO_ROOT, 'tsconfig.json'),
        logLevel: 'error',
      });
      const code = readFileSync(outfile);
      const imports: number[] = [];
      const processes: number[] = [];
      // The bundle is self-contained: no environment, no node_modules needed to import it.
      // As deployed: no NODE_OPTIONS (the map is not loaded, infra/bundling.ts).
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
        contents: bundleContents(Object.values(built.metafile.outputs).find((o) => o.entryPoint)?.inputs ?? {}),
      });
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
  return results;
};

/**
 * The bridge as the layer ships it (python-layer/build-layer.sh, infra/constructs/layer-bundling.ts):
 * garmin_bridge compiled to .pyc beside its sources. Imported from the source tree instead, each
 * fresh interpreter would compile its modules again (PYTHONDONTWRITEBYTECODE), ~20 ms a deployed
 * cold start never pays.
 */
export const measureBridgeImport = (runs = 5): BridgeImportResult => {
  const python = PATHS.venvPython;
  const cwd = mkdtempSync(path.join(tmpdir(), 'bench-bridge-'));
  const env = { ...process.env, PYTHONDONTWRITEBYTECODE: '1' };
  const importtimes: number[] = [];
  const imports: number[] = [];
  const processes: number[] = [];
  try {
    const source = path.join(PATHS.pythonLayer, 'garmin_bridge');
    cpSync(source, path.join(cwd, 'garmin_bridge'), { recursive: true, filter: (file) => !file.includes('__pycache__') && !file.endsWith('.pyc') });
    timed(python, ['-m', 'compileall', '-q', '--invalidation-mode', 'unchecked-hash', cwd], { cwd });
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
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
  return { importtimeMs: median(importtimes), importMs: median(imports), processMs: median(processes) };
};
