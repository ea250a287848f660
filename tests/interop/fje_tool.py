#!/usr/bin/env python3
"""Batch driver for the real flask-jwt-extended, used by the Rust interop tests.

Reads ONE JSON array of operations on stdin and writes ONE JSON array of results on stdout
(same length, same order). Each operation runs against a fresh Flask app + JWTManager built
from its own "config", so operations never influence each other. An operation that raises
gives an error result instead of aborting the batch.

Run it with the venv from scripts/setup-python.sh:

    echo '[{"op":"versions"}]' | target/interop-venv/bin/python tests/interop/fje_tool.py

Value conventions (JSON has no timedelta):

* ``{"delta_seconds": N}`` anywhere a value is read (a top-level config value, "fresh",
  "expires_delta") means ``timedelta(seconds=N)``; N may be negative or fractional.
* Config ``JWT_ACCESS_TOKEN_EXPIRES`` / ``JWT_REFRESH_TOKEN_EXPIRES``: an integer means that
  many seconds (a timedelta), ``false`` means False. Other values are passed as they are.
* Every other config key (any key, not only ``JWT_*``) is set as given. ``JWT_SECRET_KEY``
  defaults to the interop secret below when absent; an explicit ``null`` is kept as None.

Operations (fields not listed are ignored; every result also carries "ok": true/false):

* ``create_access_token``: identity, fresh (bool | number | {"delta_seconds":N}),
  expires_delta (null | false | int seconds | {"delta_seconds":N}), additional_claims,
  additional_headers  ->  {"ok":true, "token":"..."}
* ``create_refresh_token``: same without fresh  ->  {"ok":true, "token":"..."}
* ``decode_token``: token, allow_expired (default false), csrf_value (default null)
  ->  {"ok":true, "claims":{...}}
* ``unverified_header``: token  ->  {"ok":true, "header":{...}}
* ``request``: route (kwargs of jwt_required), method, path, headers (object or list of
  [name, value]), cookies (object or list of [name, value]), query (raw query string),
  json (any JSON, sent as application/json; null is sent as the body "null"), data (raw
  body string), content_type  ->  {"ok":true, "status":int, "body":<parsed JSON or null>,
  "text":"<raw body>", "headers":[[name, value], ...]}
* ``set_cookies``: access_token, refresh_token (null to skip), unset (false | true/"all" for
  unset_jwt_cookies | "access" | "refresh"; applied after the set calls), max_age, domain
  ->  {"ok":true, "set_cookie":["<Set-Cookie header>", ...]}
* ``versions``  ->  {"ok":true, "flask_jwt_extended":..., "PyJWT":..., "Flask":..., "Werkzeug":...}

Errors: {"ok":false, "error":"<exception class name>", "msg":"<str(exception)>"}.
A "request" whose view fails is NOT an error result: it is the HTTP response Flask gives
(for example a 500 page), as a client would see it.

Set FJE_TOOL_DEBUG=1 to let Flask log view tracebacks on stderr.
"""

import contextlib
import inspect
import json
import logging
import os
import sys
from datetime import timedelta
from importlib import metadata

from flask import Flask, jsonify, make_response
from flask_jwt_extended import (
    JWTManager,
    create_access_token,
    create_refresh_token,
    decode_token,
    get_jwt,
    get_jwt_header,
    get_jwt_identity,
    get_jwt_request_location,
    get_unverified_jwt_headers,
    jwt_required,
    set_access_cookies,
    set_refresh_cookies,
    unset_access_cookies,
    unset_jwt_cookies,
    unset_refresh_cookies,
)

# The secret of the interop vectors; used when an op gives none.
DEFAULT_SECRET = "interop-test-secret-0123456789-abcdef"

# Config keys whose integer values mean seconds, per the tool's contract.
EXPIRY_KEYS = ("JWT_ACCESS_TOKEN_EXPIRES", "JWT_REFRESH_TOKEN_EXPIRES")

# Every method the test view answers. OPTIONS is listed explicitly so that Flask does not
# answer it by itself: the view runs and jwt_required's OPTIONS exemption is exercised.
ALL_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]

DEBUG = os.environ.get("FJE_TOOL_DEBUG") == "1"


class ToolError(Exception):
    """A malformed operation (reported like any other exception)."""


# --------------------------------------------------------------------------------------------
# Value conversion
# --------------------------------------------------------------------------------------------


def is_delta(value):
    """True for the {"delta_seconds": N} form."""
    return isinstance(value, dict) and set(value) == {"delta_seconds"}


def to_delta(value):
    """{"delta_seconds": N} -> timedelta(seconds=N)."""
    seconds = value["delta_seconds"]
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)):
        raise ToolError(f"delta_seconds must be a number, got {seconds!r}")
    return timedelta(seconds=seconds)


def is_int(value):
    # bool is a subclass of int in Python; JSON true/false must not count as 0/1.
    return isinstance(value, int) and not isinstance(value, bool)


def convert_config_value(key, value):
    if is_delta(value):
        return to_delta(value)
    if key in EXPIRY_KEYS and is_int(value):
        return timedelta(seconds=value)
    return value  # false stays False, lists stay lists, etc.


def convert_fresh(value):
    """fresh: bool or raw number as is, {"delta_seconds": N} -> timedelta."""
    if is_delta(value):
        return to_delta(value)
    return value


def convert_expires_delta(value):
    """expires_delta: null -> None (use config), false -> False, int seconds -> timedelta."""
    if value is None or value is False:
        return value
    if is_delta(value):
        return to_delta(value)
    if is_int(value):
        return timedelta(seconds=value)
    raise ToolError(f"expires_delta must be null, false, an integer or delta_seconds, got {value!r}")


def pairs(value, field):
    """An object or a list of [name, value] pairs -> list of (name, value) tuples."""
    if value is None:
        return []
    if isinstance(value, dict):
        return list(value.items())
    if isinstance(value, list) and all(isinstance(p, list) and len(p) == 2 for p in value):
        return [tuple(p) for p in value]
    raise ToolError(f"{field} must be an object or a list of [name, value] pairs")


# --------------------------------------------------------------------------------------------
# App construction
# --------------------------------------------------------------------------------------------


def make_app(config, route=None):
    """A fresh Flask app with a JWTManager and, if `route` is given, the protected test view
    registered for every path and every method in ALL_METHODS."""
    app = Flask("fje_tool")
    if not DEBUG:
        # Flask logs unhandled view exceptions (which become 500s); keep stderr quiet.
        app.logger.disabled = True

    config = dict(config or {})
    config.setdefault("JWT_SECRET_KEY", DEFAULT_SECRET)
    for key, value in config.items():
        app.config[key] = convert_config_value(key, value)

    JWTManager(app)

    if route is not None:
        if not isinstance(route, dict):
            raise ToolError("route must be an object of jwt_required keyword arguments")

        # jwt_required(**route) raises here for unknown keyword arguments (TypeError).
        @jwt_required(**route)
        def protected(path):
            return jsonify(
                identity=get_jwt_identity(),
                claims=get_jwt(),
                header=get_jwt_header(),
                location=get_jwt_request_location(),
            )

        # Catch-all rule, so whatever "path" the op uses reaches the view.
        app.add_url_rule("/", "protected", protected, defaults={"path": ""}, methods=ALL_METHODS)
        app.add_url_rule("/<path:path>", "protected", protected, methods=ALL_METHODS)

    return app


# --------------------------------------------------------------------------------------------
# Operations
# --------------------------------------------------------------------------------------------


def op_create_access_token(op):
    app = make_app(op.get("config"))
    with app.app_context():
        token = create_access_token(
            op.get("identity"),
            fresh=convert_fresh(op.get("fresh", False)),
            expires_delta=convert_expires_delta(op.get("expires_delta")),
            additional_claims=op.get("additional_claims"),
            additional_headers=op.get("additional_headers"),
        )
    return {"ok": True, "token": token}


def op_create_refresh_token(op):
    app = make_app(op.get("config"))
    with app.app_context():
        token = create_refresh_token(
            op.get("identity"),
            expires_delta=convert_expires_delta(op.get("expires_delta")),
            additional_claims=op.get("additional_claims"),
            additional_headers=op.get("additional_headers"),
        )
    return {"ok": True, "token": token}


def op_decode_token(op):
    app = make_app(op.get("config"))
    with app.app_context():
        claims = decode_token(
            op["token"],
            csrf_value=op.get("csrf_value"),
            allow_expired=bool(op.get("allow_expired", False)),
        )
    return {"ok": True, "claims": claims}


def op_unverified_header(op):
    app = make_app(op.get("config"))
    with app.app_context():
        header = get_unverified_jwt_headers(op["token"])
    return {"ok": True, "header": header}


def set_client_cookie(client, key, value):
    """Werkzeug >= 2.3: set_cookie(key, value, *, domain="localhost", ...).
    Older Werkzeug: set_cookie(server_name, key, value, ...)."""
    params = list(inspect.signature(client.set_cookie).parameters)
    if params and params[0] == "server_name":
        client.set_cookie("localhost", key, value)
    else:
        client.set_cookie(key, value)


def op_request(op):
    app = make_app(op.get("config"), route=op.get("route") or {})
    client = app.test_client()

    for name, value in pairs(op.get("cookies"), "cookies"):
        set_client_cookie(client, name, value)

    kwargs = {
        "method": op.get("method", "GET"),
        "headers": pairs(op.get("headers"), "headers"),
    }
    if op.get("query"):
        kwargs["query_string"] = op["query"]
    if "json" in op and "data" in op:
        raise ToolError("give either json or data, not both")
    if "json" in op:
        # Serialised here (not with the test client's json=) so that null is sent too.
        kwargs["data"] = json.dumps(op["json"])
        kwargs["content_type"] = op.get("content_type") or "application/json"
    elif "data" in op:
        kwargs["data"] = op["data"]
    if op.get("content_type") and "content_type" not in kwargs:
        kwargs["content_type"] = op["content_type"]

    response = client.open(op.get("path", "/p"), **kwargs)
    text = response.get_data(as_text=True)
    try:
        body = json.loads(text) if text else None
    except ValueError:
        body = None
    return {
        "ok": True,
        "status": response.status_code,
        "body": body,
        "text": text,
        "headers": [[k, v] for k, v in response.headers.items()],
    }


def op_set_cookies(op):
    app = make_app(op.get("config"))
    max_age = op.get("max_age")
    domain = op.get("domain")
    unset = op.get("unset", False)
    with app.test_request_context():
        response = make_response("")
        if op.get("access_token") is not None:
            set_access_cookies(response, op["access_token"], max_age=max_age, domain=domain)
        if op.get("refresh_token") is not None:
            set_refresh_cookies(response, op["refresh_token"], max_age=max_age, domain=domain)
        if unset is True or unset == "all":
            unset_jwt_cookies(response, domain=domain)
        elif unset == "access":
            unset_access_cookies(response, domain=domain)
        elif unset == "refresh":
            unset_refresh_cookies(response, domain=domain)
        elif unset not in (False, None):
            raise ToolError(f'unset must be false, true, "all", "access" or "refresh", got {unset!r}')
        cookies = response.headers.getlist("Set-Cookie")
    return {"ok": True, "set_cookie": cookies}


def op_versions(op):
    return {
        "ok": True,
        "python": sys.version.split()[0],
        **{
            dist.replace("-", "_"): metadata.version(dist)
            for dist in ("flask-jwt-extended", "PyJWT", "Flask", "Werkzeug")
        },
    }


OPS = {
    "create_access_token": op_create_access_token,
    "create_refresh_token": op_create_refresh_token,
    "decode_token": op_decode_token,
    "unverified_header": op_unverified_header,
    "request": op_request,
    "set_cookies": op_set_cookies,
    "versions": op_versions,
}


def error_result(exc):
    return {"ok": False, "error": type(exc).__name__, "msg": str(exc)}


def run_one(op):
    """Run one operation; any exception becomes an error result."""
    try:
        if not isinstance(op, dict):
            raise ToolError("each operation must be a JSON object")
        handler = OPS.get(op.get("op"))
        if handler is None:
            raise ToolError(f"unknown op {op.get('op')!r}")
        result = handler(op)
        json.dumps(result)  # fail here (as this op's error) if something is not JSON
        return result
    except Exception as exc:  # noqa: BLE001 - every failure is reported, never raised
        return error_result(exc)


def main():
    try:
        ops = json.load(sys.stdin)
    except ValueError as exc:
        print(f"fje_tool: stdin is not JSON: {exc}", file=sys.stderr)
        return 2
    if not isinstance(ops, list):
        print("fje_tool: stdin must be a JSON array of operations", file=sys.stderr)
        return 2

    if not DEBUG:
        logging.getLogger("werkzeug").setLevel(logging.ERROR)

    # Anything a library might print goes to stderr, so stdout holds only the result array.
    real_stdout = sys.stdout
    with contextlib.redirect_stdout(sys.stderr):
        results = [run_one(op) for op in ops]
    real_stdout.write(json.dumps(results, ensure_ascii=True))
    real_stdout.write("\n")
    real_stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
