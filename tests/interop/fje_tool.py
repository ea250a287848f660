"""The real flask-jwt-extended, driven by the Rust interop tests (tests/interop.rs).

Reads ONE JSON array of operations on stdin and writes ONE JSON array of results, same order.
Each operation gets a fresh Flask app and JWTManager configured with its "config" object
(JWT_* keys; for JWT_ACCESS_TOKEN_EXPIRES / JWT_REFRESH_TOKEN_EXPIRES an integer means seconds
and false means never). An operation that raises gives {"ok": false, "error": <class>, "msg":
<str(exception)>} instead of ending the batch.

Operations:
  create_access_token  identity, fresh (bool | number | {"delta_seconds": n}),
                       expires_delta (null | false | seconds), additional_claims, additional_headers
                       -> {"ok": true, "token": ...}
  create_refresh_token as above without fresh
  decode_token         token, allow_expired, csrf_value -> {"ok": true, "claims": {...}}
  unverified_header    token -> {"ok": true, "header": {...}}
  request              route {optional, fresh, refresh, verify_type, locations}, method, path,
                       headers, cookies, query, json | data + content_type
                       -> {"ok": true, "status": n, "body": <json or null>, "text": "..."}
  set_cookies          access_token, refresh_token, unset, max_age, domain
                       -> {"ok": true, "set_cookie": [...]}
"""

import json
import sys
from datetime import timedelta

from flask import Flask, jsonify
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
    unset_jwt_cookies,
)

DEFAULT_SECRET = "interop-test-secret-0123456789-abcdef"
EXPIRY_KEYS = ("JWT_ACCESS_TOKEN_EXPIRES", "JWT_REFRESH_TOKEN_EXPIRES")


def make_app(op):
    app = Flask(__name__)
    app.logger.disabled = True  # a 500 (a documented Flask crash) is an answer here, not noise
    app.config["JWT_SECRET_KEY"] = DEFAULT_SECRET
    for key, value in (op.get("config") or {}).items():
        if key in EXPIRY_KEYS and isinstance(value, int) and not isinstance(value, bool):
            value = timedelta(seconds=value)
        app.config[key] = value
    JWTManager(app)
    route = op.get("route") or {}

    @app.route("/p", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
    @jwt_required(**route)
    def protected():
        return jsonify(
            identity=get_jwt_identity(),
            claims=get_jwt(),
            header=get_jwt_header(),
            location=get_jwt_request_location(),
        )

    return app


def expires(value):
    if value is None or value is False:
        return value
    return timedelta(seconds=value)


def fresh_arg(value):
    if isinstance(value, dict) and "delta_seconds" in value:
        return timedelta(seconds=value["delta_seconds"])
    return value if value is not None else False


def run(op):
    kind = op["op"]
    app = make_app(op)
    with app.app_context():
        if kind in ("create_access_token", "create_refresh_token"):
            kwargs = {
                "expires_delta": expires(op.get("expires_delta")),
                "additional_claims": op.get("additional_claims"),
                "additional_headers": op.get("additional_headers"),
            }
            if kind == "create_access_token":
                kwargs["fresh"] = fresh_arg(op.get("fresh"))
                token = create_access_token(op["identity"], **kwargs)
            else:
                token = create_refresh_token(op["identity"], **kwargs)
            return {"ok": True, "token": token}
        if kind == "decode_token":
            claims = decode_token(
                op["token"],
                csrf_value=op.get("csrf_value"),
                allow_expired=bool(op.get("allow_expired")),
            )
            return {"ok": True, "claims": claims}
        if kind == "unverified_header":
            return {"ok": True, "header": get_unverified_jwt_headers(op["token"])}
        if kind == "set_cookies":
            with app.test_request_context():
                response = jsonify(ok=True)
                if op.get("unset"):
                    unset_jwt_cookies(response, domain=op.get("domain"))
                if op.get("access_token"):
                    set_access_cookies(
                        response, op["access_token"], op.get("max_age"), op.get("domain")
                    )
                if op.get("refresh_token"):
                    set_refresh_cookies(
                        response, op["refresh_token"], op.get("max_age"), op.get("domain")
                    )
                return {"ok": True, "set_cookie": response.headers.getlist("Set-Cookie")}
    if kind == "request":
        client = app.test_client()
        for name, value in (op.get("cookies") or {}).items():
            client.set_cookie(name, value)
        kwargs = {"headers": op.get("headers") or {}}
        if op.get("query"):
            kwargs["query_string"] = op["query"]
        if "json" in op:
            kwargs["json"] = op["json"]
        elif "data" in op:
            kwargs["data"] = op["data"]
            if op.get("content_type"):
                kwargs["content_type"] = op["content_type"]
        response = client.open(op.get("path", "/p"), method=op.get("method", "GET"), **kwargs)
        text = response.get_data(as_text=True)
        try:
            body = json.loads(text)
        except ValueError:
            body = None
        return {"ok": True, "status": response.status_code, "body": body, "text": text}
    raise ValueError(f"unknown op {kind!r}")


def main():
    ops = json.load(sys.stdin)
    results = []
    for op in ops:
        try:
            results.append(run(op))
        except Exception as exc:  # reported to the Rust side, never fatal for the batch
            results.append({"ok": False, "error": type(exc).__name__, "msg": str(exc)})
    json.dump(results, sys.stdout)


if __name__ == "__main__":
    main()
