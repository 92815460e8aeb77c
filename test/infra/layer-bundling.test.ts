/**
 * The bridge layer's local bundling, without pip or the network: a stand-in `python`
 * records how it is called and lays out what pip would, so the test checks the flags
 * (arm64 manylinux wheels for CPython 3.13, binary only), the layer's layout
 * (`python/…` + `python/garmin_bridge`) and the clean-ups.
 */
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { PythonLayerBundling, findPython } from '../../infra/constructs/layer-bundling';
import { PYTHON_LAYER_DIR } from '../../infra/paths';

let dir: string;
let calls: string;

/** A fake interpreter: answers the version probe with `minor`, fakes pip and compileall. */
const fakePython = (minor: number): string => {
  const path = join(dir, `python3.${minor}`);
  writeFileSync(
    path,
    `#!/usr/bin/env bash
echo "$*" >> ${JSON.stringify(calls)}
if [[ $1 == -c ]]; then echo ${300 + minor}; exit 0; fi
if [[ $1 == -m && $2 == pip ]]; then
  while [[ $# -gt 0 ]]; do if [[ $1 == --target ]]; then target=$2; fi; shift; done
  mkdir -p "$target/garminconnect" "$target/bin"
  touch "$target/garminconnect/__init__.py" "$target/bin/some-console-script"
  exit 0
fi
exit 0
`,
  );
  chmodSync(path, 0o755);
  return path;
};

const recorded = () => readFileSync(calls, 'utf8').trim().split('\n');

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'layer-bundling-'));
  calls = join(dir, 'calls.log');
});

describe('PythonLayerBundling', () => {
  it('pip installs arm64 manylinux wheels for CPython 3.13 and adds garmin_bridge', () => {
    const out = join(dir, 'out');
    mkdirSync(out);
    const bundling = new PythonLayerBundling({ sourceDir: PYTHON_LAYER_DIR, architecture: 'arm64', candidates: [fakePython(13)] });
    expect(bundling.tryBundle(out)).toBe(true);

    const pip = recorded().find((line) => line.startsWith('-m pip install'))!;
    for (const tag of ['manylinux2014', 'manylinux_2_17', 'manylinux_2_28', 'manylinux_2_34']) {
      expect(pip).toContain(`--platform ${tag}_aarch64`);
    }
    expect(pip).not.toContain('x86_64');
    expect(pip).toContain('--implementation cp');
    expect(pip).toContain('--python-version 3.13');
    expect(pip).toContain('--only-binary=:all:');
    expect(pip).toContain(`--target ${join(out, 'python')}`);
    expect(pip).toContain(`-r ${join(PYTHON_LAYER_DIR, 'requirements.txt')}`);

    expect(existsSync(join(out, 'python', 'garminconnect', '__init__.py'))).toBe(true);
    expect(existsSync(join(out, 'python', 'bin'))).toBe(false);
    expect(existsSync(join(out, 'python', 'garmin_bridge', 'lambda_handler.py'))).toBe(true);
    expect(existsSync(join(out, 'python', 'garmin_bridge', 'protocol.schema.json'))).toBe(true);
    expect(existsSync(join(out, 'python', 'garmin_bridge', '__pycache__'))).toBe(false);
    // A 3.13 interpreter also ships the bytecode (/opt is read-only in Lambda).
    expect(recorded().some((line) => line.startsWith('-m compileall') && line.includes('unchecked-hash'))).toBe(true);
  });

  it('an older (>= 3.12) interpreter still builds the layer, without bytecode', () => {
    const out = join(dir, 'out');
    mkdirSync(out);
    new PythonLayerBundling({ sourceDir: PYTHON_LAYER_DIR, architecture: 'arm64', candidates: [fakePython(12)] }).tryBundle(out);
    expect(recorded().some((line) => line.startsWith('-m compileall'))).toBe(false);
    expect(existsSync(join(out, 'python', 'garmin_bridge', 'lambda_handler.py'))).toBe(true);
  });

  it('fails with what to do when there is no usable Python (never falls back to Docker)', () => {
    const bundling = new PythonLayerBundling({
      sourceDir: PYTHON_LAYER_DIR,
      architecture: 'arm64',
      candidates: [join(dir, 'missing-python'), fakePython(11)],
    });
    expect(() => bundling.tryBundle(join(dir, 'out'))).toThrow(/scripts\/setup\.sh.*skipLayerBuild=true/s);
  });

  it('names the offline flag when pip cannot reach PyPI', () => {
    const offline = join(dir, 'python3.13-offline');
    // Answers the version probe; pip fails as it does without network.
    writeFileSync(offline, '#!/usr/bin/env bash\nif [[ $1 == -c ]]; then echo 313; exit 0; fi\necho "ERROR: Could not find a version that satisfies the requirement" >&2\nexit 1\n');
    chmodSync(offline, 0o755);
    const bundling = new PythonLayerBundling({ sourceDir: PYTHON_LAYER_DIR, architecture: 'arm64', candidates: [offline] });
    expect(() => bundling.tryBundle(join(dir, 'out'))).toThrow(/pip could not install.*-c skipLayerBuild=true/s);
  });
});

describe('findPython', () => {
  it('takes the first interpreter that is >= 3.12', () => {
    const old = fakePython(11);
    const good = fakePython(13);
    expect(findPython([join(dir, 'nope'), old, good])).toEqual({ python: good, minor: 13 });
    expect(findPython([old])).toBeUndefined();
  });
});
