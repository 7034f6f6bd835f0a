"""The plugin catalog's model: immutable Plugin, Release, Wagon and YamlFile values.

Everything downstream (our index, the compatibility files, the HTML pages, the
resolver's tests) reads these values and never the YAML they came from.

An artifact (wagon or DSL yaml file) is either *remote* (`url` is an absolute
http(s) URL) or *hosted* by this site (`site_path` is where the build publishes
its bytes, e.g. `wagons/cloudify-echo-plugin/1.1.0/cloudify_echo_plugin-...wgn`).
Hosted artifacts get an absolute URL in the files today's clients read and a URL
relative to the index file in our own index, so a copied index tree still works.
Either way the URL spells the file's name percent-encoded (`url_path`): the file is
published under the name it has (the name a wagon's package.json and md5 file carry),
and a URL is only a spelling of that name, which every host decodes back.
"""
from __future__ import annotations

import datetime
import posixpath
import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import NamedTuple
from urllib.parse import quote, urlsplit

from packaging.specifiers import SpecifierSet
from packaging.version import Version

# A plugin name: lower-case letters and digits joined by '-' (it becomes file names and URLs).
PLUGIN_NAME = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")

# Console labels of the legacy catalog (`wagons[].name`) and the Marketplace
# (`wagon_urls[].release`); the clients lower-case them and compare them with
# "{distribution} {release}" of the manager's OS, so lower(label) must be exactly that.
_RELEASE_LABELS = {"altarch": "AltArch"}


def platform_label(distribution: str, release: str | None) -> str:
    """'centos', 'core' -> 'Centos Core'; 'centos', 'altarch' -> 'Centos AltArch'; 'manylinux' -> 'manylinux'."""
    if distribution == "manylinux" or release is None:
        return distribution
    return f"{distribution.capitalize()} {_RELEASE_LABELS.get(release, release.capitalize())}"


def base_path(base_url: str) -> str:
    """'https://h/docs' -> '/docs/'; '/' -> '/'."""
    path = urlsplit(base_url).path or "/"
    return path if path.endswith("/") else path + "/"


# What a path segment keeps as written: RFC 3986's pchar without ':', which at the start of
# a relative URL would read as a scheme. Everything else is percent-encoded.
_SEGMENT_SAFE = "!$&'()*+,;=@"


def url_path(site_path: str) -> str:
    """A site path spelled as a URL path, each segment percent-encoded: a file named `a#b.wgn`,
    `a?b.yaml` or `a%2Fb.wgn` is linked as itself, not cut at '#' or '?' nor split at '%2F'."""
    return "/".join(quote(segment, safe=_SEGMENT_SAFE) for segment in site_path.split("/"))


def site_href(site_path: str, base_url: str) -> str:
    """URL of a published file for clients that need absolute URLs ('/x' when base_url has no host)."""
    parts = urlsplit(base_url)
    origin = f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""
    return origin + base_path(base_url) + url_path(site_path)


@dataclass(frozen=True)
class Artifact:
    """A file a client downloads and verifies: remote (`url`) or hosted by this site (`site_path`)."""

    filename: str
    sha256: str | None   # None: a remote file nobody could download yet (`sha256: unknown`)
    size: int | None     # None only with sha256 None, when the size is not known either
    url: str | None = None
    site_path: str | None = None

    @property
    def verified(self) -> bool:
        """Whether a client can check a download of this file (it has a sha256)."""
        return self.sha256 is not None

    def href(self, base_url: str) -> str:
        """Absolute URL (for clients that cannot resolve relative ones)."""
        return self.url if self.url else site_href(str(self.site_path), base_url)

    def href_from(self, site_file: str) -> str:
        """URL relative to the published file `site_file` for hosted artifacts, absolute for remote ones."""
        if self.url:
            return self.url
        return url_path(posixpath.relpath(str(self.site_path), posixpath.dirname(site_file) or "."))


@dataclass(frozen=True)
class YamlFile(Artifact):
    """A DSL file of a release (`plugin.yaml`, `v2_plugin.yaml`, `plugin_1_5.yaml`, ...)."""

    dsl_version: str = ""


@dataclass(frozen=True)
class Wagon(Artifact):
    """One wagon archive: a release built for one platform."""

    distribution: str = ""          # lower-case: centos, redhat, el, manylinux
    release: str | None = None      # lower-case: core, altarch, maipo, ootpa; None for manylinux
    arch: str = ""                  # x86_64, aarch64, ... or 'any'
    platform: str = ""              # wagon's supported_platform, e.g. linux_x86_64
    python_tags: tuple[str, ...] = ()
    build_tag: str | None = None
    md5: str | None = None          # hosted wagons only: the legacy catalog's md5url points at it

    @property
    def label(self) -> str:
        return platform_label(self.distribution, self.release)

    def runs_on(self, arch: str) -> bool:
        return self.arch in (arch, "any")


@dataclass(frozen=True)
class Deprecation:
    """A release that still works but should be replaced by `replacement` (a plugin, maybe a version range)."""

    replacement: str
    replacement_version: str | None = None
    reason: str | None = None

    def requirement(self) -> str:
        return self.replacement + (f" {self.replacement_version}" if self.replacement_version else "")


@dataclass(frozen=True)
class Release:
    version: str                     # PEP 440, normalised
    date: datetime.date
    yaml_files: tuple[YamlFile, ...]
    wagons: tuple[Wagon, ...]
    manager_versions: str | None = None   # PEP 440 specifier of supported Cloudify manager versions
    yanked: str | None = None             # the reason, when yanked
    deprecated: Deprecation | None = None
    line: int = field(default=0, compare=False)   # where the release starts in its plugins-index file

    @cached_property
    def parsed_version(self) -> Version:
        return Version(self.version)

    def admits_manager(self, manager_version: str | Version) -> bool:
        if not self.manager_versions:
            return True
        return SpecifierSet(self.manager_versions).contains(manager_version, prereleases=True)

    def yaml_for(self, dsl_version: str) -> YamlFile | None:
        return next((y for y in self.yaml_files if y.dsl_version == dsl_version), None)


@dataclass(frozen=True)
class Plugin:
    name: str
    title: str
    description: str                 # Markdown
    releases: tuple[Release, ...]    # newest first (PEP 440 order)
    source: str                      # the plugins-index file, relative to the project
    icon: str | None = None
    repository: str | None = None
    releases_page: str | None = None
    categories: tuple[str, ...] = ()
    documentation: str | None = None       # the relref written in the YAML
    documentation_line: int = 0
    documentation_url: str | None = None   # set once the build has resolved `documentation`

    def latest(self, dsl_version: str | None = None) -> Release | None:
        """Newest release a client should install: not yanked, final unless there is no final one.

        With `dsl_version`, only releases shipping that DSL file count (the legacy catalogs
        point at one DSL file each)."""
        candidates = [r for r in self.releases
                      if not r.yanked and (dsl_version is None or r.yaml_for(dsl_version))]
        finals = [r for r in candidates if not r.parsed_version.is_prerelease]
        chosen = finals or candidates
        return chosen[0] if chosen else None


class Listing(NamedTuple):
    """What the site's search index shows of a plugin."""

    name: str
    title: str
    description: str
    categories: tuple[str, ...]

    @classmethod
    def of(cls, plugin: Plugin) -> "Listing":
        return cls(plugin.name, plugin.title, plugin.description, plugin.categories)
