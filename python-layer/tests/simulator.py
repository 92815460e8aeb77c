"""A small client for the Garmin simulator's control API (/__sim)."""

import json
import urllib.request
from typing import Any
from urllib.parse import parse_qs, urlsplit

import requests

# The simulator's second address, standing for the user's own network (README).
_CLOUD_HOST = "127.0.0.1"
_USER_HOST = "127.0.0.2"


class Simulator:
    def __init__(self, url: str) -> None:
        self.url = url.rstrip("/")

    def _call(self, method: str, path: str, body: Any = None) -> Any:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            f"{self.url}{path}",
            data=data,
            method=method,
            headers={"content-type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            text = response.read().decode()
        return json.loads(text) if text else None

    def control(self, method: str, path: str, body: Any = None) -> Any:
        """Any control API call (README: "The Garmin simulator")."""
        return self._call(method, path, body)

    def device_ticket(self, email: str, password: str, service_url: str) -> str:
        """A sign-in on Garmin's page from the user's network, as a device does it: the
        service ticket the page's redirect to ``service_url`` carries."""
        page = (
            f"{self.url.replace(_CLOUD_HOST, _USER_HOST)}/sso/portal/sso/en-US/sign-in"
        )
        params = {"clientId": "GarminConnect", "service": service_url}
        with requests.Session() as browser:
            browser.get(page, params=params, timeout=10)
            answer = browser.post(
                page,
                params=params,
                data={"username": email, "password": password},
                allow_redirects=False,
                timeout=10,
            )
        location = urlsplit(answer.headers["location"])
        return parse_qs(location.query)["ticket"][0]

    def reset(self) -> None:
        self._call("POST", "/__sim/reset")

    def reset_counters(self) -> None:
        self._call("POST", "/__sim/counters/reset")

    def counters(self) -> dict[str, Any]:
        result: dict[str, Any] = self._call("GET", "/__sim/counters")
        return result

    def by_endpoint(self) -> dict[str, int]:
        counts: dict[str, int] = self.counters()["byEndpoint"]
        return {name: n for name, n in counts.items() if n}

    def requests(self) -> list[dict[str, Any]]:
        result: list[dict[str, Any]] = self._call("GET", "/__sim/requests")
        return result

    def fault(self, **spec: Any) -> None:
        self._call("POST", "/__sim/faults", spec)

    def clear_faults(self) -> None:
        self._call("DELETE", "/__sim/faults")

    def token_ttl(self, email: str, seconds: int) -> None:
        self._call(
            "POST", f"/__sim/accounts/{email}/tokens", {"accessTtlSeconds": seconds}
        )

    def advance_clock(self, seconds: int) -> None:
        self._call("POST", "/__sim/clock", {"advanceSeconds": seconds})

    def revoke(self, email: str) -> None:
        self._call("POST", f"/__sim/accounts/{email}/revoke")

    def add_activity(self, email: str, **fields: Any) -> dict[str, Any]:
        result: dict[str, Any] = self._call(
            "POST", f"/__sim/accounts/{email}/activities", fields
        )
        return result

    def post_form(self, path: str, form: dict[str, str]) -> int:
        """Raw POST as the library would send it; returns the HTTP status."""
        data = "&".join(f"{k}={urllib.request.quote(v)}" for k, v in form.items())
        request = urllib.request.Request(
            f"{self.url}{path}",
            data=data.encode(),
            method="POST",
            headers={"content-type": "application/x-www-form-urlencoded"},
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
                return int(response.status)
        except urllib.error.HTTPError as e:
            return int(e.code)

    def create_account(self, **spec: Any) -> dict[str, Any]:
        result: dict[str, Any] = self._call("POST", "/__sim/accounts", spec)
        return result

    def token_lifetimes(self, email: str, **lifetimes: int) -> None:
        self._call("POST", f"/__sim/accounts/{email}/tokens", lifetimes)

    def fail_di_exchange(self, email: str, fail: bool = True) -> None:
        self._call("POST", f"/__sim/accounts/{email}/di-exchange", {"fail": fail})

    def set_day(self, email: str, date: str, **setting: Any) -> None:
        self._call("PUT", f"/__sim/accounts/{email}/days/{date}", setting)

    def block_sso(self, **block: Any) -> None:
        self._call("POST", "/__sim/sso-block", block)
