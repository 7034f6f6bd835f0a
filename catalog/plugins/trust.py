"""Verifying a signed download index before trusting anything it says.

Order (the one content/consuming/signed-index.md gives client authors):

1. Start from the pinned public keys (`--trust FILE.pub`) or, when this client has seen
   the index before, from the key set it trusted then (its state file).
2. Read `keys.json` and follow the key history: each newer entry must be signed by the
   threshold of the entry before and by its own threshold. A client pinned to an old key
   so learns the current keys; an entry older than the one already trusted is a replay.
3. Read `index.sig.json`: its signatures must include the threshold of the current keys;
   a signature by a revoked key is refused as such.
4. Its payload: `version` not lower than the last one seen (rollback), `expires` in the
   future (freeze), and the root file's sha256 and size exactly those signed.
5. Only then record the new version and key set in the state file, and read on: the
   root pins the plugin files, which pin the wagons.
"""
from __future__ import annotations

import datetime
import hashlib
import json
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable
from urllib.parse import urljoin

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from .signing import (INDEX_PAYLOAD, KEYS_FILE, KEYS_PAYLOAD, SIGNATURE_FILE, SigningError, b64, iso, keyid,
                      load_public_key, open_envelope, public_key_from, unb64)

STATE_ENV = "CATALOG_TRUST_STATE"


class TrustError(Exception):
    """The index cannot be trusted; the message says why and what to do. Nothing was downloaded."""


def default_state_dir() -> Path:
    """$CATALOG_TRUST_STATE, else $XDG_STATE_HOME/catalog/trust (~/.local/state/...): not a cache,
    since deleting it drops the protection against replayed indexes."""
    if os.environ.get(STATE_ENV):
        return Path(os.environ[STATE_ENV]).expanduser()
    base = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(base) / "catalog" / "trust"


@dataclass
class KeySet:
    version: int
    keys: dict[str, Ed25519PublicKey]
    threshold: int
    revoked: set[str] = field(default_factory=set)

    def as_dict(self) -> dict[str, Any]:
        return {"version": self.version, "threshold": self.threshold, "revoked": sorted(self.revoked),
                "keys": {kid: b64(key.public_bytes_raw()) for kid, key in sorted(self.keys.items())}}


@dataclass(frozen=True)
class Verified:
    """What a verified index's signature says."""

    version: int
    signed: str
    expires: str
    keys_version: int
    signed_by: tuple[str, ...]


@dataclass
class Trust:
    """The pinned keys, where this client keeps what it has seen, and the clock (for tests)."""

    pinned: dict[str, Ed25519PublicKey]
    state_dir: Path | None = None   # None: default_state_dir()
    now: Callable[[], float] = time.time
    remember: bool = True           # False: no state read or written (`catalog check` of a built site)

    @classmethod
    def from_files(cls, paths: list[Path], state_dir: Path | None = None,
                   now: Callable[[], float] = time.time) -> "Trust":
        if not paths:
            raise TrustError("no public key to trust: name the publisher's .pub file")
        try:
            keys = [load_public_key(Path(p)) for p in paths]
        except SigningError as exc:
            raise TrustError(str(exc)) from None
        return cls({keyid(k): k for k in keys}, state_dir, now)

    @property
    def anchor(self) -> str:
        """Names the state file: one per set of pinned keys (one publisher), whichever mirror serves it."""
        return hashlib.sha256(",".join(sorted(self.pinned)).encode()).hexdigest()[:32]

    def state_file(self) -> Path:
        return (self.state_dir or default_state_dir()) / f"{self.anchor}.json"

    def verify(self, root_url: str, root: bytes, fetch: Callable[[str], bytes]) -> Verified:
        """Verify the root file `root` read from `root_url`; raises TrustError. `fetch` reads a URL."""
        state = self._load_state()
        keys_url = urljoin(root_url, KEYS_FILE)
        sig_url = urljoin(root_url, SIGNATURE_FILE)
        history = _read_json(keys_url, fetch, "the key history")
        current = self._follow(history, keys_url, state)
        verified = self._check_signature(_read_json(sig_url, fetch, "the signature"), sig_url, current, root,
                                         root_url, state)
        self._save_state(current, verified, hashlib.sha256(root).hexdigest(), root_url)
        return verified

    # -- 2. the key history ---------------------------------------------------------------

    def _follow(self, history: Any, url: str, state: dict[str, Any] | None) -> KeySet:
        versions = history.get("versions") if isinstance(history, dict) else None
        if not isinstance(versions, list) or not versions:
            raise TrustError(f"{url}: no key history (\"versions\"); not a signed catalog index")
        current = _keyset_from_state(state) if state else None
        revoked: set[str] = set(current.revoked) if current else set()
        latest_version = 0
        for number, raw in enumerate(versions, 1):
            try:
                opened = open_envelope(raw, KEYS_PAYLOAD, f"{url} entry {number}")
                entry = _keyset(opened.document, f"{url} entry {number}")
            except SigningError as exc:
                raise TrustError(str(exc)) from None
            if entry.version != number:
                raise TrustError(f"{url}: entry {number} says version {entry.version}; the history is not in order")
            latest_version = entry.version
            if current is not None and entry.version <= current.version:
                continue   # known already
            own = opened.signed_by(entry.keys)
            if current is None:
                # the first entry a pinned key signs is where this client's trust starts
                if not (own & set(self.pinned)) or len(own) < entry.threshold:
                    continue
            else:
                if entry.version != current.version + 1:
                    raise TrustError(f"{url}: key history jumps from version {current.version} to {entry.version}")
                # keys revoked before are not in `current`; one this entry revokes still signs it
                by_previous = opened.signed_by(current.keys)
                if len(by_previous) < current.threshold or len(own) < entry.threshold:
                    raise TrustError(
                        f"{url}: key history version {entry.version} is not signed by {current.threshold} key(s) "
                        f"of version {current.version} and {entry.threshold} of its own: a forged key "
                        "announcement; refusing the index")
            revoked |= entry.revoked   # only from entries verified here: an unverified one could claim anything
            if entry.keys.keys() & revoked:
                raise TrustError(f"{url}: key history version {entry.version} names a revoked key "
                                 f"{sorted(entry.keys.keys() & revoked)[0][:16]}; refusing the index")
            current = entry
        if current is None:
            pins = ", ".join(k[:16] for k in sorted(self.pinned))
            raise TrustError(f"{url}: no entry of the key history is signed by a key you pinned ({pins}): "
                             "this index is signed by an unknown key; check that --trust names the "
                             "publisher's current .pub file")
        if latest_version < current.version:
            raise TrustError(
                f"{url}: key history version {latest_version} is older than version {current.version} this client "
                f"already trusts ({self.state_file()}): a replayed old key history; try again later or another "
                "mirror")
        current.revoked = revoked
        return current

    # -- 3. and 4. the signature and its payload --------------------------------------------

    def _check_signature(self, raw: Any, url: str, keys: KeySet, root: bytes, root_url: str,
                         state: dict[str, Any] | None) -> Verified:
        try:
            opened = open_envelope(raw, INDEX_PAYLOAD, url)
        except SigningError as exc:
            raise TrustError(str(exc)) from None
        good = opened.signed_by(keys.keys)
        if len(good) < keys.threshold:
            claimed = [kid for kid, _ in opened.signatures]
            if any(kid in keys.revoked for kid in claimed):
                bad = next(kid for kid in claimed if kid in keys.revoked)
                raise TrustError(f"{url}: signed by the revoked key {bad[:16]}: the key was withdrawn as "
                                 "compromised; refusing the index and downloading nothing")
            if good:
                raise TrustError(f"{url}: signed by {len(good)} of the keys of key history version {keys.version}, "
                                 f"which requires {keys.threshold}; refusing the index")
            known = [kid for kid in claimed if kid in keys.keys]
            if known:
                raise TrustError(f"{url}: the signature does not verify (by key {known[0][:16]}): the signed "
                                 "file was altered; refusing the index")
            who = ", ".join(kid[:16] for kid in claimed) or "nobody"
            raise TrustError(f"{url}: signed by an unknown key ({who}), not one of the {len(keys.keys)} key(s) "
                             f"of key history version {keys.version} that you trust; refusing the index")
        doc = opened.document
        try:
            version, expires, signed = int(doc["version"]), str(doc["expires"]), str(doc["signed"])
            expected_sha, expected_size = str(doc["index"]["sha256"]), int(doc["index"]["size"])
            keys_version = int(doc.get("keys_version", 0))
            expiry = datetime.datetime.strptime(expires, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=datetime.timezone.utc)
        except (KeyError, TypeError, ValueError):
            raise TrustError(f"{url}: the signed payload lacks version, expires or the index digest") from None
        if doc.get("type") != "catalog-index":
            raise TrustError(f"{url}: the signed payload is not an index signature")
        if state and isinstance(state.get("index_version"), int):
            seen = state["index_version"]
            if version < seen:
                raise TrustError(
                    f"{url}: index version {version} (signed {signed}) is older than version {seen} this client "
                    f"has already seen: a mirror or cache serves an old index, or it is replayed; refusing it "
                    "(try again later, or another mirror)")
            if version == seen and state.get("index_sha256") not in (None, hashlib.sha256(root).hexdigest()):
                raise TrustError(f"{url}: index version {version} differs from the index of the same version "
                                 "seen before; refusing it")
        now = self.now()
        if expiry.timestamp() <= now:
            raise TrustError(
                f"{url}: the index signature expired at {expires} (signed {signed}; now {iso(int(now))}): the "
                "site has not been rebuilt since, so it may hide newer releases or withdrawals; refusing it. "
                "Ask the publisher to rebuild and deploy the site (a scheduled build renews the signature)")
        actual_sha = hashlib.sha256(root).hexdigest()
        if actual_sha != expected_sha or len(root) != expected_size:
            raise TrustError(
                f"{root_url}: sha256 {actual_sha} ({len(root)} bytes) is not the signed {expected_sha} "
                f"({expected_size} bytes): the root file was altered or is from another build; refusing it")
        return Verified(version, signed, expires, keys_version, tuple(sorted(good)))

    # -- state ------------------------------------------------------------------------------

    def _load_state(self) -> dict[str, Any] | None:
        if not self.remember:
            return None
        path = self.state_file()
        try:
            state = json.loads(path.read_bytes())
        except FileNotFoundError:
            return None
        except (OSError, ValueError, UnicodeDecodeError, RecursionError) as exc:
            raise TrustError(f"{path}: cannot read this client's trust state ({exc}); delete the file to trust "
                             "the index afresh (this forgets which versions were seen)") from None
        if not isinstance(state, dict) or not isinstance(state.get("keys"), dict):
            raise TrustError(f"{path}: not a trust state file; delete it to trust the index afresh")
        return state

    def _save_state(self, keys: KeySet, verified: Verified, sha256: str, url: str) -> None:
        if not self.remember:
            return
        path = self.state_file()
        state = {"index_version": verified.version, "index_sha256": sha256, "expires": verified.expires,
                 "keys": keys.as_dict(), "url": url}
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            partial = path.with_name(f".{path.name}.{os.getpid()}.part")
            partial.write_text(json.dumps(state, indent=2, sort_keys=True) + "\n")
            os.replace(partial, path)   # a crash leaves the old state, never half a file
        except OSError as exc:
            raise TrustError(f"{path}: cannot record the verified index version: {exc.strerror or exc}; "
                             "pass --state DIR with a writable folder") from None


def _read_json(url: str, fetch: Callable[[str], bytes], what: str) -> Any:
    try:
        data = fetch(url)
    except Exception as exc:   # the resolver's fetch raises its own error type; its message is clear
        raise TrustError(f"the index is not signed, or its signature files are missing: cannot read {what} "
                         f"({exc}); with --trust an unsigned index is refused (the publisher signs it by building "
                         "with CATALOG_SIGNING_KEY)") from None
    try:
        return json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):   # RecursionError: nested too deep
        raise TrustError(f"{url}: {what} is not valid JSON") from None


def _keyset(document: dict[str, Any], what: str) -> KeySet:
    try:
        keys = {kid: public_key_from(value, f"{what} key {kid[:16]}") for kid, value in document["keys"].items()}
        for kid, key in keys.items():
            if keyid(key) != kid:
                raise SigningError(f"{what}: key id {kid[:16]} is not the sha256 of its key")
        entry = KeySet(int(document["version"]), keys, int(document.get("threshold", 1)),
                       set(document.get("revoked", [])))
    except (KeyError, TypeError, ValueError, AttributeError):
        raise SigningError(f"{what}: not a key set (version, keys, threshold)") from None
    if not 1 <= entry.threshold <= len(keys):
        raise SigningError(f"{what}: threshold {entry.threshold} with {len(keys)} key(s)")
    return entry


def _keyset_from_state(state: dict[str, Any]) -> KeySet:
    try:
        keys = state["keys"]
        return KeySet(int(keys["version"]), {kid: Ed25519PublicKey.from_public_bytes(unb64(v, "state key"))
                                             for kid, v in keys["keys"].items()},
                      int(keys["threshold"]), set(keys.get("revoked", [])))
    except (KeyError, TypeError, ValueError, AttributeError, SigningError):
        raise TrustError("the trust state file is damaged; delete it to trust the index afresh") from None
