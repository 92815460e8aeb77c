"""The probe: one request for the device's last upload, and the fetch stops there
when nothing was uploaded since the caller's bound."""

import datetime as dt
from typing import Any

import pytest

from garmin_bridge.operations import _last_upload_ms
from tests.conftest import BridgeProcess
from tests.helpers import ATHLETE, assert_valid_response
from tests.simulator import Simulator

UPLOAD = dt.datetime(2026, 11, 30, 6, 45, tzinfo=dt.UTC)
UPLOAD_MS = int(UPLOAD.timestamp() * 1000)


def _device_uploaded(sim: Simulator) -> None:
    sim.control(
        "POST", f"/__sim/accounts/{ATHLETE}/device-sync", {"at": UPLOAD.isoformat()}
    )


def _fetch(bridge: BridgeProcess, tokens: str, probe: dict[str, Any]) -> Any:
    today = dt.date.today().isoformat()
    return assert_valid_response(
        bridge.call(
            {
                "op": "fetch",
                "tokens": tokens,
                "activities": {"startDate": today},
                "probe": probe,
            }
        )
    )


def test_no_upload_since_the_bound_stops_after_one_request(
    bridge: BridgeProcess, sim: Simulator, athlete_tokens: str
) -> None:
    _device_uploaded(sim)

    response = _fetch(bridge, athlete_tokens, {"stopUnlessAfterMs": UPLOAD_MS})

    assert response["result"]["probe"] == {"lastUploadMs": UPLOAD_MS, "stopped": True}
    assert "activities" not in response["result"]
    assert sim.by_endpoint() == {"device-last-used": 1}
    assert response["garminRequests"] == 1


def test_an_upload_after_the_bound_goes_on_with_the_plan(
    bridge: BridgeProcess, sim: Simulator, athlete_tokens: str
) -> None:
    _device_uploaded(sim)

    response = _fetch(bridge, athlete_tokens, {"stopUnlessAfterMs": UPLOAD_MS - 1})

    assert response["result"]["probe"] == {"lastUploadMs": UPLOAD_MS, "stopped": False}
    assert response["result"]["activities"]["complete"] is True
    assert sim.by_endpoint() == {"device-last-used": 1, "activities": 1}


def test_without_a_bound_the_probe_only_reports(
    bridge: BridgeProcess, sim: Simulator, athlete_tokens: str
) -> None:
    _device_uploaded(sim)

    response = _fetch(bridge, athlete_tokens, {})

    assert response["result"]["probe"] == {"lastUploadMs": UPLOAD_MS, "stopped": False}
    assert "activities" in response["result"]


def test_a_device_that_never_uploaded_never_stops_the_fetch(
    bridge: BridgeProcess, sim: Simulator
) -> None:
    email, password = "never-uploaded@example.com", "correct-horse"
    sim.create_account(email=email, password=password)
    login = bridge.call({"op": "login", "username": email, "password": password})
    assert login["ok"], login
    sim.reset_counters()

    response = _fetch(bridge, login["tokens"], {"stopUnlessAfterMs": UPLOAD_MS})

    assert response["result"]["probe"] == {"lastUploadMs": None, "stopped": False}
    assert response["result"]["activities"]["items"] == []


@pytest.mark.parametrize(
    "answer",
    [
        {},
        None,
        [],
        "2026-11-30T06:45:00.0",
        {"lastUsedDeviceName": "Forerunner 265"},
        {"lastUsedDeviceUploadTime": None},
        {"lastUsedDeviceUploadTime": 0},
        {"lastUsedDeviceUploadTime": True},
        {"lastUsedDeviceUploadTime": "1764485100000"},
        {"lastUsedDeviceUploadTime": -5},
        {"lastUsedDeviceUploadTime": float("nan")},
    ],
)
def test_an_answer_without_an_upload_time_names_none(answer: Any) -> None:
    assert _last_upload_ms(answer) is None


def test_the_upload_time_is_epoch_ms_whole_or_float() -> None:
    assert _last_upload_ms({"lastUsedDeviceUploadTime": UPLOAD_MS}) == UPLOAD_MS
    assert _last_upload_ms({"lastUsedDeviceUploadTime": UPLOAD_MS + 0.0}) == UPLOAD_MS
