"""Every diagnostic code, with the severity it is reported at and what it means, in one place.

A code is the stable name of one kind of problem: users search for it, `--strict` turns
its warnings into errors, tests assert it. tests/test_diagnostic_codes.py reads the
package's source for every code it can emit and holds this table to it, and holds
content/writing/diagnostics.md (and, for `catalog check`'s own codes, the "Checking a
built site" part of content/previewing-and-deploying/deploying.md) to this table: a code
cannot be added without being listed here and documented.

`shortcode-NAME` stands for the family of codes a shortcode template reports its own
problems with (`shortcode-children`, `shortcode-icon`, ...).
"""
from __future__ import annotations

from typing import Literal, NamedTuple

CodeSeverity = Literal["error", "warning", "either"]


class Code(NamedTuple):
    severity: CodeSeverity   # "either": the emitter decides (a shortcode's error() or warn())
    meaning: str             # one line


CODES: dict[str, Code] = {
    # -- configuration -------------------------------------------------------------------
    "config-missing": Code("error", "no site.toml, and no Hugo or Jekyll configuration to read instead"),
    "config-syntax": Code("error", "the configuration file does not parse as TOML (or YAML)"),
    "config-type": Code("error", "a configuration key has a value of the wrong type"),
    "config-unknown-key": Code("error", "a configuration key catalog does not know"),
    "config-missing-key": Code("error", "a required configuration key is missing"),
    "config-versions": Code("error", "the [[versions]] list marks more than one version latest"),
    "config-unused": Code("warning", "a Hugo or Jekyll project's settings that catalog does not use"),
    "language-not-built": Code("warning", "a Hugo site's languages other than the default one, whose files are left out"),
    "not-found-go-only": Code("warning", "a Hugo project's layouts/404.html, a Go template: the theme's 404 page stands in"),
    "theme-missing": Code("error", "the configured theme is not a folder of themes/"),
    "static-outside": Code("error", "a symbolic link in a static folder leads outside it"),
    "import-exists": Code("error", "catalog import found a site.toml already"),
    "import-missing": Code("error", "catalog import found no Hugo or Jekyll configuration"),
    # -- content files ---------------------------------------------------------------------
    "encoding": Code("error", "a content file is not UTF-8"),
    "file-unreadable": Code("error", "a file that is not a regular file the build can read"),
    "front-matter-syntax": Code("error", "the YAML or TOML front matter does not parse"),
    "front-matter-type": Code("error", "front matter, or a known field of it, has the wrong type"),
    "front-matter-unclosed": Code("error", "the front matter's closing fence is missing"),
    "front-matter-size": Code("error", "front matter expands to too many values or nests too deep"),
    "front-matter-number": Code("error", "a number of more digits than Python reads or prints"),
    "front-matter-value": Code("error", "a value YAML cannot build, such as a day that does not exist"),
    "url-invalid": Code("error", "a page's URL holds a control character, '?' or '#'"),
    "language-twin": Code("warning", "NAME.md beside NAME.LANG.md of the default language; Hugo takes the latter"),
    "section-page-twice": Code("warning", "a folder has two section files (_index.md and index.md); one is ignored"),
    "parent-not-found": Code("warning", "a Jekyll-style parent names no page"),
    "parent-cycle": Code("error", "a Jekyll-style parent makes a page its own ancestor"),
    "hash-link-not-found": Code("warning", "a #/... link names no page's Jekyll URL"),
    # -- references --------------------------------------------------------------------------
    "ref-not-found": Code("error", "ref or relref names no page"),
    "ref-ambiguous": Code("error", "a bare file name in a ref matches several pages"),
    "ref-lenient": Code("warning", "a ref spelling Hugo resolves only by leniency"),
    "ref-not-rendered": Code("warning", "a ref names a headless or render: never page, which has no URL"),
    "ref-fragment": Code("warning", "a ref's #fragment names no id on the target page"),
    "menu-ref-not-found": Code("warning", "a menu entry's pageRef names no page; it links to its url, or nowhere"),
    "menu-invalid": Code("error", "a page's front matter menu is not a name, a list of names or a table of entries"),
    # -- shortcodes and Liquid tags ------------------------------------------------------
    "shortcode-unclosed": Code("error", "a paired shortcode or Liquid block tag is never closed"),
    "shortcode-stray-close": Code("error", "a closing tag with no opening tag"),
    "shortcode-syntax": Code("error", "a shortcode or Liquid tag that never ends or closes with the wrong delimiter"),
    "shortcode-nesting": Code("error", "shortcodes nested too deep to render"),
    "shortcode-unknown": Code("error", "no shortcode of that name in the theme or the site"),
    "shortcode-args": Code("error", "a shortcode's arguments cannot be read"),
    "shortcode-failed": Code("error", "a shortcode template raised an error"),
    "shortcode-go-only": Code("warning", "a shortcode the Hugo site defines only as a Go template"),
    "shortcode-NAME": Code("either", "a shortcode reported a problem with its own arguments"),
    "liquid-tag-name": Code("warning", "characters written against a Liquid tag's name"),
    "liquid-syntax": Code("error", "a Jekyll page's Liquid cannot be parsed"),
    "liquid-error": Code("error", "a Jekyll page's Liquid fails while it renders"),
    "liquid-unknown-tag": Code("warning", "a Jekyll page uses a Liquid tag neither Liquid, Jekyll nor the site defines"),
    "liquid-unknown-filter": Code("warning", "a Jekyll page uses a Liquid filter neither Liquid nor Jekyll defines"),
    "liquid-include-not-found": Code("error", "a Jekyll include names no file of _includes/ (or the page's folder)"),
    "data-file-invalid": Code("error", "a Jekyll _data/ file cannot be read or parsed (Jekyll stops on it too)"),
    "liquid-link-not-found": Code("error", "a Jekyll {% link %} names no page or file"),
    "include-missing": Code("error", "include names a file that does not exist or is outside the site"),
    "attachment-unreadable": Code("error", "a file of a page's attachments folder cannot be read"),
    "field-missing": Code("warning", "field names a value set nowhere, without a default"),
    "param-missing": Code("error", "param names a value set neither on the page nor in the site's params"),
    "code-options": Code("warning", "a code fence's {...} options cannot be read"),
    "attribute-list": Code("warning", "a kramdown {: ...} attribute list is next to no block, or is a definition"),
    # -- output ----------------------------------------------------------------------------
    "template-failed": Code("error", "a theme template raised an error rendering a page"),
    "output-collision": Code("error", "two pages, or a page and an alias, write the same file"),
    "output-outside": Code("error", "a URL climbs above the site's root with '..'"),
    "alias-loop": Code("warning", "an alias is its own page's URL"),
    "alias-duplicate": Code("warning", "several pages claim one alias"),
    "alias-invalid": Code("error", "an alias holds a control character, '?' or '#'"),
    "publish-failed": Code("error", "the built site could not be written; the previous one is kept"),
    "build-crashed": Code("error", "catalog serve: a rebuild failed with an internal error"),
    # -- plugin index files (plugins-index/) ---------------------------------------------
    "yaml-syntax": Code("error", "a plugin file is not YAML"),
    "yaml-size": Code("error", "a plugin file's values nest too deep or expand too much"),
    "yaml-key": Code("error", "a mapping key that is not a plain name"),
    "yaml-duplicate-key": Code("error", "a key given twice in one mapping"),
    "yaml-value": Code("error", "a value YAML cannot build"),
    "plugin-read": Code("error", "a plugin file, or a file it publishes, cannot be read"),
    "plugin-file-unreadable": Code("warning", "a plugins-index/*.yaml that is no regular file is skipped"),
    "plugin-empty": Code("error", "a plugin file describes no plugin"),
    "plugin-type": Code("error", "a plugin key's value has the wrong type"),
    "plugin-missing-key": Code("error", "a required plugin key is missing"),
    "plugin-unknown-key": Code("error", "a plugin key catalog does not know"),
    "plugin-name": Code("error", "a plugin name that is not lower-case-with-dashes, is reserved, or differs from its file"),
    "plugin-duplicate": Code("error", "two files describe the same plugin"),
    "plugin-url": Code("error", "a URL that is not http(s), or names no file"),
    "plugin-category": Code("error", "a category listed twice"),
    "plugin-no-release": Code("error", "a plugin with an empty releases list"),
    "plugin-duplicate-release": Code("error", "one release described twice"),
    "plugin-version": Code("error", "a release version that is not a normalised PEP 440 version"),
    "plugin-specifier": Code("error", "manager_versions is not a PEP 440 specifier"),
    "plugin-yanked": Code("error", "yanked does not give its reason as a string"),
    "plugin-replacement": Code("error", "a deprecated release's replacement is unreadable or matches no release"),
    "plugin-empty-list": Code("error", "a release's wagons or yaml files list is empty"),
    "plugin-artifact": Code("error", "a release file gives both or neither of url and path"),
    "plugin-path": Code("error", "a release file's path is absolute, leaves the folder, or names no readable regular file"),
    "plugin-sha256": Code("error", "a release file's sha256 is missing, malformed or wrong"),
    "plugin-size": Code("error", "a release file's size disagrees with the file"),
    "plugin-dsl-version": Code("error", "a yaml file's dsl_version is unknown"),
    "plugin-duplicate-file": Code("error", "two files of a release share a name or a dsl_version"),
    "plugin-duplicate-wagon": Code("error", "two wagons of a release for the same platform and Python"),
    "wagon-name": Code("error", "a wagon file name wagon could not have made"),
    "wagon-mismatch": Code("error", "a wagon's file name, archive or YAML disagree"),
    "wagon-archive": Code("error", "a local wagon is not a readable archive"),
    "wagon-platform": Code("error", "a wagon's platform (distribution, release, architecture) cannot be told"),
    # -- catalog check (a built site) -----------------------------------------------------
    "link-missing": Code("error", "a link to a path with no file"),
    "link-fragment": Code("warning", "a link's #fragment names no id on the target page"),
    "redirect-missing": Code("error", "an alias page or _redirects rule leads nowhere"),
    "redirect-loop": Code("error", "_redirects rules that come back to where they started"),
    "redirect-syntax": Code("error", "a _redirects rule that cannot be read"),
    "redirect-shadowed": Code("warning", "a _redirects rule an existing file hides on Netlify"),
    "json-invalid": Code("error", "an index file that is not JSON"),
    "schema-invalid": Code("error", "an index file that does not follow its schema"),
    "schema-missing": Code("error", "a schema the site does not publish"),
    "sha256-mismatch": Code("error", "a hosted file whose sha256 changed after the build"),
    "size-mismatch": Code("error", "a hosted file whose size changed after the build"),
    "md5-mismatch": Code("error", "a hosted file whose md5 changed after the build"),
    "hosted-missing": Code("error", "a hosted file that is gone"),
    "index-mismatch": Code("error", "a copy of an index fact that disagrees with the plugin's index file"),
    "file-missing": Code("error", "a file every build writes is gone"),
    "fingerprint-mismatch": Code("error", "a fingerprinted file whose content no longer has its hash"),
    "search-index-invalid": Code("error", "search-index.json is not the search index format"),
    "index-signature": Code("error", "the index's signature is stale, expired, or does not verify with the pinned key"),
    # -- signing, importing and publishing releases -------------------------------------------
    "signing-key": Code("error", "the signing key variable is set but cannot be used"),
    "plugin-unverified": Code("warning", "a remote wagon or yaml file with sha256: unknown, which clients cannot verify"),
    "import-arguments": Code("error", "catalog import was given files or options its kind does not take"),
    "legacy-duplicate": Code("warning", "a legacy catalog lists one plugin twice; the entries are merged"),
    "legacy-no-wagons": Code("warning", "a legacy catalog entry without wagons is not imported"),
    "legacy-wagon": Code("warning", "a legacy wagon without an http(s) URL or a platform in its file name"),
    "legacy-version": Code("warning", "a legacy entry whose version cannot be read"),
    "legacy-json": Code("error", "a legacy catalog file that is not JSON"),
    "legacy-type": Code("error", "a legacy catalog file that is not a list of entries"),
    "legacy-entry": Code("either", "a legacy catalog entry without the fields a plugin needs (skipped with a warning when the rest can be imported)"),
    "legacy-read": Code("error", "a legacy catalog file that cannot be read"),
    "release-refused": Code("error", "catalog release refused the change; the file is left as it was"),
}
