"""Wagon file names (current and legacy) and what they say: package, version, python tags,
platform, and the distribution a wagon is for.

File names (wagon's `_set_archive_name`, REFERENCE.md section 2):

- current: `{name}-{version}[-{build_tag}]-{python tags joined by .}-none-{platform}.wgn`
  (`cloudify_aws_plugin-3.0.10-centos-Core-py36-none-linux_x86_64.wgn`);
- legacy, before wagon 0.5.1: `{name}-{version}-{python}-none-{platform}-{distro}-{release}.wgn`
  (`cloudify_aws_plugin-1.4.10-py27-none-linux_x86_64-centos-Core.wgn`).

The distribution a wagon is for comes from its build tag (`centos-Core` -> centos/core,
`manylinux` -> manylinux) or, for legacy names, from the two trailing fields. What the
archive's `package.json` says is compared with the name by catalog.plugins.wagonarchives.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from packaging.version import InvalidVersion, Version

_PYTHON_TAGS = re.compile(r"^py\d+(\.py\d+)*$")
_ARCHES = ("x86_64", "aarch64", "i686", "ppc64le", "s390x", "armv7l")
_ARCH_ALIASES = {"amd64": "x86_64", "arm64": "aarch64", "win32": "x86"}
KNOWN_ARCHES = (*_ARCHES, "x86", "any")
# A release's wagons (and the plugins-index entry naming them) repeat one version string:
# parsed once. Invalid versions raise, and are not cached.
cached_version = functools.lru_cache(maxsize=4096)(Version)


@dataclass(frozen=True)
class WagonName:
    """What a wagon's file name says about it."""

    package: str                 # as written: underscores for dashes
    version: str
    build_tag: str | None
    python_tags: tuple[str, ...]
    platform: str
    distribution: str | None     # lower-case
    release: str | None          # lower-case
    legacy: bool

    @property
    def arch(self) -> str | None:
        return arch_of_platform(self.platform)


def parse_wagon_filename(filename: str) -> WagonName:
    """Parse a current or legacy wagon file name; ValueError says what is wrong with it."""
    if not filename.endswith(".wgn"):
        raise ValueError(f"'{filename}' does not end with .wgn")
    parts = filename[: -len(".wgn")].split("-")
    legacy = len(parts) == 7 and parts[3] == "none" and bool(_PYTHON_TAGS.match(parts[2]))
    if legacy:
        package, version, python, _, platform, distro, release = parts
        distribution = None if distro.lower() == "none" else distro.lower()
        release_name = None if release.lower() == "none" else release.lower()
        build_tag = None
    else:
        if len(parts) < 5 or parts[-2] != "none" or not _PYTHON_TAGS.match(parts[-3]):
            raise ValueError(
                f"'{filename}' is neither {{name}}-{{version}}[-{{build_tag}}]-{{python}}-none-{{platform}}.wgn "
                f"nor the legacy {{name}}-{{version}}-{{python}}-none-{{platform}}-{{distro}}-{{release}}.wgn")
        package, version, python, platform = parts[0], parts[1], parts[-3], parts[-1]
        build_tag = "-".join(parts[2:-3]) or None
        distribution, release_name = distribution_of_build_tag(build_tag)
    try:
        cached_version(version)
    except InvalidVersion:
        raise ValueError(f"'{filename}': '{version}' is not a PEP 440 version") from None
    return WagonName(package, version, build_tag, tuple(python.split(".")), platform,
                     distribution, release_name, legacy)


def distribution_of_build_tag(build_tag: str | None) -> tuple[str | None, str | None]:
    """'centos-Core' -> ('centos', 'core'); 'manylinux' -> ('manylinux', None); a build number -> (None, None)."""
    if not build_tag:
        return None, None
    if build_tag.lower().startswith("manylinux"):
        return "manylinux", None
    match = re.fullmatch(r"([A-Za-z]+)-([A-Za-z][A-Za-z0-9]*)", build_tag)
    if match:
        return match.group(1).lower(), match.group(2).lower()
    return None, None


def arch_of_platform(platform: str) -> str | None:
    """'linux_x86_64' -> 'x86_64', 'manylinux2014_aarch64' -> 'aarch64', 'any' -> 'any', unknown -> None."""
    if platform == "any":
        return "any"
    if platform in _ARCH_ALIASES:
        return _ARCH_ALIASES[platform]
    for arch in _ARCHES:
        if platform.endswith("_" + arch):
            return arch
    for alias, arch in _ARCH_ALIASES.items():
        if platform.endswith("_" + alias):
            return arch
    return None
