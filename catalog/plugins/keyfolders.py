"""Key folders: what `catalog key generate` and `catalog key rotate` write (a private key, its
public key to pin, the key history keys.json), reading them back, `catalog key export`'s
one-string form, and the keys a build signs with ($CATALOG_SIGNING_KEY or
$CATALOG_SIGNING_KEY_DATA). The formats and the design are catalog.plugins.signing's.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from .index import dumps
from .signing import (KEY_DATA_ENV, KEY_ENV, KEYS_FILE, KEYS_PAYLOAD, PRIVATE_FILE, PUBLIC_FILE, SigningError, b64,
                      envelope, iso, keyid, open_envelope, public_key_document, raw_public, signing_time, unb64)


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


def keys_document(history: list[dict[str, Any]]) -> bytes:
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
    (folder / KEYS_FILE).write_bytes(keys_document(history))
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
        (path / KEYS_FILE).write_bytes(keys_document(history))
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
