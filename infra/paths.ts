/** Repository paths, resolved from this file so synth works from any working directory. */
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const HANDLERS_DIR = join(REPO_ROOT, 'functions', 'handlers');
export const PYTHON_LAYER_DIR = join(REPO_ROOT, 'python-layer');
export const LOCK_FILE = join(REPO_ROOT, 'package-lock.json');
export const TSCONFIG = join(REPO_ROOT, 'tsconfig.json');
