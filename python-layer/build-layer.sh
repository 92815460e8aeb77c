#!/usr/bin/env bash
# Builds the Lambda layer of the Garmin bridge for the python3.13 runtime, for both
# architectures (npm run layer:build):
#
#   python-layer/dist/<arch>/python/   requirements.txt (manylinux wheels only) + garmin_bridge/
#   python-layer/dist/layer-<arch>.zip that directory, zipped (python/... at the top)
#
# <arch> is x86_64 or arm64 (Lambda's names). Wheels are picked by platform tag, so both
# are built on any machine; nothing is compiled. The zips are reproducible (sorted entries,
# fixed timestamps; .pyc in unchecked-hash mode), so an unchanged layer keeps its hash.
# Usage: build-layer.sh [x86_64|arm64 ...]   (default: both)
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
cd "$HERE"

PY="$ROOT/.venv/bin/python"
[[ -x $PY ]] || {
  echo "build-layer: $PY not found: run 'npm run setup' first" >&2
  exit 1
}
PY_MINOR=$("$PY" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
TARGET_PYTHON=3.13
DIST="$HERE/dist"
ARCHS=("$@")
((${#ARCHS[@]})) || ARCHS=(x86_64 arm64)

log() { printf 'build-layer: %s\n' "$*"; }

for arch in "${ARCHS[@]}"; do
  case $arch in
  x86_64) machine=x86_64 ;;
  arm64) machine=aarch64 ;;
  *)
    echo "build-layer: unknown architecture '$arch' (x86_64 or arm64)" >&2
    exit 1
    ;;
  esac
  # The python3.13 runtime runs on Amazon Linux 2023 (glibc 2.34): any of these tags will do.
  platforms=()
  for tag in manylinux2014 manylinux_2_17 manylinux_2_28 manylinux_2_34; do
    platforms+=(--platform "${tag}_${machine}")
  done

  out="$DIST/$arch"
  target="$out/python"
  log "$arch: installing requirements.txt into ${target#"$ROOT"/}"
  rm -rf "$out" "$DIST/layer-$arch.zip"
  mkdir -p "$target"
  PIP_DISABLE_PIP_VERSION_CHECK=1 "$PY" -m pip install --quiet --no-input \
    "${platforms[@]}" --implementation cp --python-version "$TARGET_PYTHON" \
    --only-binary=:all: --no-compile --target "$target" -r "$HERE/requirements.txt"
  # Console scripts carry this machine's interpreter path; the runtime has no use for them.
  rm -rf "${target:?}/bin"

  if [[ -d $HERE/garmin_bridge ]]; then
    tar -C "$HERE" --exclude=__pycache__ --exclude='*.pyc' -cf - garmin_bridge | tar -C "$target" -xf -
    log "$arch: added garmin_bridge/"
  else
    log "$arch: WARNING: $HERE/garmin_bridge not found; layer has the dependencies only"
  fi

  if [[ $PY_MINOR == "$TARGET_PYTHON" ]]; then
    # /opt is read-only in Lambda: ship bytecode. unchecked-hash: valid whatever the mtimes.
    "$PY" -m compileall -q -j 0 --invalidation-mode unchecked-hash "$target" >/dev/null
  else
    log "$arch: .venv is Python $PY_MINOR, not $TARGET_PYTHON: layer ships without .pyc"
  fi

  "$PY" - "$out" "$DIST/layer-$arch.zip" <<'PYEOF'
import os
import sys
import zipfile

src, dest = sys.argv[1], sys.argv[2]
paths = []
for dirpath, dirnames, filenames in os.walk(src):
    dirnames.sort()
    paths.extend(os.path.join(dirpath, name) for name in sorted(filenames))
tmp = dest + ".tmp"
with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
    for path in paths:
        info = zipfile.ZipInfo(os.path.relpath(path, src), date_time=(1980, 1, 1, 0, 0, 0))
        mode = 0o755 if os.access(path, os.X_OK) else 0o644
        info.external_attr = (0o100000 | mode) << 16
        info.compress_type = zipfile.ZIP_DEFLATED
        with open(path, "rb") as f:
            zf.writestr(info, f.read(), compresslevel=9)
os.replace(tmp, dest)
PYEOF
  log "$arch: wrote ${DIST#"$ROOT"/}/layer-$arch.zip ($(du -sh "$DIST/layer-$arch.zip" | cut -f1))"
done
