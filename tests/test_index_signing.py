"""The signed download index: `catalog key`, signing at build time, and every refusal of
`catalog resolve --trust` (over HTTP, nothing downloaded), rotation and revocation, and
`catalog check --trust`."""
from __future__ import annotations

import base64
import hashlib
import json
import shutil
import time
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from catalog.cli import main as catalog
from catalog.plugins import indexsignature, keyfolders, signing
from catalog.plugins.resolver import resolve
from catalog.plugins.transfer import ResolveError
from catalog.plugins.trust import Trust
from plugins_fixtures.project import build_ok, publish, static_host, wagon_project
from test_plugins_resolver import run  # `catalog resolve` run in-process, with its output

ECHO = dict(manager_version="6.4.0", distribution="centos", release="core", arch="x86_64", python_tag="py311")
DAY = 86400
NOW = int(time.time())


@pytest.fixture(scope="module")
def unsigned(tmp_path_factory):
    """Our index built from real wagons, published into a folder, not signed."""
    built = build_ok(wagon_project(tmp_path_factory.mktemp("project")))
    return publish(built.files, tmp_path_factory.mktemp("site"))


@pytest.fixture
def keys(tmp_path):
    keyfolders.generate(tmp_path / "keys")
    return tmp_path / "keys"


def site_copy(unsigned: Path, where: Path) -> Path:
    shutil.copytree(unsigned, where)
    return where


def sign(site: Path, key_dir: Path, when: int = NOW, days: int = 30, also: tuple[Path, ...] = ()) -> dict[str, bytes]:
    """What a build with CATALOG_SIGNING_KEY=key_dir[:also...] and SOURCE_DATE_EPOCH=when adds to `site`."""
    root = (site / "index/v1/index.json").read_bytes()
    keys = keyfolders.combine([keyfolders.load_folder(d) for d in (key_dir, *also)])
    files = indexsignature.sign_index(keys, hashlib.sha256(root).hexdigest(), len(root), when, days)
    publish(files, site)
    return files


def trusting(pub: Path, state: Path, now: float | None = None) -> Trust:
    return Trust.from_files([pub], state, now=(lambda: now) if now is not None else time.time)


PLATFORM = ["--manager-version", "6.4.0", "--distribution", "centos", "--release", "core", "--arch", "x86_64",
            "--python", "py311"]


def refused(site: Path, pub: Path, state: Path, dest: Path, capsys) -> str:
    """Run `catalog resolve --trust --download` against `site` over HTTP: it must fail, download nothing."""
    with static_host(site) as base:
        code, out, err = run(["cloudify-echo-plugin", *PLATFORM, "--index", base, "--trust", str(pub),
                              "--state", str(state), "--download", str(dest)], capsys)
    assert code == 2, out + err
    assert out == ""
    assert not dest.exists() or list(dest.iterdir()) == []
    return err


# -- keys -----------------------------------------------------------------------------------

def test_generate_writes_a_private_key_a_pub_file_and_the_key_history(tmp_path, capsys):
    assert catalog(["key", "generate", str(tmp_path / "k")]) == 0
    out = capsys.readouterr().out
    assert "clients pin " + str(tmp_path / "k" / "signing.pub") in out
    assert (tmp_path / "k" / "signing.key").stat().st_mode & 0o077 == 0   # private: owner only
    pub = json.loads((tmp_path / "k" / "signing.pub").read_text())
    assert pub["algorithm"] == "ed25519" and len(base64.b64decode(pub["public_key"])) == 32
    assert "PRIVATE" not in (tmp_path / "k" / "signing.pub").read_text()
    # never overwrites a key
    assert catalog(["key", "generate", str(tmp_path / "k")]) == 2
    assert "already holds a key" in capsys.readouterr().err


# -- signing at build time ------------------------------------------------------------------

@pytest.fixture
def project(tmp_path):
    assert catalog(["new", str(tmp_path / "site")]) == 0
    return tmp_path / "site"


def test_build_without_a_key_says_plainly_the_index_is_unsigned(project, capsys, monkeypatch):
    monkeypatch.delenv(signing.KEY_ENV, raising=False)
    monkeypatch.delenv(signing.KEY_DATA_ENV, raising=False)
    assert catalog(["build", "--project", str(project)]) == 0
    assert "(download index NOT signed: no $CATALOG_SIGNING_KEY)" in capsys.readouterr().err
    assert not (project / "public" / signing.SIGNATURE_PATH).exists()


def test_build_signs_deterministically_from_a_folder_or_an_exported_variable(project, keys, tmp_path, capsys,
                                                                              monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1765000000")
    monkeypatch.setenv(signing.KEY_ENV, str(keys))
    assert catalog(["build", "--project", str(project), "--out", str(tmp_path / "a")]) == 0
    err = capsys.readouterr().err
    assert "download index signed by key " in err and "version 1765000000, expires 2026-01-05T05:46:40Z" in err
    monkeypatch.delenv(signing.KEY_ENV)
    monkeypatch.setenv(signing.KEY_DATA_ENV, keyfolders.export(keys))   # what Netlify's variable holds
    assert catalog(["build", "--project", str(project), "--out", str(tmp_path / "b"), "--no-cache"]) == 0
    for rel in (signing.SIGNATURE_PATH, signing.KEYS_PATH):
        assert (tmp_path / "a" / rel).read_bytes() == (tmp_path / "b" / rel).read_bytes()
    # and the built site verifies
    assert catalog(["check", str(tmp_path / "a"), "--trust", str(keys / "signing.pub")]) == 1  # expired: 2026-01
    assert "the index signature expired at 2026-01-05T05:46:40Z" in capsys.readouterr().out
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    assert catalog(["build", "--project", str(project), "--out", str(tmp_path / "c")]) == 0
    capsys.readouterr()
    assert catalog(["check", str(tmp_path / "c"), "--trust", str(keys / "signing.pub")]) == 0
    assert "index signature verified: version " in capsys.readouterr().out


def test_a_key_that_cannot_be_used_fails_the_build(project, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv(signing.KEY_ENV, str(tmp_path / "nowhere"))
    assert catalog(["build", "--project", str(project)]) == 1
    err = capsys.readouterr().err
    assert "$CATALOG_SIGNING_KEY: error:" in err and "no signing.key" in err and "[signing-key]" in err
    keyfolders.generate(project / "keys")
    monkeypatch.setenv(signing.KEY_ENV, str(project / "keys"))
    assert catalog(["build", "--project", str(project)]) == 1
    assert "inside the project folder" in capsys.readouterr().err


# -- verification: accepted, then each refusal ------------------------------------------------

def test_signed_index_verifies_and_downloads(unsigned, keys, tmp_path, capsys):
    site = site_copy(unsigned, tmp_path / "site")
    sign(site, keys)
    with static_host(site) as base:
        code, out, err = run(["cloudify-echo-plugin", *PLATFORM, "--index", base, "--trust",
                              str(keys / "signing.pub"), "--state", str(tmp_path / "state"),
                              "--download", str(tmp_path / "dl")], capsys)
    assert code == 0, err
    assert f"index signature verified: version {NOW}" in err
    assert len(list((tmp_path / "dl").iterdir())) == 2
    state = json.loads(next((tmp_path / "state").iterdir()).read_text())
    assert state["index_version"] == NOW


def test_unsigned_index_is_refused(unsigned, keys, tmp_path, capsys):
    err = refused(unsigned, keys / "signing.pub", tmp_path / "state", tmp_path / "dl", capsys)
    assert "untrusted index: the index is not signed, or its signature files are missing: cannot read the key " \
           "history" in err and "HTTP 404" in err
    assert "with --trust an unsigned index is refused" in err


def test_tampered_root_is_refused(unsigned, keys, tmp_path, capsys):
    site = site_copy(unsigned, tmp_path / "site")
    sign(site, keys)
    root = site / "index/v1/index.json"
    root.write_text(root.read_text().replace('"Echo"', '"Echo!"'))
    err = refused(site, keys / "signing.pub", tmp_path / "state", tmp_path / "dl", capsys)
    assert "is not the signed" in err and "the root file was altered" in err


def test_tampered_plugin_file_is_refused(unsigned, keys, tmp_path, capsys):
    site = site_copy(unsigned, tmp_path / "site")
    sign(site, keys)
    plugin = site / "index/v1/plugins/cloudify-echo-plugin.json"
    plugin.write_text(plugin.read_text().replace('"version": "1.0.0"', '"version": "1.0.1"'))
    err = refused(site, keys / "signing.pub", tmp_path / "state", tmp_path / "dl", capsys)
    assert "differs from the root file's" in err and "altered after signing" in err


def test_tampered_signature_is_refused(unsigned, keys, tmp_path, capsys):
    site = site_copy(unsigned, tmp_path / "site")
    sign(site, keys)
    path = site / signing.SIGNATURE_PATH
    envelope = json.loads(path.read_text())
    payload = json.loads(base64.b64decode(envelope["payload"]))
    payload["expires"] = "2099-01-01T00:00:00Z"   # an attacker extending an index's life
    envelope["payload"] = base64.b64encode(json.dumps(payload).encode()).decode()
    path.write_text(json.dumps(envelope))
    err = refused(site, keys / "signing.pub", tmp_path / "state", tmp_path / "dl", capsys)
    assert "the signature does not verify" in err and "was altered" in err


def test_replayed_older_index_is_refused(unsigned, keys, tmp_path, capsys):
    old = site_copy(unsigned, tmp_path / "old")
    sign(old, keys, when=NOW - DAY)
    new = site_copy(unsigned, tmp_path / "new")
    sign(new, keys, when=NOW)
    trust = trusting(keys / "signing.pub", tmp_path / "state")
    with static_host(new) as base:
        assert resolve("cloudify-echo-plugin", index=base, trust=trust, **ECHO).signature.version == NOW
    err = refused(old, keys / "signing.pub", tmp_path / "state", tmp_path / "dl", capsys)
    assert f"index version {NOW - DAY}" in err and f"is older than version {NOW} this client has already seen" in err
    # a client with no memory of the newer one accepts it: the state is what protects
    with static_host(old) as base:
        resolve("cloudify-echo-plugin", index=base, trust=trusting(keys / "signing.pub", tmp_path / "s2"), **ECHO)


def test_expired_index_is_refused_with_what_to_do(unsigned, keys, tmp_path, capsys):
    site = site_copy(unsigned, tmp_path / "site")
    sign(site, keys, when=NOW - 31 * DAY, days=30)
    err = refused(site, keys / "signing.pub", tmp_path / "state", tmp_path / "dl", capsys)
    assert "the index signature expired at" in err and "Ask the publisher to rebuild and deploy the site" in err


def test_index_signed_by_an_unknown_key_is_refused(unsigned, keys, tmp_path, capsys):
    site = site_copy(unsigned, tmp_path / "site")
    keyfolders.generate(tmp_path / "attacker")
    sign(site, tmp_path / "attacker")
    err = refused(site, keys / "signing.pub", tmp_path / "state", tmp_path / "dl", capsys)
    assert "signed by an unknown key" in err
    # the attacker keeps the real key history but signs the index with its own key
    publish({signing.KEYS_PATH: (keys / "keys.json").read_bytes()}, site)
    err = refused(site, keys / "signing.pub", tmp_path / "state", tmp_path / "dl", capsys)
    key = signing.keyid(keyfolders.load_folder(tmp_path / "attacker").public)[:16]
    assert f"signed by an unknown key ({key})" in err


def test_forged_key_announcement_is_refused(unsigned, keys, tmp_path, capsys):
    """An attacker appends a key-history entry naming its key, signed by that key only."""
    site = site_copy(unsigned, tmp_path / "site")
    history = json.loads((keys / "keys.json").read_text())
    attacker = Ed25519PrivateKey.generate()
    entry = {"type": "catalog-keys", "version": 2, "threshold": 1, "issued": "2026-01-01T00:00:00Z", "revoked": [],
             "keys": {signing.keyid(attacker.public_key()): {
                 "algorithm": "ed25519", "public_key": signing.b64(signing.raw_public(attacker.public_key()))}}}
    history["versions"].append(signing.envelope(signing.KEYS_PAYLOAD, entry, [attacker]))
    forged = keyfolders.KeyFolder(attacker, history["versions"], "attacker")
    root = (site / "index/v1/index.json").read_bytes()
    publish(indexsignature.sign_index(forged, hashlib.sha256(root).hexdigest(), len(root), NOW, 30), site)
    err = refused(site, keys / "signing.pub", tmp_path / "state", tmp_path / "dl", capsys)
    assert "key history version 2 is not signed by 1 key(s) of version 1" in err and "forged" in err


# -- rotation and revocation ------------------------------------------------------------------

def test_rotation_a_client_pinned_to_the_old_key_follows_the_announcement(unsigned, keys, tmp_path, capsys):
    site = site_copy(unsigned, tmp_path / "site")
    sign(site, keys, when=NOW - 2 * DAY)
    old_pub = keys / "signing.pub"
    seen = trusting(old_pub, tmp_path / "state")          # a client that saw the old key's index
    with static_host(site) as base:
        resolve("cloudify-echo-plugin", index=base, trust=seen, **ECHO)
    assert catalog(["key", "rotate", str(keys), str(tmp_path / "new")]) == 0
    capsys.readouterr()
    sign(site, tmp_path / "new", when=NOW - DAY)
    new_id = signing.keyid(keyfolders.load_folder(tmp_path / "new").public)
    with static_host(site) as base:
        for trust in (seen, trusting(old_pub, tmp_path / "fresh")):   # with and without state
            chosen = resolve("cloudify-echo-plugin", index=base, trust=trust, **ECHO)
            assert chosen.signature.signed_by == (new_id,) and chosen.signature.keys_version == 2
    # the retired old key can no longer sign an index
    sign(site, tmp_path / "new", when=NOW)
    keys_file = (site / signing.KEYS_PATH).read_bytes()
    sign(site, keys, when=NOW)
    publish({signing.KEYS_PATH: keys_file}, site)
    err = refused(site, old_pub, tmp_path / "state", tmp_path / "dl", capsys)
    assert "signed by an unknown key" in err and "key history version 2" in err


def test_revoked_key_is_refused_after_the_announcement(unsigned, keys, tmp_path, capsys):
    site = site_copy(unsigned, tmp_path / "site")
    assert catalog(["key", "rotate", "--revoke", str(keys), str(tmp_path / "new")]) == 0
    assert "the old key is revoked" in capsys.readouterr().out
    sign(site, tmp_path / "new", when=NOW - DAY)
    old_pub = keys / "signing.pub"
    with static_host(site) as base:   # pinned to the compromised key, the client still learns the new one
        resolve("cloudify-echo-plugin", index=base, trust=trusting(old_pub, tmp_path / "state"), **ECHO)
    # whoever stole the old key signs a newer index with it, keeping the published key history
    history = (site / signing.KEYS_PATH).read_bytes()
    old = keyfolders.load_folder(keys)
    root = (site / "index/v1/index.json").read_bytes()
    publish(indexsignature.sign_index(old, hashlib.sha256(root).hexdigest(), len(root), NOW, 30), site)
    publish({signing.KEYS_PATH: history}, site)
    for state in ("state", "fresh"):
        err = refused(site, old_pub, tmp_path / state, tmp_path / "dl", capsys)
        assert "signed by the revoked key" in err and "refusing the index and downloading nothing" in err
    # and serving the key history from before the revocation is a replay to a client that saw it
    publish({signing.KEYS_PATH: (keys / "keys.json").read_bytes()}, site)
    err = refused(site, old_pub, tmp_path / "state", tmp_path / "dl", capsys)
    assert "key history version 1 is older than version 2 this client already trusts" in err


def test_threshold_two_signatures_of_two_keys(unsigned, keys, tmp_path):
    """A key set of two keys and threshold 2: an index signed by one of them is refused."""
    site = site_copy(unsigned, tmp_path / "site")
    first = keyfolders.load_folder(keys)
    second = Ed25519PrivateKey.generate()
    entry = {"type": "catalog-keys", "version": 2, "threshold": 2, "issued": "2026-01-01T00:00:00Z", "revoked": [],
             "keys": {signing.keyid(k.public_key()): {"algorithm": "ed25519",
                                                      "public_key": signing.b64(signing.raw_public(k.public_key()))}
                      for k in (first.private, second)}}
    history = first.history + [signing.envelope(signing.KEYS_PAYLOAD, entry, [first.private, second])]
    root = (site / "index/v1/index.json").read_bytes()
    document = {"type": "catalog-index", "index": {"path": "index.json", "sha256": hashlib.sha256(root).hexdigest(),
                                                   "size": len(root)},
                "version": NOW, "signed": signing.iso(NOW), "expires": signing.iso(NOW + DAY), "keys_version": 2}
    publish({signing.KEYS_PATH: json.dumps({"versions": history}).encode()}, site)
    with static_host(site) as base:
        for signers, ok in (([first.private], False), ([first.private, second], True)):
            publish({signing.SIGNATURE_PATH: json.dumps(
                signing.envelope(signing.INDEX_PAYLOAD, document, signers)).encode()}, site)
            trust = trusting(keys / "signing.pub", tmp_path / f"state{len(signers)}")
            if ok:
                assert len(resolve("cloudify-echo-plugin", index=base, trust=trust, **ECHO).signature.signed_by) == 2
            else:
                with pytest.raises(ResolveError, match="signed by 1 of the keys of key history version 2, which "
                                                        "requires 2"):
                    resolve("cloudify-echo-plugin", index=base, trust=trust, **ECHO)


# -- catalog check --trust ------------------------------------------------------------------

def test_check_trust_verifies_a_built_site(unsigned, keys, tmp_path, capsys):
    site = site_copy(unsigned, tmp_path / "site")
    pub = str(keys / "signing.pub")
    assert catalog(["check", str(site), "--trust", pub]) == 1
    assert "the index is not signed" in capsys.readouterr().out
    sign(site, keys)
    catalog(["check", str(site), "--trust", pub])
    out = capsys.readouterr().out
    assert f"index signature verified: version {NOW}" in out, out
    root = site / "index/v1/index.json"
    root.write_bytes(root.read_bytes().replace(b'"Echo"', b'"Echo!"'))
    assert catalog(["check", str(site), "--trust", pub]) == 1
    out = capsys.readouterr().out
    assert "index/v1/index.json: error:" in out and "the root file was altered" in out and "[index-signature]" in out


# -- the client example of the docs -----------------------------------------------------------

def docs_client() -> dict:
    """The standalone verifier that content/consuming/signed-index.md gives client authors."""
    text = (Path(__file__).parent.parent / "content/consuming/signed-index.md").read_text()
    [code] = [block for block in text.split("```python\n")[1:]
              if block.startswith('"""Verify a catalog download index')]
    namespace: dict = {"__name__": "docs_example"}
    exec(compile(code.split("\n```")[0], "signed-index.md", "exec"), namespace)
    return namespace


def test_the_documented_client_verifies_and_refuses(unsigned, keys, tmp_path):
    verify = docs_client()["verify"]
    site = site_copy(unsigned, tmp_path / "site")
    sign(site, keys, when=NOW - DAY)
    old_keys = (site / signing.KEYS_PATH).read_bytes()
    old_signature = (site / signing.SIGNATURE_PATH).read_bytes()
    pub, state = keys / "signing.pub", tmp_path / "state.json"
    with static_host(site) as base:
        index = base + "index/v1/"
        assert verify(index, pub, state) == (site / "index/v1/index.json").read_bytes()
        # rotation with revocation: the client pinned to the old key follows it
        keyfolders.rotate(keys, tmp_path / "new", revoke=True)
        sign(site, tmp_path / "new", when=NOW)
        verify(index, pub, state)
        assert json.loads(state.read_text())["index_version"] == NOW
        for files, message in (
                ({signing.SIGNATURE_PATH: old_signature}, "is not signed by the current keys"),   # revoked key
                ({signing.SIGNATURE_PATH: old_signature, signing.KEYS_PATH: old_keys}, "not signed by the current"),
        ):
            publish(files, site)
            with pytest.raises(ValueError, match=message):
                verify(index, pub, state)
        sign(site, tmp_path / "new", when=NOW - 2 * DAY)
        with pytest.raises(ValueError, match="is older than one already seen"):
            verify(index, pub, state)
        sign(site, tmp_path / "new", when=NOW - 40 * DAY)
        with pytest.raises(ValueError, match="expired at"):
            verify(index, pub, tmp_path / "fresh.json")
        sign(site, tmp_path / "new", when=NOW + 1)
        root = site / "index/v1/index.json"
        root.write_bytes(root.read_bytes().replace(b'"Echo"', b'"Echo!"'))
        with pytest.raises(ValueError, match="not the file that was signed"):
            verify(index, pub, state)


def test_check_without_trust_catches_a_stale_or_expired_signature(unsigned, keys, tmp_path, capsys):
    site = site_copy(unsigned, tmp_path / "site")
    sign(site, keys, when=NOW - 40 * DAY)
    assert catalog(["check", str(site)]) == 1
    out = capsys.readouterr().out
    assert "index/v1/index.sig.json: error: the signature expired at" in out and "[index-signature]" in out
    sign(site, keys)
    root = site / "index/v1/index.json"
    root.write_bytes(root.read_bytes().replace(b'"Echo"', b'"Echo!"'))
    assert catalog(["check", str(site)]) == 1
    assert "the index changed after signing" in capsys.readouterr().out


@pytest.mark.parametrize("rel, data, message", [
    (signing.KEYS_PATH, b"{not json", "the key history is not valid JSON"),
    (signing.KEYS_PATH, b"[" * 100000 + b"]" * 100000, "the key history is not valid JSON"),
    (signing.KEYS_PATH, b'{"versions": []}', "no key history"),
    (signing.KEYS_PATH, b'{"versions": [{"payloadType": "x"}]}', "not a signed envelope"),
    (signing.KEYS_PATH, b'{"versions": [{"payloadType": "application/vnd.catalog.keys+json", "payload": "%%%",'
                        b' "signatures": []}]}', "payload is not valid base64"),
    (signing.SIGNATURE_PATH, b'{"payloadType": "application/vnd.catalog.index-signature+json", "payload": "bnVsbA==",'
                             b' "signatures": "x"}', "no list of signatures"),
    (signing.SIGNATURE_PATH, b'"just a string"', "not a signed envelope"),
])
def test_malformed_signature_files_are_refused_clearly(unsigned, keys, tmp_path, rel, data, message):
    site = site_copy(unsigned, tmp_path / "site")
    sign(site, keys)
    publish({rel: data}, site)
    with pytest.raises(ResolveError, match=message):
        resolve("cloudify-echo-plugin", index=str(site), trust=trusting(keys / "signing.pub", tmp_path / "s"), **ECHO)


def test_pinning_mistakes_are_explained(keys, tmp_path, capsys):
    code, out, err = run(["cloudify-echo-plugin", *PLATFORM, "--index", str(tmp_path), "--trust",
                          str(keys / "signing.key")], capsys)
    assert code == 2 and "signing.key is a private key: pin the signing.pub beside it" in err
    code, out, err = run(["cloudify-echo-plugin", *PLATFORM, "--index", str(tmp_path), "--trust",
                          str(tmp_path / "missing.pub")], capsys)
    assert code == 2 and "missing.pub: cannot read the public key: No such file or directory" in err


def test_a_two_of_two_key_set_from_the_command_line(unsigned, keys, project, tmp_path, capsys, monkeypatch):
    """Rotate to a set of two holders' keys needing both: the build signs with both folders, a client
    pinned to the first key follows, and one signature alone is refused."""
    assert catalog(["key", "generate", str(tmp_path / "bob")]) == 0
    assert catalog(["key", "rotate", str(keys), str(tmp_path / "alice"), "--with", str(tmp_path / "bob"),
                    "--threshold", "2"]) == 0
    out = capsys.readouterr().out
    assert "the new key set has 2 keys and needs 2 signature(s)" in out
    alice, bob = tmp_path / "alice", tmp_path / "bob"
    # the build refuses to sign with one of the two
    monkeypatch.setenv(signing.KEY_ENV, str(alice))
    assert catalog(["build", "--project", str(project)]) == 1
    assert "key set version 2 needs 2 signatures and 1 key folder(s) are given" in capsys.readouterr().err
    monkeypatch.setenv(signing.KEY_ENV, f"{alice}:{bob}")
    assert catalog(["build", "--project", str(project), "--out", str(tmp_path / "a")]) == 0
    monkeypatch.delenv(signing.KEY_ENV)
    assert catalog(["key", "export", str(alice), str(bob)]) == 0
    monkeypatch.setenv(signing.KEY_DATA_ENV, capsys.readouterr().out.strip())
    assert catalog(["build", "--project", str(project), "--out", str(tmp_path / "b")]) == 0
    capsys.readouterr()
    for built in ("a", "b"):
        assert len(json.loads((tmp_path / built / signing.SIGNATURE_PATH).read_text())["signatures"]) == 2
        assert catalog(["check", str(tmp_path / built), "--trust", str(keys / "signing.pub")]) == 0
    capsys.readouterr()
    # over HTTP: both signatures accepted, one refused
    site = site_copy(unsigned, tmp_path / "served")
    sign(site, alice, when=NOW - DAY, also=(bob,))
    with static_host(site) as base:
        chosen = resolve("cloudify-echo-plugin", index=base, trust=trusting(keys / "signing.pub", tmp_path / "s"),
                         **ECHO)
    assert len(chosen.signature.signed_by) == 2
    one = keyfolders.KeyFolder(keyfolders.load_folder(alice).private, keyfolders.load_folder(alice).history, "alice")
    root = (site / "index/v1/index.json").read_bytes()
    publish(indexsignature.sign_index(one, hashlib.sha256(root).hexdigest(), len(root), NOW, 30), site)
    err = refused(site, keys / "signing.pub", tmp_path / "s", tmp_path / "dl", capsys)
    assert "signed by 1 of the keys of key history version 2, which requires 2" in err
    # a rotation away from a 2-of-2 set needs both of its keys
    assert catalog(["key", "rotate", str(alice), str(tmp_path / "carol")]) == 2
    assert "key set version 2 needs 2 signatures to announce its successor" in capsys.readouterr().err
    assert catalog(["key", "rotate", str(alice), str(tmp_path / "carol"), "--with", str(bob)]) == 0
