#!/usr/bin/env python3
"""PyJWT's side of the key interop tests (tests/interop_keys.rs): asymmetric tokens and JWK Sets.

Reads ONE JSON array of operations on stdin, writes ONE JSON array of results on stdout (same
order). Run with the venv of scripts/setup-python.sh (PyJWT + cryptography).

* ``sign``: alg, private_pem, claims, headers (object or null)  ->  {"token"}
* ``verify``: token, public_pem, alg  ->  {"claims", "header"}
* ``to_jwks``: keys = [{"public_pem", "alg", "kid" (optional)}]  ->  {"jwks", "thumbprints"}:
  each JWK made by ``jwt.algorithms.*Algorithm.to_jwk``, with "alg" (and "kid" when given)
  added; "thumbprints" are RFC 7638 SHA-256 thumbprints computed here with hashlib.
* ``verify_with_jwks_url``: url, token, algorithms  ->  {"claims", "kid"}: PyJWKClient fetches
  the JWK Set at url and picks the key by the token's kid.
* ``thumbprint``: jwk  ->  {"thumbprint"}

Errors: {"ok": false, "error": "<class>", "msg": "<str>"}.
"""

import base64
import hashlib
import json
import sys

import jwt
from cryptography.hazmat.primitives.serialization import load_pem_public_key
from jwt.algorithms import ECAlgorithm, OKPAlgorithm, RSAAlgorithm

REQUIRED = {"RSA": ["e", "kty", "n"], "EC": ["crv", "kty", "x", "y"], "OKP": ["crv", "kty", "x"]}
NO_CLAIM_CHECKS = {"verify_exp": False, "verify_nbf": False, "verify_iat": False, "verify_aud": False}


def thumbprint(jwk):
    members = {k: jwk[k] for k in REQUIRED[jwk["kty"]]}
    canonical = json.dumps(members, separators=(",", ":"), sort_keys=True)
    digest = hashlib.sha256(canonical.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def to_jwk(public_pem, alg):
    key = load_pem_public_key(public_pem.encode())
    family = {"RS": RSAAlgorithm, "PS": RSAAlgorithm, "ES": ECAlgorithm, "Ed": OKPAlgorithm}[alg[:2]]
    return family.to_jwk(key, as_dict=True)


def run(op):
    kind = op["op"]
    if kind == "sign":
        token = jwt.encode(op["claims"], op["private_pem"], algorithm=op["alg"], headers=op.get("headers"))
        return {"token": token}
    if kind == "verify":
        claims = jwt.decode(op["token"], op["public_pem"], algorithms=[op["alg"]], options=NO_CLAIM_CHECKS)
        return {"claims": claims, "header": jwt.get_unverified_header(op["token"])}
    if kind == "to_jwks":
        keys, thumbs = [], []
        for k in op["keys"]:
            jwk = to_jwk(k["public_pem"], k["alg"])
            jwk["alg"] = k["alg"]
            if k.get("kid"):
                jwk["kid"] = k["kid"]
            keys.append(jwk)
            thumbs.append(thumbprint(jwk))
        return {"jwks": {"keys": keys}, "thumbprints": thumbs}
    if kind == "verify_with_jwks_url":
        client = jwt.PyJWKClient(op["url"], cache_keys=False)
        signing_key = client.get_signing_key_from_jwt(op["token"])
        claims = jwt.decode(op["token"], signing_key.key, algorithms=op["algorithms"], options=NO_CLAIM_CHECKS)
        return {"claims": claims, "kid": signing_key.key_id}
    if kind == "thumbprint":
        return {"thumbprint": thumbprint(op["jwk"])}
    raise ValueError(f"unknown op {kind!r}")


def main():
    results = []
    for op in json.load(sys.stdin):
        try:
            result = run(op)
            result["ok"] = True
        except Exception as e:  # noqa: BLE001 - every failure is reported to the test
            result = {"ok": False, "error": type(e).__name__, "msg": str(e)}
        results.append(result)
    json.dump(results, sys.stdout)


if __name__ == "__main__":
    main()
