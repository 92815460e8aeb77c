"""A login honours the caller's deadline: no SSO request starts past it, and the
answer says so (the library's strategy chain swallows each strategy's failure, the
bridge does not)."""

from tests.conftest import BridgeProcess
from tests.helpers import ATHLETE, PASSWORD, assert_valid_response, deadline_in
from tests.simulator import Simulator


def test_a_login_past_its_deadline_sends_nothing(
    bridge: BridgeProcess, sim: Simulator
) -> None:
    response = assert_valid_response(
        bridge.call(
            {
                "op": "login",
                "username": ATHLETE,
                "password": PASSWORD,
                "deadlineMs": deadline_in(-0.001),
            }
        )
    )

    assert response["ok"] is False
    assert response["error"]["code"] == "DEADLINE_REACHED"
    assert response["tokens"] is None
    assert response["garminRequests"] == 0
    assert sim.counters()["total"] == 0


def test_a_deadline_during_the_sign_in_stops_every_strategy(
    bridge: BridgeProcess, sim: Simulator
) -> None:
    # The first strategy's sign-in page answers only after the deadline.
    sim.fault(endpoint="sso-signin-page", latencyMs=1500, count=1)

    response = assert_valid_response(
        bridge.call(
            {
                "op": "login",
                "username": ATHLETE,
                "password": PASSWORD,
                "deadlineMs": deadline_in(1),
            }
        )
    )

    assert response["error"]["code"] == "DEADLINE_REACHED"
    assert response["tokens"] is None
    # The page in flight was the last request: no password was sent and no
    # other strategy started.
    assert sim.by_endpoint() == {"sso-signin-page": 1}
    assert response["garminRequests"] == 1
