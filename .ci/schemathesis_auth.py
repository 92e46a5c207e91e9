"""Schemathesis hook: sign in as the CI admin, and sign in again whenever a token dies.

Some operations under test end the caller's own session (logout, a password change), so a
fixed token would leave the rest of the run unauthenticated.
"""

import os

import requests
import schemathesis

BASE = os.environ["CI_BRIGADE_URL"]
EMAIL = os.environ["CI_BRIGADE_ADMIN_EMAIL"]
PASSWORD = os.environ["CI_BRIGADE_ADMIN_PASSWORD"]


@schemathesis.auth(refresh_interval=60, retry_on=[401])
class AdminLogin:
    def get(self, case, context):
        response = requests.post(
            f"{BASE}/v1/auth/login",
            json={"email": EMAIL, "password": PASSWORD},
            timeout=10,
        )
        response.raise_for_status()
        return response.json()["access_token"]

    def set(self, case, data, context):
        case.headers = case.headers or {}
        case.headers["Authorization"] = f"Bearer {data}"
