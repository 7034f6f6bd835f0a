"""The built sample site under netlify.toml's headers, in a real browser: the
Content-Security-Policy is in force and no page of ours violates it."""
from __future__ import annotations

import json
import urllib.request

import pytest

from browser import browser_page
from catalog.build import build
from conftest import REPO
from netlify_host import netlify_serve

PAGES = ["/", "/writing/shortcodes/", "/user_guide/plugin_management/", "/working_with/official_plugins/",
         "/plugins/", "/plugins/cloudify-echo-plugin/", "/no-such-page/"]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    out = tmp_path_factory.mktemp("csp") / "public"
    assert build(REPO, out=out).written
    return out


def test_pages_satisfy_the_content_security_policy(site):
    with netlify_serve(site, REPO / "netlify.toml") as base, browser_page() as page:
        violations: list[str] = []
        page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
        page.on("pageerror", lambda exc: violations.append(str(exc)))
        for path in PAGES:
            response = page.goto(base + path)
            assert "default-src 'self'" in response.headers["content-security-policy"]
            page.evaluate("""() => { window.__csp = [];
                document.addEventListener('securitypolicyviolation', e => window.__csp.push(e.violatedDirective)); }""")
            tab = page.locator("[role=tab]")
            if tab.count() > 1:  # exercise the page's script too
                tab.nth(1).click()
            page.wait_for_load_state("networkidle")
            assert page.evaluate("window.__csp") == [], path
        assert violations == []
        # a policy that is really enforced: an injected inline script is refused
        page.goto(base + "/")
        page.evaluate("""() => { window.__csp = [];
            document.addEventListener('securitypolicyviolation', e => window.__csp.push(e.violatedDirective));
            const s = document.createElement('script'); s.textContent = 'window.__ran = 1'; document.head.append(s); }""")
        page.wait_for_timeout(100)
        assert page.evaluate("window.__ran") is None
        assert page.evaluate("window.__csp")[0].startswith("script-src")


def test_index_files_are_readable_from_other_origins(site):
    with netlify_serve(site, REPO / "netlify.toml") as base:
        for path in ["/index/v1/index.json", "/v2_plugins.json", "/plugins/catalog"]:
            with urllib.request.urlopen(base + path) as response:
                assert response.headers["Access-Control-Allow-Origin"] == "*"
                assert "max-age=300" in response.headers["Cache-Control"]
                assert response.headers["Content-Type"].startswith("application/json")
                json.loads(response.read())
        with urllib.request.urlopen(base + "/plugins?name=cloudify-aws-plugin") as response:
            assert json.loads(response.read())["items"][0]["name"] == "cloudify-aws-plugin"
        css = next((site / "css").glob("theme.*.css")).name
        with urllib.request.urlopen(f"{base}/css/{css}") as response:
            assert "immutable" in response.headers["Cache-Control"]
