"""Beyond Hugo: a ref's #fragment must name a heading (or other id) of its target page.

The check runs once every page's body is known (a ref may name a page rendered after
its own), and again, for the pages an edit touches, in the preview's fast path
(incremental.py): its own module, so that both use it and neither imports the other."""
from __future__ import annotations

from typing import Collection, Sequence

from .content import Site
from .diagnostics import Diagnostic, Report, did_you_mean
from .page_render import element_ids
from .body import Body, FragmentRef


def check_fragments(site: Site, bodies: dict[str, Body], report: Report,
                    known: dict[int, tuple[Body, Collection[str]]]) -> dict[str, list[Diagnostic]]:
    """Beyond Hugo: a ref's #fragment must name a heading (or other id) of its target page.
    Returns the warnings by the source of the page whose ref it is (the preview's fast
    path checks again only the pages an edit touches).

    `known` keeps each body's ids between builds (by the body object: a body taken from
    the render cache is the same object, one rendered again is another)."""
    source_of = {page.rel: page.source for page in site.pages if page.rel}
    ids_of: dict[str, Collection[str]] = {}
    found: dict[str, list[Diagnostic]] = {}
    for source, body in bodies.items():
        if body.fragment_refs:
            found[source] = fragment_warnings(body.fragment_refs, source_of, bodies, known, ids_of)
            report.extend(found[source])
    if len(known) > len(bodies):  # forget bodies edits replaced (they are kept alive here)
        current = {id(body) for body in bodies.values()}
        for stale in [key for key in known if key not in current]:
            del known[stale]
    return found


def check_doc_fragments(site: Site, refs: list[FragmentRef], bodies: dict[str, Body], report: Report,
                        known: dict[int, tuple[Body, Collection[str]]]) -> dict[str, list[Diagnostic]]:
    """check_fragments for the plugins' `documentation:` refs, by the plugins-index file of each."""
    source_of = {page.rel: page.source for page in site.pages if page.rel}
    found: dict[str, list[Diagnostic]] = {}
    for ref in refs:
        found.setdefault(ref.source, []).extend(fragment_warnings([ref], source_of, bodies, known))
    for warnings in found.values():
        report.extend(warnings)
    return {source: warnings for source, warnings in found.items() if warnings}


def fragment_warnings(refs: Sequence[FragmentRef], source_of: dict[str, str], bodies: dict[str, Body],
                      known: dict[int, tuple[Body, Collection[str]]],
                      ids_of: dict[str, Collection[str]] | None = None) -> list[Diagnostic]:
    """The warnings of the refs whose #fragment names no id of its target page."""
    ids_of = {} if ids_of is None else ids_of
    warnings: list[Diagnostic] = []
    for ref in refs:
        target = source_of.get(ref.target, "")
        if target not in ids_of:
            ids_of[target] = _element_ids(bodies[target], known) if target in bodies else frozenset()
        if ref.fragment not in ids_of[target]:
            warnings.append(Diagnostic(ref.source, ref.line, ref.col, "warning", "ref-fragment",
                                       f'page reference "{ref.ref}": no heading with id "{ref.fragment}" on the '
                                       f'target page', did_you_mean(ref.fragment, ids_of[target])
                                       or "link to a heading that exists, or drop the #fragment"))
    return warnings


def _element_ids(body: Body, known: dict[int, tuple[Body, Collection[str]]]) -> Collection[str]:
    if body.element_ids or not body.html and not body.packed:  # dropped or packed, or none: the ids it had are kept
        return body.element_ids
    kept = known.get(id(body))
    if kept is None or kept[0] is not body:
        kept = known[id(body)] = (body, element_ids(body.full_html()))
    return kept[1]
