#!/usr/bin/env bash
# Checks the layer built by build-layer.sh:
#   - x86_64: imports garminconnect, curl_cffi and fastjsonschema from dist/x86_64/python
#     ONLY, with a local Python 3.13 started isolated (-I: no PYTHON* env, no user site;
#     -S: no site-packages, so neither .venv's nor the base interpreter's packages can
#     stand in for a missing one; -I also ignores PYTHONPATH, hence the explicit
#     sys.path entry);
#   - every architecture: all native libraries are ELF files for that architecture;
#   - prints the unzipped and zipped size of each layer.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
cd "$HERE"
DIST="$HERE/dist"

fail() {
  echo "check-layer: FAIL: $*" >&2
  exit 1
}

# A Python 3.13, as the base interpreter (a venv's python would bring its site-packages).
is_313() { "$1" -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 13) else 1)' >/dev/null 2>&1; }
base_of() { "$1" -c 'import sys; print(getattr(sys, "_base_executable", "") or sys.executable)'; }
PY313=""
shopt -s nullglob
for cand in "$ROOT/.venv/bin/python" python3.13 "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.13*/bin/python /root/.pyenv/versions/3.13*/bin/python; do
  if is_313 "$cand"; then
    PY313=$(base_of "$cand")
    break
  fi
done
shopt -u nullglob
if [[ -z $PY313 ]] || ! is_313 "$PY313"; then fail "no local Python 3.13 found (.venv, python3.13, pyenv)"; fi

for arch in x86_64 arm64; do
  [[ -d $DIST/$arch/python && -f $DIST/layer-$arch.zip ]] || fail "dist/$arch missing: run npm run layer:build"
done

echo "check-layer: importing from dist/x86_64/python with $PY313 -I -S"
(cd "$DIST/x86_64" && "$PY313" -I -S -c '
import os, sys
layer = os.path.abspath("python")
sys.path.insert(0, layer)
assert not any("site-packages" in p for p in sys.path), sys.path
import garminconnect, curl_cffi, fastjsonschema
for mod in (garminconnect, curl_cffi, fastjsonschema):
    assert mod.__file__.startswith(layer + os.sep), (mod.__name__, mod.__file__)
from curl_cffi import requests as _requests  # loads the native libcurl-impersonate binding
print(garminconnect.__name__)
print("check-layer: garminconnect, curl_cffi and fastjsonschema import from the layer (curl_cffi %s)" % curl_cffi.__version__)
') || fail "imports from dist/x86_64/python failed"

# Native code must match the architecture (an x86_64 .so in the arm64 layer fails only in AWS).
"$PY313" -I -S - "$DIST" <<'PYEOF' || fail "native libraries of the wrong architecture"
import os
import sys

dist = sys.argv[1]
want = {"x86_64": 0x3E, "arm64": 0xB7}  # ELF e_machine: EM_X86_64, EM_AARCH64
bad = []
for arch, machine in want.items():
    count = 0
    for dirpath, _, files in os.walk(os.path.join(dist, arch, "python")):
        for name in files:
            if not (name.endswith(".so") or ".so." in name):
                continue
            path = os.path.join(dirpath, name)
            with open(path, "rb") as f:
                head = f.read(20)
            if head[:4] != b"\x7fELF":
                continue
            count += 1
            if int.from_bytes(head[18:20], "little") != machine:
                bad.append(os.path.relpath(path, dist))
    print(f"check-layer: {arch}: {count} native libraries checked")
if bad:
    print("wrong architecture:", *bad, sep="\n  ", file=sys.stderr)
    sys.exit(1)
PYEOF

echo "check-layer: sizes (Lambda limits: 250 MB unzipped for function + layers, 50 MB zipped upload)"
for arch in x86_64 arm64; do
  unzipped=$(du -sb "$DIST/$arch/python" | cut -f1)
  zipped=$(stat -c %s "$DIST/layer-$arch.zip")
  awk -v a="$arch" -v u="$unzipped" -v z="$zipped" \
    'BEGIN { printf "check-layer:   %-7s unzipped %6.1f MB  zipped %6.1f MB\n", a, u / 1e6, z / 1e6 }'
done
echo "check-layer: ok"
