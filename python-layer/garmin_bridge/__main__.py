"""Command line: ``serve`` (JSON lines on stdio) and ``login``.

``python -m garmin_bridge login`` is for users whose Garmin login is blocked from the
cloud: run on their own machine, it logs in (asking for an MFA code if Garmin wants
one) and prints a token blob to paste into the app's token import.
"""

import argparse
import getpass
import os
import signal
import sys

from garminconnect import Garmin

from . import http_log, logs, seam
from .errors import Phase, classify
from .stdio import serve


def _login_interactively() -> int:
    username = input("Garmin email: ").strip()
    password = getpass.getpass("Garmin password: ")
    garmin = Garmin(
        username,
        password,
        prompt_mfa=lambda: input("MFA code from Garmin: ").strip(),
    )
    seam.apply(garmin)
    http_log.install()
    with http_log.recording() as log, logs.SecretScope() as secrets:
        secrets.add(password)
        try:
            garmin.login()
        except Exception as e:
            error = classify(e, log, Phase.CREDENTIALS)
            print(f"Login failed: {error.code}: {error.message}", file=sys.stderr)
            return 1
    print(
        "Paste this token blob into the app (it grants access to your Garmin "
        "account: keep it private):",
        file=sys.stderr,
    )
    print(garmin.client.dumps())
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m garmin_bridge")
    parser.add_argument("command", choices=["serve", "login"])
    args = parser.parse_args()
    logs.configure(os.environ.get("LOG_LEVEL", "INFO"))
    if args.command == "login":
        return _login_interactively()
    # The parent owns this process's lifetime: it closes stdin to stop it. A Ctrl-C at
    # the terminal reaches the parent, which then shuts the bridge down cleanly.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    serve()
    # Calls still waiting (e.g. for an MFA code) past the grace period end here.
    os._exit(0)


if __name__ == "__main__":
    sys.exit(main())
