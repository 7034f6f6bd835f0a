"""The theme: Jinja2 templates and static files, with the site's own `layouts/` and
`static/` taking precedence over the theme's, as in Hugo.

A theme is the site's `themes/NAME/`; the default theme also ships inside the package,
so a site needs no `themes/` folder of its own to use it."""
from __future__ import annotations

import os
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any, Callable

import jinja2
from jinja2 import meta

from .config import SiteConfig
from .diagnostics import Report, did_you_mean
from .native_page import PageWriter, native_page

PACKAGED_THEME = "default"


def packaged_theme() -> Path | None:
    """The default theme that ships with the generator: `catalog/themes/default/` in an
    installed wheel (setup.py's build_py copies it there), else the source tree's top-level
    `themes/default/` beside `catalog/` (an editable install or a checkout), which is the
    theme's one source. None when neither is there (a broken install)."""
    package = Path(__file__).resolve().parent  # resolved: a strict editable install links the files
    for folder in (package / "themes" / PACKAGED_THEME, package.parent / "themes" / PACKAGED_THEME):
        if (folder / "theme.toml").is_file():
            return folder
    return None


def theme_root(project: Path, name: str) -> Path:
    """The site's own `themes/NAME/` when it has one, else the packaged theme for `default`."""
    own = project / "themes" / name
    if own.is_dir() or name != PACKAGED_THEME:
        return own
    return packaged_theme() or own


class Theme:
    """Template lookup for page layouts and shortcodes, and the static folders to copy."""

    def __init__(self, project: Path, config: SiteConfig) -> None:
        self.project = project
        self.root = theme_root(project, config.theme)
        # a Hugo or Jekyll project keeps this tool's templates in catalog-layouts/ (its
        # layouts/ holds Go templates); a site.toml project in layouts/ (config.layouts_dir)
        self.layout_dirs = [d for d in (project / config.layouts_dir, self.root / "layouts") if d.is_dir()]
        self.layouts_name = config.layouts_dir.strip("/")
        self.go_layout_dirs = [project / folder for folder in config.hugo_layouts]
        self.static_dirs = [d for d in (self.root / "static", project / "static") if d.is_dir()]  # later wins
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader([str(d) for d in self.layout_dirs]),
            autoescape=True,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=False,
            # a Theme lives for one build (the preview makes a new one when a template changes),
            # so a template need not be checked on disk again each time it is used: ~26,000
            # os.stat calls for a 420-page DocDock site, whose pages call a shortcode ~30 times
            auto_reload=False,
        )
        self._paired = lru_cache(maxsize=None)(self._uses_inner)
        self._shortcodes: dict[str, jinja2.Template | None] = {}
        self._globals: dict[str, Any] | None = None  # env.globals as one dict, made again when they change

    def check(self, report: Report, config: SiteConfig) -> bool:
        if not self.root.is_dir():
            themes = [p.name for p in (self.project / "themes").glob("*") if p.is_dir()]
            report.error(config.source or "site.toml", 1, 1, "theme-missing",
                         f"theme '{config.theme}' not found in themes/",
                         did_you_mean(config.theme, themes) or f"available themes: {', '.join(sorted(themes)) or 'none'}")
            return False
        return True

    def shortcode_names(self) -> list[str]:
        names = set()
        for folder in self.layout_dirs:
            names.update(p.stem for p in (folder / "shortcodes").glob("*.html"))
        return sorted(names)

    def go_shortcode(self, name: str) -> str | None:
        """The project-relative path of a Hugo Go template defining shortcode `name`, if any."""
        for folder in self.go_layout_dirs:
            path = folder / "shortcodes" / f"{name}.html"
            if path.is_file():
                return self.display_path(str(path))
        return None

    def shortcode(self, name: str) -> jinja2.Template | None:
        # kept by name: get_template's own cache costs a lock and a key tuple per call, and a
        # shortcode-heavy page makes dozens of calls (templates do not change during a build)
        try:
            return self._shortcodes[name]
        except KeyError:
            pass
        try:
            template: jinja2.Template | None = self.env.get_template(f"shortcodes/{name}.html")
        except jinja2.TemplateNotFound:
            template = None
        except jinja2.TemplateSyntaxError as exc:  # a typo in it (or an unknown filter): each call reports it
            template = _Broken(exc)  # type: ignore[assignment]
        self._shortcodes[name] = template
        return template

    def template_file(self, name: str) -> str | None:
        """The file template `name` (e.g. "partials/callout.html") is read from; None when there is none."""
        try:
            return self.env.get_template(name).filename
        except jinja2.TemplateError:
            return None

    @cached_property
    def page_writer(self) -> PageWriter | None:
        """page.html in Python (native_page.py), while it and the templates it uses are the ones
        that code was written from."""
        return native_page(self.template_file)

    def is_paired(self, name: str, notation: str) -> bool | None:
        """True when the shortcode's template uses `inner`; None when there is no such shortcode."""
        return self._paired(name)

    def _uses_inner(self, name: str) -> bool | None:
        try:
            source, _, _ = self.env.loader.get_source(self.env, f"shortcodes/{name}.html")  # type: ignore[union-attr]
        except jinja2.TemplateNotFound:
            return None
        try:
            return _reads_inner(source)
        except jinja2.TemplateError:  # it cannot be read (its calls report why): what it says of `inner`
            return "inner" in source

    def display_path(self, filename: str | None) -> str:
        """A template's path relative to the project, as diagnostics show it."""
        if not filename:
            return "?"
        try:
            return Path(filename).relative_to(self.project).as_posix()
        except ValueError:
            return os.path.relpath(filename, self.project) if os.path.isabs(filename) else filename

    def render(self, template: str, context: dict[str, Any]) -> str:
        return self.render_with(self.env.get_template(template), {**self.globals(), **context})

    def globals(self) -> dict[str, Any]:
        """What every template sees besides its context, as one dict to start a context from."""
        if self._globals is None:
            self._globals = dict(self.env.globals)
        return self._globals

    def render_with(self, template: jinja2.Template, context: dict[str, Any]) -> str:
        """`template` rendered with `context`, which already holds `globals()` (and is not
        changed): what Template.render does, without merging the globals into a new dict
        through a ChainMap at every call (a sixth of a shortcode call's cost)."""
        env = self.env
        maps = getattr(template.globals, "maps", None)
        if template.environment is not env or not maps or maps[0]:
            # another environment's, or globals of its own (none here: templates come from
            # get_template without globals): Jinja's own way, where the context's copies of
            # the environment's globals would win over the template's
            return template.render(context)
        try:
            return env.concat(template.root_render_func(  # type: ignore[attr-defined]
                env.context_class(env, context, template.name, template.blocks)))
        except Exception:
            env.handle_exception()  # the traceback rewritten to the template's lines, as render() does
            raise  # not reached: handle_exception raises

    def add_globals(self, **functions: Callable[..., Any] | Any) -> None:
        self.env.globals.update(functions)
        self._globals = None


@lru_cache(maxsize=1024)
def _reads_inner(source: str) -> bool:
    """Whether a shortcode template's source uses `inner`; memoised by source, because every
    build makes a new Theme and parsing the templates took a sixth of a preview rebuild."""
    return "inner" in meta.find_undeclared_variables(_PARSER.parse(source))


_PARSER = jinja2.Environment()  # the default syntax, as Theme's; parsing needs no loader


class _Broken:
    """A shortcode template that does not compile: rendering it raises why, which the call
    that uses it reports at its place in the page (render.py: shortcode-failed), file and line
    included, instead of a traceback that stopped the build."""

    environment = None  # not the theme's: Theme.render_with calls `render`
    globals: dict[str, Any] = {}

    def __init__(self, error: jinja2.TemplateSyntaxError) -> None:
        self.error = error
        self.filename = error.filename

    def render(self, *args: Any, **kwargs: Any) -> str:
        raise self.error.with_traceback(None)  # not each earlier call's frames too
