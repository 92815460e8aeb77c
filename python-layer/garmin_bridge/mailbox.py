"""The MFA mailbox: an item of the connect-attempts table in DynamoDB.

Garmin keeps a pending MFA login in the memory of the client that started it, so
the code has to reach this very invocation. The bridge marks the attempt
``mfa_required`` and polls the item; the TypeScript side writes the code (with an
id) there, and the bridge consumes it and records whether Garmin accepted it.
Field names come from the shared protocol schema.

The attempt may end while the bridge waits: the app erased it (disconnect) or ended
it (too many codes). Every read and write of the mailbox checks that it still runs,
and raises ATTEMPT_ENDED otherwise: the wait stops at once, nothing comes of the login.
"""

import os
import time
from dataclasses import dataclass
from typing import Any

from .errors import BridgeError
from .schema import attempt_status, mailbox_field, protocol_schema

TABLE_ENV_VAR = "ATTEMPTS_TABLE"
POLL_INTERVAL_SECONDS = 0.5
# The attempt statuses the bridge writes and waits on
# (exported from functions/core/shared/statuses.ts).
PENDING = attempt_status("pending")
MFA_REQUIRED = attempt_status("mfa_required")

ATTEMPT_ENDED = BridgeError(
    "ATTEMPT_ENDED", "The connect attempt ended or was erased while waiting"
)


@dataclass(frozen=True)
class MfaCode:
    code: str
    code_id: str


class MfaMailbox:
    def __init__(self, user_id: str, attempt_id: str, client: Any = None) -> None:
        table = os.environ.get(TABLE_ENV_VAR)
        if not table:
            raise RuntimeError(f"{TABLE_ENV_VAR} is not set")
        self._table = table
        self._key = {
            mailbox_field("partitionKey"): {"S": user_id},
            mailbox_field("sortKey"): {"S": attempt_id},
        }
        if client is None:
            # Imported here: boto3 is a third of the bridge's import time and only an
            # MFA wait needs it (a cold fetch does not pay for it).
            import boto3

            # Endpoint and region come from the standard AWS environment variables.
            client = boto3.client("dynamodb")
        self._ddb = client

    def _update_running(self, status: str, **update: Any) -> None:
        """An update that applies only while the attempt has `status` (so it exists)."""
        names = {"#s": mailbox_field("status"), **update.pop("names", {})}
        values = {":expected": {"S": status}, **update.pop("values", {})}
        try:
            self._ddb.update_item(
                TableName=self._table,
                Key=self._key,
                ConditionExpression="#s = :expected",
                ExpressionAttributeNames=names,
                ExpressionAttributeValues=values,
                **update,
            )
        except self._ddb.exceptions.ConditionalCheckFailedException:
            raise ATTEMPT_ENDED from None

    def mark_mfa_required(self) -> None:
        self._update_running(
            PENDING,
            UpdateExpression="SET #s = :s, #r = :now REMOVE #c, #cid",
            names={
                "#r": mailbox_field("requestedAt"),
                "#c": mailbox_field("code"),
                "#cid": mailbox_field("codeId"),
            },
            values={
                ":s": {"S": MFA_REQUIRED},
                ":now": {"N": str(int(time.time()))},
            },
        )

    def wait_for_code(self, deadline: float) -> MfaCode | None:
        """Poll until a code is posted (and take it), or the deadline passes; raises
        ATTEMPT_ENDED as soon as the attempt is gone, expired or no longer waiting."""
        while time.monotonic() < deadline:
            item = self._ddb.get_item(
                TableName=self._table, Key=self._key, ConsistentRead=True
            ).get("Item", {})
            status = item.get(mailbox_field("status"), {}).get("S")
            expires_at = item.get(mailbox_field("expiresAt"), {}).get("N")
            expired = expires_at is not None and float(expires_at) <= time.time()
            if status != MFA_REQUIRED or expired:
                raise ATTEMPT_ENDED
            code = item.get(mailbox_field("code"), {}).get("S")
            code_id = item.get(mailbox_field("codeId"), {}).get("S")
            if code and code_id and self._take(code_id):
                return MfaCode(code, code_id)
            time.sleep(
                min(POLL_INTERVAL_SECONDS, max(0.0, deadline - time.monotonic()))
            )
        return None

    def _take(self, code_id: str) -> bool:
        try:
            self._ddb.update_item(
                TableName=self._table,
                Key=self._key,
                UpdateExpression="REMOVE #c",
                ConditionExpression="#cid = :cid",
                ExpressionAttributeNames={
                    "#c": mailbox_field("code"),
                    "#cid": mailbox_field("codeId"),
                },
                ExpressionAttributeValues={":cid": {"S": code_id}},
            )
        except self._ddb.exceptions.ConditionalCheckFailedException:
            return False
        return True

    def record_outcome(self, code_id: str, *, accepted: bool) -> None:
        """Tell the waiting app how Garmin took the code. Once accepted, the attempt is
        no longer waiting for a code: it is pending until the login completes."""
        accepted_value, invalid_value = protocol_schema()["mfaOutcomes"]
        names = {
            "#o": mailbox_field("outcome"),
            "#oid": mailbox_field("outcomeCodeId"),
        }
        values = {
            ":o": {"S": accepted_value if accepted else invalid_value},
            ":oid": {"S": code_id},
        }
        update = "SET #o = :o, #oid = :oid"
        if accepted:
            values[":pending"] = {"S": PENDING}
            update += ", #s = :pending"
        # An attempt the app ended meanwhile stays ended: the login must not complete.
        self._update_running(
            MFA_REQUIRED, UpdateExpression=update, names=names, values=values
        )
