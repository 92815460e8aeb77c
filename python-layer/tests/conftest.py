"""Fixtures: the real emulators (DynamoDB Local, the Garmin simulator) started through
the project's own launcher, and the real bridge as a long-lived stdio process."""

import itertools
import json
import os
import subprocess
import threading
import uuid
from collections.abc import Iterator
from concurrent.futures import Future
from pathlib import Path
from typing import IO, Any

import boto3
import pytest

from tests.simulator import Simulator

REPO_ROOT = Path(__file__).resolve().parents[2]
LAYER_DIR = REPO_ROOT / "python-layer"
TSX = REPO_ROOT / "node_modules" / ".bin" / "tsx"


class Emulator:
    """One emulator run by scripts/local/run-emulator.ts; it stops when stdin closes."""

    def __init__(self, name: str) -> None:
        self._proc = subprocess.Popen(
            [str(TSX), "scripts/local/run-emulator.ts", name],
            cwd=REPO_ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self._proc.stdout is not None
        line = self._proc.stdout.readline()
        if not line:
            raise RuntimeError(f"emulator {name} did not start")
        self.endpoint: str = json.loads(line)["endpoint"]

    def stop(self) -> None:
        assert self._proc.stdin is not None
        self._proc.stdin.close()
        self._proc.wait(timeout=30)


@pytest.fixture(scope="session")
def dynamodb_endpoint() -> Iterator[str]:
    emulator = Emulator("dynamodb")
    yield emulator.endpoint
    emulator.stop()


@pytest.fixture(scope="session")
def simulator() -> Iterator[Simulator]:
    emulator = Emulator("simulator")
    yield Simulator(emulator.endpoint)
    emulator.stop()


@pytest.fixture(autouse=False)
def sim(simulator: Simulator) -> Simulator:
    simulator.reset()
    return simulator


AWS_ENV = {
    "AWS_REGION": "eu-west-1",
    "AWS_DEFAULT_REGION": "eu-west-1",
    "AWS_ACCESS_KEY_ID": "local",
    "AWS_SECRET_ACCESS_KEY": "local",
}


@pytest.fixture(scope="session")
def attempts_table(dynamodb_endpoint: str) -> str:
    """The attempts table as the TypeScript side defines it (keys from the schema)."""
    name = f"attempts-{uuid.uuid4().hex[:8]}"
    ddb = boto3.client("dynamodb", endpoint_url=dynamodb_endpoint, **_boto_args())
    ddb.create_table(
        TableName=name,
        AttributeDefinitions=[
            {"AttributeName": "user_id", "AttributeType": "S"},
            {"AttributeName": "attempt_id", "AttributeType": "S"},
        ],
        KeySchema=[
            {"AttributeName": "user_id", "KeyType": "HASH"},
            {"AttributeName": "attempt_id", "KeyType": "RANGE"},
        ],
        BillingMode="PAY_PER_REQUEST",
    )
    return name


def _boto_args() -> dict[str, str]:
    return {
        "region_name": AWS_ENV["AWS_REGION"],
        "aws_access_key_id": AWS_ENV["AWS_ACCESS_KEY_ID"],
        "aws_secret_access_key": AWS_ENV["AWS_SECRET_ACCESS_KEY"],
    }


@pytest.fixture(scope="session")
def ddb(dynamodb_endpoint: str) -> Any:
    return boto3.client("dynamodb", endpoint_url=dynamodb_endpoint, **_boto_args())


class BridgeProcess:
    """The real bridge: ``python -m garmin_bridge serve``, JSON lines over stdio."""

    def __init__(self, env: dict[str, str], stderr_path: Path) -> None:
        self._stderr: IO[str] = stderr_path.open("w")
        self._proc = subprocess.Popen(
            [
                os.environ.get("BRIDGE_PYTHON", _venv_python()),
                "-m",
                "garmin_bridge",
                "serve",
            ],
            cwd=LAYER_DIR,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            text=True,
        )
        self._ids = itertools.count(1)
        self._pending: dict[str, Future[dict[str, Any]]] = {}
        self._lock = threading.Lock()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self._proc.stdout is not None
        for line in self._proc.stdout:
            response = json.loads(line)
            with self._lock:
                future = self._pending.pop(response["id"], None)
            if future is not None:
                future.set_result(response)

    def submit(self, request: dict[str, Any]) -> "Future[dict[str, Any]]":
        request_id = f"t{next(self._ids)}"
        future: Future[dict[str, Any]] = Future()
        with self._lock:
            self._pending[request_id] = future
        assert self._proc.stdin is not None
        self._proc.stdin.write(json.dumps({**request, "id": request_id}) + "\n")
        self._proc.stdin.flush()
        return future

    def call(self, request: dict[str, Any], timeout: float = 60) -> dict[str, Any]:
        return self.submit(request).result(timeout=timeout)

    def close(self) -> int:
        assert self._proc.stdin is not None
        self._proc.stdin.close()
        code = self._proc.wait(timeout=30)
        self._stderr.close()
        return code


def _venv_python() -> str:
    return str(REPO_ROOT / ".venv" / "bin" / "python")


@pytest.fixture(scope="session")
def bridge_log(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("bridge") / "stderr.jsonl"


@pytest.fixture(scope="session")
def bridge(
    simulator: Simulator, dynamodb_endpoint: str, attempts_table: str, bridge_log: Path
) -> Iterator[BridgeProcess]:
    env = {
        **os.environ,
        **AWS_ENV,
        "GARMIN_BASE_URL": simulator.url,
        "AWS_ENDPOINT_URL_DYNAMODB": dynamodb_endpoint,
        "ATTEMPTS_TABLE": attempts_table,
        "LOG_LEVEL": "DEBUG",
        "GARMIN_RETRY_MIN_WAIT": "0.05",
        "GARMIN_RETRY_MAX_WAIT": "0.1",
    }
    process = BridgeProcess(env, bridge_log)
    yield process
    process.close()


def _login(bridge: BridgeProcess, sim: Simulator) -> str:
    response = bridge.call(
        {"op": "login", "username": "athlete@example.com", "password": "correct-horse"}
    )
    assert response["ok"], response
    sim.reset_counters()
    tokens: str = response["tokens"]
    return tokens


@pytest.fixture
def athlete_tokens(bridge: BridgeProcess, sim: Simulator) -> str:
    """A fresh login's token blob; counters start at zero afterwards."""
    return _login(bridge, sim)


@pytest.fixture
def short_lived_tokens(bridge: BridgeProcess, sim: Simulator) -> str:
    """Tokens whose access token expires within the library's refresh margin, so
    every call refreshes (and rotates) them first."""
    sim.token_ttl("athlete@example.com", 60)
    return _login(bridge, sim)
