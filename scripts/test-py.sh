#!/usr/bin/env bash
# Python tests of the Garmin bridge (npm run test:py). Extra arguments go to pytest.
# The tests start their own DynamoDB Local / simulator through fixtures; they find them via
# DYNAMODB_LOCAL_DIR and REPO_ROOT.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

PY=.venv/bin/python
if [[ ! -x $PY ]]; then
  echo "test-py: $PY not found: run 'npm run setup' first" >&2
  exit 1
fi

export REPO_ROOT="$ROOT"
export DYNAMODB_LOCAL_DIR="$ROOT/.cache/dynamodb-local"
export PYTHONDONTWRITEBYTECODE=1

rc=0
"$PY" -m pytest python-layer/tests -q "$@" || rc=$?
if [[ $rc -eq 5 ]]; then
  echo "test-py: ERROR: pytest collected no tests (exit code 5)" >&2
  exit 1
fi
exit "$rc"
