"""Ships the default theme inside the package.

The theme's one source is the top-level `themes/default/` (a site copies it from there
to make its own theme). A wheel carries it as `catalog/themes/default/`: build_py copies
it into the build after the Python files. An editable install (or a checkout) builds
nothing: `catalog.theme.packaged_theme` finds the source folder beside `catalog/`, so an
edit to the theme shows at once. Everything else is in pyproject.toml."""
from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

THEME_SOURCE = Path(__file__).resolve().parent / "themes" / "default"


def theme_files() -> list[Path]:
    """The theme's files, relative to it; hidden files (an editor's) are left out."""
    return sorted(path.relative_to(THEME_SOURCE) for path in THEME_SOURCE.rglob("*")
                  if path.is_file() and not any(part.startswith(".") or part == "__pycache__"
                                                 for part in path.relative_to(THEME_SOURCE).parts))


class build_py_with_theme(build_py):
    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return  # the package is the source tree, which holds the theme already
        target = Path(self.build_lib) / "catalog" / "themes" / "default"
        if target.exists():
            shutil.rmtree(target)  # a stale copy would keep deleted templates
        for rel in theme_files():
            (target / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(THEME_SOURCE / rel, target / rel)

    def get_outputs(self, include_bytecode: bool = True) -> list[str]:
        outputs = super().get_outputs(include_bytecode)
        if getattr(self, "editable_mode", False):
            return outputs
        target = Path(self.build_lib) / "catalog" / "themes" / "default"
        return outputs + [str(target / rel) for rel in theme_files()]


setup(cmdclass={"build_py": build_py_with_theme})
