/**
 * Builds the bridge's Python layer on this machine (no Docker): pip installs the pinned
 * requirements as manylinux aarch64 wheels for CPython 3.13 into `<out>/python`, then
 * copies the garmin_bridge package beside them. Same flags as python-layer/build-layer.sh
 * (the script the bridge's own checks use); wheels are picked by platform tag, so any
 * host can build for Lambda's arm64, and nothing is compiled.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { ILocalBundling } from 'aws-cdk-lib';

export const LAYER_PYTHON_VERSION = '3.13';
/** Lambda's python3.13 runtime is Amazon Linux 2023 (glibc 2.34): any of these tags runs there. */
const PLATFORM_TAGS = ['manylinux2014', 'manylinux_2_17', 'manylinux_2_28', 'manylinux_2_34'];
const MIN_MINOR = 12;

/**
 * What the build depends on besides python-layer/'s files: part of the layer's asset hash,
 * so changing a flag here publishes a new layer version even if no source file changed.
 */
export const layerBuildFingerprint = (architecture: string): string =>
  JSON.stringify({ v: 1, architecture, python: LAYER_PYTHON_VERSION, platforms: PLATFORM_TAGS });

export interface PythonLayerBundlingOptions {
  /** python-layer/ */
  sourceDir: string;
  /** Lambda's name for the machine: arm64 → aarch64 wheels. */
  architecture: 'arm64' | 'x86_64';
  /** Interpreter to run pip with; else the first usable of `candidates`. */
  python?: string;
  candidates: string[];
}

const minorOf = (python: string): number | undefined => {
  const probe = spawnSync(python, ['-c', 'import sys, pip; print(sys.version_info[0] * 100 + sys.version_info[1])'], {
    encoding: 'utf8',
  });
  if (probe.status !== 0) return undefined;
  const value = Number(probe.stdout.trim());
  return Number.isFinite(value) ? value : undefined;
};

/** The first interpreter that runs, is Python >= 3.12 and has pip. */
export const findPython = (candidates: string[]): { python: string; minor: number } | undefined => {
  for (const python of candidates) {
    const version = minorOf(python);
    if (version !== undefined && version >= 300 + MIN_MINOR) return { python, minor: version - 300 };
  }
  return undefined;
};

export class PythonLayerBundling implements ILocalBundling {
  constructor(private readonly options: PythonLayerBundlingOptions) {}

  tryBundle(outputDir: string): boolean {
    const { sourceDir, architecture } = this.options;
    const candidates = this.options.python ? [this.options.python] : this.options.candidates;
    const found = findPython(candidates);
    if (!found) {
      // Failing here (instead of returning false) keeps CDK from trying Docker, which the
      // build machines do not have; the message says what to do instead.
      throw new Error(
        `python layer: no Python >= 3.${MIN_MINOR} with pip found (tried ${candidates.join(', ')}). ` +
          'Run `bash scripts/setup.sh` (creates .venv), set PYTHON=/path/to/python3.13, ' +
          'or synth with `-c skipLayerBuild=true` for a template without the real layer.',
      );
    }
    const machine = architecture === 'arm64' ? 'aarch64' : 'x86_64';
    const target = join(outputDir, 'python');
    const args = [
      '-m', 'pip', 'install', '--quiet', '--no-input', '--disable-pip-version-check',
      ...PLATFORM_TAGS.flatMap((tag) => ['--platform', `${tag}_${machine}`]),
      '--implementation', 'cp',
      '--python-version', LAYER_PYTHON_VERSION,
      '--only-binary=:all:',
      '--no-compile',
      '--target', target,
      '-r', join(sourceDir, 'requirements.txt'),
    ];
    process.stderr.write(`python layer: pip install (${architecture}, CPython ${LAYER_PYTHON_VERSION}) with ${found.python}\n`);
    try {
      execFileSync(found.python, args, { stdio: ['ignore', 'inherit', 'inherit'] });
    } catch (error) {
      // Offline (or PyPI unreachable) pip fails after its own retries; say what works without it.
      throw new Error(
        `python layer: pip could not install python-layer/requirements.txt (${error instanceof Error ? error.message.split('\n')[0] : String(error)}). ` +
          'The layer needs PyPI; without network, synth with `-c skipLayerBuild=true` for a template with a placeholder layer (not deployable).',
      );
    }
    // Console scripts carry this machine's interpreter path; the runtime has no use for them.
    rmSync(join(target, 'bin'), { recursive: true, force: true });
    cpSync(join(sourceDir, 'garmin_bridge'), join(target, 'garmin_bridge'), {
      recursive: true,
      filter: (path) => !path.includes('__pycache__') && !path.endsWith('.pyc'),
    });
    if (!existsSync(join(target, 'garmin_bridge', 'lambda_handler.py'))) {
      throw new Error('python layer: garmin_bridge/lambda_handler.py missing after the copy');
    }
    // /opt is read-only in Lambda, so bytecode is compiled at every cold start unless the
    // layer ships it. Only a 3.13 interpreter writes 3.13 bytecode; `unchecked-hash`
    // keeps it valid whatever the file times in the zip.
    if (found.minor === Number(LAYER_PYTHON_VERSION.split('.')[1])) {
      execFileSync(found.python, ['-m', 'compileall', '-q', '-j', '0', '--invalidation-mode', 'unchecked-hash', target], {
        stdio: ['ignore', 'ignore', 'inherit'],
      });
    } else {
      process.stderr.write(`python layer: ${found.python} is not Python ${LAYER_PYTHON_VERSION}: layer ships without .pyc\n`);
    }
    return true;
  }
}
