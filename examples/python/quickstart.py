#!/usr/bin/env python3
"""Drive the PhoneLine+ fake from Python with the standard library only.

Start the fake, export what it prints, and run this:

    go build ./cmd/phonelineplus-fake
    ./phonelineplus-fake > fake.env & FAKE=$!
    until grep -q DASHBOARD fake.env 2>/dev/null; do sleep 0.2; done
    set -a; . ./fake.env; set +a
    python3 examples/python/quickstart.py
    kill $FAKE

It authenticates, creates a customer, injects a gateway timeout through the
fake's control API (/_fake/), and shows the 500 that the next create gets,
with its X-Request-Id, and that the customer was created all the same: a
"500 Timeout" from PhoneLine+ does not mean nothing happened.
"""

import json
import os
import sys
import urllib.error
import urllib.request

BASE_URL = os.environ.get("PHONELINEPLUS_BASE_URL", "http://127.0.0.1:8080/partner/v1")
KEY_ID = os.environ["PHONELINEPLUS_KEY_ID"]
SECRET = os.environ["PHONELINEPLUS_SECRET"]
# The control API lives beside the API, outside its base path.
CONTROL_URL = os.environ.get("PHONELINEPLUS_CONTROL_URL", BASE_URL.rsplit("/partner/v1", 1)[0] + "/_fake/")


def request(method, url, body=None, token=None, text=False):
    """Send one request; return (status, headers, decoded body)."""
    data = None
    headers = {}
    if body is not None:
        data = body.encode() if text else json.dumps(body).encode()
        headers["Content-Type"] = "text/plain" if text else "application/json"
    if token:
        headers["Authorization"] = "Bearer " + token
    req = urllib.request.Request(url, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status, resp.headers, decode(resp.read())
    except urllib.error.HTTPError as err:  # 4xx and 5xx still have a body
        return err.code, err.headers, decode(err.read())


def decode(raw):
    try:
        return json.loads(raw)
    except ValueError:
        return raw.decode(errors="replace")


def customer(name, email):
    return {
        "plan": "phoneline_plus",
        "companyName": name,
        "fullName": "Alex Morgan",
        "contactNumber": "01614960000",
        "email": email,
    }


def main():
    status, _, tok = request("POST", BASE_URL + "/auth", {"keyID": KEY_ID, "secret": SECRET})
    if status != 200:
        sys.exit("auth failed: %s %s" % (status, tok))
    token = tok["access_token"]
    print("authenticated: token expires at", tok["expires"])

    status, headers, cust = request("POST", BASE_URL + "/customers",
                                    customer("Northern Widgets Ltd", "alex@northern-widgets.example"), token)
    print("created customer %s: %s (request %s)" % (cust["customerID"], status, headers["X-Request-Id"]))

    status, _, added = request("POST", CONTROL_URL + "faults", "POST /customers timeout-after once", text=True)
    print("injected fault %s: %s" % (added[0]["id"], "POST /customers timeout-after once"))

    status, headers, body = request("POST", BASE_URL + "/customers",
                                    customer("Southern Gadgets Ltd", "sam@southern-gadgets.example"), token)
    print("next create answered %d %r (request %s)" % (status, body, headers["X-Request-Id"]))
    if status != 500:
        sys.exit("expected the injected 500 Timeout")

    # The gateway timed out, but the create went through: look it up.
    _, _, listed = request("GET", BASE_URL + "/customers", token=token)
    found = [c for c in listed["data"] if c["email"] == "sam@southern-gadgets.example"]
    print("after the timeout the customer %s" % ("exists: " + found[0]["customerID"] if found else "does not exist"))


if __name__ == "__main__":
    main()
