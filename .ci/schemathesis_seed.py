"""Gives each schemathesis peer objects of their own before the run: an order (Alice's paid)
and an API key. Their lists then differ, so schemathesis knows who owns which id and can replay
one peer's reads as the other (object-level authorization).

Usage: schemathesis_seed.py BASE_URL PASSWORD EMAIL...
"""

import json
import sys
import urllib.request


def call(base, method, path, body=None, token=None, key=None):
    request = urllib.request.Request(f"{base}{path}", method=method)
    request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    if key:
        request.add_header("Idempotency-Key", key)
    data = None if body is None else json.dumps(body).encode()
    with urllib.request.urlopen(request, data, timeout=30) as response:
        return json.load(response)


def main():
    base, password, *emails = sys.argv[1:]
    menu = call(base, "GET", "/v1/menu")
    item = next(
        i for c in menu["categories"] for i in c["items"] if not i.get("option_groups")
    )
    for n, email in enumerate(emails):
        token = call(base, "POST", "/v1/auth/login", {"email": email, "password": password})[
            "access_token"
        ]
        order = call(
            base,
            "POST",
            "/v1/orders",
            {"lines": [{"item_id": item["id"], "quantity": 1}], "fulfillment": {"type": "pickup"}},
            token,
            f"seed-order-{n}",
        )
        if n == 0:
            call(base, "POST", f"/v1/orders/{order['id']}/payments", {"card_token": "tok_ok"}, token, "seed-pay")
        call(base, "POST", "/v1/api-keys", {"name": "seed", "scopes": ["orders:read"]}, token, f"seed-key-{n}")
        print(f"seeded {email}: order {order['id']}")


if __name__ == "__main__":
    main()
