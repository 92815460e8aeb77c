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
(cd python-layer && ../.venv/bin/python -m mypy)
