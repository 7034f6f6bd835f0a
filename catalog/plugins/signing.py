"""Signing the download index: keys, the signed files, and what `catalog build` adds.

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
VALIDITY_ENV = "CATALOG_SIGNING_VALIDITY_DAYS"
DEFAULT_VALIDITY_DAYS = 30

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


# -- key folders ----------------------------------------------------------------------------

@dataclass
class KeyFolder:
    """What `catalog key generate` (or `rotate`) wrote: a private key and the key history."""

    private: Ed25519PrivateKey
    history: list[dict[str, Any]]   # keys.json's envelopes, oldest first
    where: str

    @property
    def public(self) -> Ed25519PublicKey:
        return self.private.public_key()

    @property
    def privates(self) -> list[Ed25519PrivateKey]:
        return [self.private]

    def latest(self) -> dict[str, Any]:
        return open_envelope(self.history[-1], KEYS_PAYLOAD, f"{self.where}/{KEYS_FILE}").document


@dataclass
class SigningKeys:
    """Several key folders that sign together: a key set whose threshold is above 1."""

    privates: list[Ed25519PrivateKey]
    history: list[dict[str, Any]]
    where: str

    def latest(self) -> dict[str, Any]:
        return open_envelope(self.history[-1], KEYS_PAYLOAD, f"{self.where}/{KEYS_FILE}").document


def combine(folders: list[KeyFolder]) -> KeyFolder | SigningKeys:
    """The folders' keys, checked to belong to the latest key set of one key history, and enough
    of them for its threshold."""
    longest = max(folders, key=lambda f: len(f.history))
    for folder in folders:
        if folder.history != longest.history[:len(folder.history)]:
            raise SigningError(f"{folder.where} and {longest.where} hold different key histories; give the folders "
                               "that `catalog key rotate` wrote last")
    latest = longest.latest()
    privates: dict[str, Ed25519PrivateKey] = {}
    for folder in folders:
        if keyid(folder.public) not in latest.get("keys", {}):
            raise SigningError(f"{folder.where}: its key is not in key set version {latest.get('version')} "
                               f"of {longest.where}/{KEYS_FILE} (it was rotated out)")
        privates.setdefault(keyid(folder.public), folder.private)
    threshold = int(latest.get("threshold", 1))
    if len(privates) < threshold:
        raise SigningError(f"key set version {latest.get('version')} needs {threshold} signatures and "
                           f"{len(privates)} key folder(s) are given; list the others in ${KEY_ENV} separated by "
                           f"'{os.pathsep}' (or export them together)")
    if len(folders) == 1:
        return folders[0]
    return SigningKeys(list(privates.values()), longest.history, longest.where)


def _private_pem(key: Ed25519PrivateKey) -> bytes:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


def _keys_document(history: list[dict[str, Any]]) -> bytes:
    return dumps({"schema_version": "1.0", "versions": history})


def _write_folder(folder: Path, key: Ed25519PrivateKey, history: list[dict[str, Any]]) -> list[Path]:
    if (folder / PRIVATE_FILE).exists():
        raise SigningError(f"{folder}: already holds a key ({PRIVATE_FILE}); choose an empty folder, "
                           "a key is never overwritten")
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    private = folder / PRIVATE_FILE
    # created private (0600) before any byte is written
    with open(os.open(private, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as out:
        out.write(_private_pem(key))
    public = folder / PUBLIC_FILE
    public.write_bytes(dumps(public_key_document(key.public_key())))
    (folder / KEYS_FILE).write_bytes(_keys_document(history))
    return [private, public, folder / KEYS_FILE]


def _key_set(version: int, keys: list[Ed25519PublicKey], revoked: list[str], when: int,
             threshold: int = 1) -> dict[str, Any]:
    return {"type": "catalog-keys", "version": version, "threshold": threshold, "issued": iso(when),
            "keys": {keyid(k): {"algorithm": "ed25519", "public_key": b64(raw_public(k))} for k in keys},
            "revoked": sorted(set(revoked))}


def generate(folder: Path, when: int | None = None) -> list[Path]:
    """A new key in `folder` and a key history whose first entry names it."""
    key = Ed25519PrivateKey.generate()
    entry = envelope(KEYS_PAYLOAD, _key_set(1, [key.public_key()], [], signing_time(when)), [key])
    return _write_folder(folder, key, [entry])


def rotate(old: Path, new: Path, revoke: bool = False, when: int | None = None, also: tuple[Path, ...] = (),
           threshold: int = 1) -> list[Path]:
    """A new key in `new`, announced by the next key-history entry, signed by the old key and the new.

    With `revoke`, the old key is listed as revoked (compromised: clients refuse anything it
    signs from then on); without, it is only retired from the current set. The folders `also`
    (other holders' keys, from `catalog key generate` or members of the current set) join the
    new set, which then needs `threshold` signatures; their keys.json is brought up to date."""
    current = load_folder(old)
    latest = current.latest()
    others = [load_folder(path) for path in also]
    key = Ed25519PrivateKey.generate()
    members = {keyid(k.public_key()): k for k in [key, *(o.private for o in others)]}
    if not 1 <= threshold <= len(members):
        raise SigningError(f"--threshold {threshold}: the new key set has {len(members)} key(s)")
    if keyid(current.public) in members:
        raise SigningError(f"{old} cannot join the set that replaces its key; give another folder")
    previous = {keyid(f.public): f.private for f in [current, *others] if keyid(f.public) in latest["keys"]}
    if len(previous) < int(latest.get("threshold", 1)):
        raise SigningError(f"key set version {latest['version']} needs {latest['threshold']} signatures to announce "
                           "its successor; give its other key folders with --with")
    revoked = list(latest.get("revoked", [])) + ([keyid(current.public)] if revoke else [])
    entry = envelope(KEYS_PAYLOAD, _key_set(int(latest["version"]) + 1, [k.public_key() for k in members.values()],
                                           revoked, signing_time(when), threshold),
                     list({**previous, **members}.values()))
    history = current.history + [entry]
    written = _write_folder(new, key, history)
    for path in also:   # each holder can now sign with its folder
        (path / KEYS_FILE).write_bytes(_keys_document(history))
    return written


def load_folder(folder: Path) -> KeyFolder:
    try:
        pem = (folder / PRIVATE_FILE).read_bytes()
        keys = json.loads((folder / KEYS_FILE).read_bytes())
    except FileNotFoundError as exc:
        raise SigningError(f"{folder}: no {Path(exc.filename).name}; write a key with `catalog key generate "
                           f"{folder}`") from None
    except OSError as exc:
        raise SigningError(f"{folder}: cannot read the key: {exc.strerror or exc}") from None
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise SigningError(f"{folder}/{KEYS_FILE}: not valid JSON") from None
    return _folder_from(pem, keys, str(folder))


def _folder_from(pem: bytes, keys: Any, where: str) -> KeyFolder:
    try:
        private = serialization.load_pem_private_key(pem, password=None)
    except (ValueError, TypeError):
        raise SigningError(f"{where}/{PRIVATE_FILE}: not an unencrypted PEM private key") from None
    if not isinstance(private, Ed25519PrivateKey):
        raise SigningError(f"{where}/{PRIVATE_FILE}: not an ed25519 key")
    history = keys.get("versions") if isinstance(keys, dict) else None
    if not isinstance(history, list) or not history:
        raise SigningError(f"{where}/{KEYS_FILE}: no key history (\"versions\")")
    folder = KeyFolder(private, history, where)
    if keyid(private.public_key()) not in folder.latest().get("keys", {}):
        raise SigningError(f"{where}: its key is not in the latest entry of {KEYS_FILE} (it was rotated out); "
                           "sign with the folder `catalog key rotate` wrote")
    return folder


def export(*folders: Path) -> str:
    """The folders as one base64 string, for a build environment variable (CATALOG_SIGNING_KEY_DATA)."""
    combine([load_folder(folder) for folder in folders])  # refuse to export what the build cannot use
    bundles = [{PRIVATE_FILE: (folder / PRIVATE_FILE).read_text("ascii"),
                KEYS_FILE: json.loads((folder / KEYS_FILE).read_bytes())} for folder in folders]
    document = bundles[0] if len(bundles) == 1 else bundles
    return b64(json.dumps(document, sort_keys=True, separators=(",", ":")).encode("utf-8"))


def from_environment(environ: Mapping[str, str], project: Path) -> KeyFolder | SigningKeys | None:
    """The keys the build signs with, or None when none is configured."""
    data = environ.get(KEY_DATA_ENV, "").strip()
    if data:
        try:
            document = json.loads(unb64(data, KEY_DATA_ENV).decode("utf-8"))
            bundles = document if isinstance(document, list) else [document]
            folders = [_folder_from(b[PRIVATE_FILE].encode("ascii"), b[KEYS_FILE], f"${KEY_DATA_ENV} ({n})")
                       for n, b in enumerate(bundles, 1)]
        except (KeyError, TypeError, ValueError, UnicodeError, AttributeError, RecursionError):
            raise SigningError(f"${KEY_DATA_ENV} is not what `catalog key export DIR` prints") from None
        return combine(folders) if folders else None
    value = environ.get(KEY_ENV, "").strip()
    if not value:
        return None
    paths = []
    for folder in filter(None, value.split(os.pathsep)):
        path = Path(folder).expanduser().resolve()
        if path == project or project in path.parents:
            raise SigningError(f"${KEY_ENV} ({folder}) is inside the project folder, where it could be committed "
                               "or published; keep the key folder outside the repository")
        paths.append(path)
    return combine([load_folder(path) for path in paths]) if paths else None


# -- signing the index ----------------------------------------------------------------------

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


def validity_days(environ: Mapping[str, str]) -> int:
    value = environ.get(VALIDITY_ENV, "").strip()
    if not value:
        return DEFAULT_VALIDITY_DAYS
    try:
        days = int(value)
    except ValueError:
        days = 0
    if not 1 <= days <= 3660:
        raise SigningError(f"${VALIDITY_ENV}={value!r}: give a whole number of days from 1 to 3660")
    return days


def sign_index(folder: KeyFolder | SigningKeys, root_sha256: str, root_size: int, when: int,
               days: int) -> dict[str, bytes]:
    """The two files a signed build adds to the index, by site path."""
    latest = folder.latest()
    document = {"type": "catalog-index", "index": {"path": "index.json", "sha256": root_sha256, "size": root_size},
                "version": when, "signed": iso(when), "expires": iso(when + days * 86400),
                "keys_version": latest["version"]}
    return {SIGNATURE_PATH: dumps(envelope(INDEX_PAYLOAD, document, folder.privates)),
            KEYS_PATH: _keys_document(folder.history)}


def describe(site: Path) -> str | None:
    """What the build summary says of the index in `site`: signed by whom until when, or unsigned."""
    if not (site / INDEX_DIR / "index.json").is_file():
        return None
    try:
        opened = open_envelope(json.loads((site / SIGNATURE_PATH).read_bytes()), INDEX_PAYLOAD, SIGNATURE_PATH)
    except (OSError, ValueError, SigningError):
        return f"download index NOT signed: no ${KEY_ENV}"
    kids = ", ".join(kid[:16] for kid, _ in opened.signatures)
    return (f"download index signed by key {kids}, version {opened.document.get('version')}, "
            f"expires {opened.document.get('expires')}")


def build_signature(project: Path, files: Mapping[str, Any], report: Any,
                    environ: Mapping[str, str] | None = None) -> dict[str, bytes]:
    """The signature files for the index among `files` (site path -> bytes or cache.Stored), when a
    key is configured; a key that cannot be used is an error of the build, never an unsigned index."""
    from .cache import digest_and_size
    from .index import ROOT_FILE

    environ = os.environ if environ is None else environ
    if ROOT_FILE not in files:
        return {}
    try:
        folder = from_environment(environ, project)
        if folder is None:
            return {}
        sha256, size = digest_and_size(files[ROOT_FILE])
        return sign_index(folder, sha256, size, signing_time(None, environ), validity_days(environ))
    except SigningError as exc:
        report.error(f"${KEY_DATA_ENV if environ.get(KEY_DATA_ENV) else KEY_ENV}", 0, 0, "signing-key", str(exc),
                     "fix the variable (see the docs page “Signed index”) or unset it to build unsigned")
        return {}
