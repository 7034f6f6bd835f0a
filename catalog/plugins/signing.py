"""Signing the download index: the design, the keys and the signed envelopes (DSSE), and the
signing time. Key folders are catalog.plugins.keyfolders; what `catalog build` adds is
catalog.plugins.indexsignature.

One Ed25519 signature covers the whole index: it signs the sha256 and size of the root
file (`index/v1/index.json`), which pins each plugin file's sha256, which pins each
wagon's. Two files are published beside the root, only by a signed build:

- `index/v1/index.sig.json`: a DSSE envelope (the signing envelope of in-toto and
  sigstore) whose payload names the root's sha256 and size, a `version` that only grows
  and an `expires` time.
- `index/v1/keys.json`: the key history, a list of DSSE envelopes. Entry 1 names the
  first key set and is signed by it; entry N+1 is signed by the keys of entry N *and* by
  its own, so a client that pins any key of the history follows the announcements to
  the current keys. An entry can list `revoked` key ids: never trusted again.

Why these choices (see SECURITY.md): Ed25519 through `cryptography` (PyCA: maintained,
wheels everywhere, deterministic signatures, so two builds with the same input and
signing time give the same bytes); DSSE so that the signed bytes are exactly the
payload, with no JSON canonicalisation for client authors to get right; TUF's ideas
(root rotation by chained signatures, thresholds, versions that only grow, expiry)
without TUF's four roles, which a single static build signing one root does not need.

The version is the signing time in whole seconds (`SOURCE_DATE_EPOCH` when set, else
the clock): builds keep no state between them (a Netlify build starts afresh), and time
grows by itself, so no counter needs storing; the same SOURCE_DATE_EPOCH gives the same
version, hence the same bytes.
"""
from __future__ import annotations

import base64
import binascii
import datetime
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from .index import INDEX_DIR, dumps

KEY_ENV = "CATALOG_SIGNING_KEY"            # a folder written by `catalog key generate`
KEY_DATA_ENV = "CATALOG_SIGNING_KEY_DATA"  # the same folder as one base64 string (`catalog key export`)

PRIVATE_FILE = "signing.key"
PUBLIC_FILE = "signing.pub"
KEYS_FILE = "keys.json"
SIGNATURE_FILE = "index.sig.json"
SIGNATURE_PATH = f"{INDEX_DIR}/{SIGNATURE_FILE}"
KEYS_PATH = f"{INDEX_DIR}/{KEYS_FILE}"

INDEX_PAYLOAD = "application/vnd.catalog.index-signature+json"
KEYS_PAYLOAD = "application/vnd.catalog.keys+json"
PUBLIC_KEY_TYPE = "catalog-index-public-key"


class SigningError(Exception):
    """A key folder or key file cannot be used; the message says what to do."""


# -- keys -----------------------------------------------------------------------------------

def raw_public(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def keyid(key: Ed25519PublicKey) -> str:
    """The sha256 of the raw 32-byte public key, in hex: how every file names a key."""
    return hashlib.sha256(raw_public(key)).hexdigest()


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def unb64(text: Any, what: str) -> bytes:
    if not isinstance(text, str):
        raise SigningError(f"{what} is not a base64 string")
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise SigningError(f"{what} is not valid base64") from None


def public_key_document(key: Ed25519PublicKey) -> dict[str, str]:
    return {"type": PUBLIC_KEY_TYPE, "algorithm": "ed25519", "keyid": keyid(key), "public_key": b64(raw_public(key))}


def public_key_from(document: Any, what: str) -> Ed25519PublicKey:
    """The key of a `.pub` file or of a keys.json entry; checks that its keyid is its own."""
    if not isinstance(document, dict) or document.get("algorithm") != "ed25519":
        raise SigningError(f"{what}: not an ed25519 public key written by `catalog key generate`")
    raw = unb64(document.get("public_key"), f"{what}: public_key")
    if len(raw) != 32:
        raise SigningError(f"{what}: public_key has {len(raw)} bytes, an ed25519 key has 32")
    key = Ed25519PublicKey.from_public_bytes(raw)
    if "keyid" in document and document["keyid"] != keyid(key):
        raise SigningError(f"{what}: keyid {document['keyid']!r} is not the sha256 of its public_key")
    return key


def load_public_key(path: Path) -> Ed25519PublicKey:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SigningError(f"{path}: cannot read the public key: {exc.strerror or exc}") from None
    if b"PRIVATE KEY" in data:
        raise SigningError(f"{path} is a private key: pin the {PUBLIC_FILE} beside it, and keep this file secret")
    try:
        document = json.loads(data)
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise SigningError(f"{path}: not a public key file (JSON written by `catalog key generate`)") from None
    return public_key_from(document, str(path))


# -- DSSE envelopes ---------------------------------------------------------------------------

def pae(payload_type: str, payload: bytes) -> bytes:
    """DSSE's pre-authentication encoding: what is actually signed."""
    kind = payload_type.encode("utf-8")
    return b"DSSEv1 %d %s %d %s" % (len(kind), kind, len(payload), payload)


def envelope(payload_type: str, document: Mapping[str, Any], keys: list[Ed25519PrivateKey]) -> dict[str, Any]:
    payload = dumps(document)
    message = pae(payload_type, payload)
    signatures = sorted(({"keyid": keyid(k.public_key()), "sig": b64(k.sign(message))} for k in keys),
                        key=lambda s: s["keyid"])
    return {"payload": b64(payload), "payloadType": payload_type, "signatures": signatures}


@dataclass(frozen=True)
class Opened:
    """A DSSE envelope read but not yet trusted: its payload and its (keyid, signature) pairs."""

    payload_type: str
    payload: bytes
    document: dict[str, Any]
    signatures: tuple[tuple[str, bytes], ...]

    def signed_by(self, keys: Mapping[str, Ed25519PublicKey]) -> set[str]:
        """The ids of `keys` whose signature on this envelope verifies."""
        message = pae(self.payload_type, self.payload)
        good = set()
        for kid, sig in self.signatures:
            key = keys.get(kid)
            if key is None:
                continue
            try:
                key.verify(sig, message)
            except InvalidSignature:
                continue
            good.add(kid)
        return good


def open_envelope(data: Any, payload_type: str, what: str) -> Opened:
    if not isinstance(data, dict) or data.get("payloadType") != payload_type:
        raise SigningError(f"{what}: not a signed envelope of type {payload_type}")
    payload = unb64(data.get("payload"), f"{what}: payload")
    signatures = data.get("signatures")
    if not isinstance(signatures, list) or not all(isinstance(s, dict) for s in signatures):
        raise SigningError(f"{what}: no list of signatures")
    pairs = tuple((str(s.get("keyid")), unb64(s.get("sig"), f"{what}: signature")) for s in signatures)
    try:
        document = json.loads(payload.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise SigningError(f"{what}: the payload is not JSON") from None
    if not isinstance(document, dict):
        raise SigningError(f"{what}: the payload is not a JSON object")
    return Opened(payload_type, payload, document, pairs)


# -- signing time ---------------------------------------------------------------------------

def signing_time(when: int | None = None, environ: Mapping[str, str] | None = None) -> int:
    """Seconds since the epoch: `when`, else SOURCE_DATE_EPOCH, else now."""
    if when is not None:
        return when
    value = (os.environ if environ is None else environ).get("SOURCE_DATE_EPOCH", "").strip()
    if value:
        try:
            return int(value)
        except ValueError:
            raise SigningError(f"SOURCE_DATE_EPOCH={value!r} is not a whole number of seconds") from None
    return int(datetime.datetime.now(datetime.timezone.utc).timestamp())


def iso(seconds: int) -> str:
    return datetime.datetime.fromtimestamp(seconds, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
