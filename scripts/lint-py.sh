#!/usr/bin/env bash
# Lint, format check and strict typing of python-layer/ (configuration: python-layer/pyproject.toml).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

if [[ ! -x .venv/bin/ruff ]]; then
  echo "lint-py: .venv/bin/ruff not found: run 'npm run setup' first" >&2
  exit 1
fi
.venv/bin/ruff check python-layer
.venv/bin/ruff format --check python-layer
# The Schemathesis hooks (test/schemathesis), under the bridge's rules.
.venv/bin/ruff check --config python-layer/pyproject.toml test/schemathesis
.venv/bin/ruff format --config python-layer/pyproject.toml --check test/schemathesis
(cd python-layer && ../.venv/bin/python -m mypy)
