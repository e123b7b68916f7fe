"""/catalog.jsonld against the official DCAT-AP 3.0.1 SHACL shapes (../shared/standards/dcat-ap-3.0.1/), with pyshacl.

The mandatory and range shapes must give 0 violations. The recommended shapes give warnings: each (class, property)
they report is listed in the README with what we do about it, and nothing else is listed.
"""

from __future__ import annotations

import re

import pytest
from pyshacl import validate
from rdflib import RDF, Graph, Literal, Namespace, URIRef

from tests.conftest import ROOT

pytestmark = pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")

STANDARD = ROOT.parent / "shared" / "standards" / "dcat-ap-3.0.1"
SH = Namespace("http://www.w3.org/ns/shacl#")


def shapes(*names: str) -> Graph:
    missing = [name for name in names if not (STANDARD / name).is_file()]
    if missing:
        pytest.fail(
            f"the official DCAT-AP 3.0.1 shapes are missing from {STANDARD} ({', '.join(missing)}): "
            "clone the shared standards beside the repository (see /work/shared/standards/README.md)"
        )
    graph = Graph()
    for name in names:
        graph.parse(STANDARD / name, format="turtle")
    return graph


def catalogue(site) -> Graph:
    return Graph().parse(site / "catalog.jsonld", format="json-ld")


def results(data: Graph, shapes_graph: Graph, severity) -> list[tuple[str, str, str]]:
    """(focus node's class, property, message) of every result of ``severity``, as CURIEs."""
    _, report, _ = validate(data, shacl_graph=shapes_graph, inference="none", allow_warnings=True)
    found = []
    for result in report.subjects(RDF.type, SH.ValidationResult):
        if report.value(result, SH.resultSeverity) != severity:
            continue
        focus = report.value(result, SH.focusNode)
        kinds = sorted(data.namespace_manager.curie(k) for k in data.objects(focus, RDF.type))
        path = report.value(result, SH.resultPath)
        found.append(
            (
                " ".join(kinds),
                data.namespace_manager.curie(path) if path is not None else "",
                str(report.value(result, SH.resultMessage)),
            )
        )
    return found


def test_catalogue_has_no_dcat_ap_violations(built_site):
    violations = results(catalogue(built_site), shapes("shapes.ttl", "range.ttl"), SH.Violation)
    assert violations == []


def test_the_shapes_catch_a_planted_violation(built_site):
    """The check can fail: a media type as a plain string, two licences on one file, as before issue 16."""
    data = catalogue(built_site)
    dcat = Namespace("http://www.w3.org/ns/dcat#")
    dct = Namespace("http://purl.org/dc/terms/")
    distribution = next(data.subjects(RDF.type, dcat.Distribution))
    data.set((distribution, dcat.mediaType, Literal("text/csv")))
    data.add((distribution, dct.license, URIRef("https://example.org/another-licence")))
    messages = [m for _, _, m in results(data, shapes("shapes.ttl", "range.ttl"), SH.Violation)]
    assert any("dct:MediaType" in m for m in messages) and any("More than 1" in m for m in messages)


def readme_warning_rows() -> set[tuple[str, str]]:
    """The (class, property) rows of the README's table of recommended-shape warnings."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("#### DCAT-AP recommended properties", 1)[1].split("\n#", 1)[0]
    return {
        (m[1], m[2]) for m in re.finditer(r"^\| `([^`]+)` \| `([^`]+)` \|", section, re.MULTILINE) if m[1] != "class"
    }


def test_every_recommended_shape_warning_is_listed_in_the_readme(built_site):
    warnings = results(catalogue(built_site), shapes("shapes_recommended.ttl"), SH.Warning)
    assert warnings, "the recommended shapes report nothing: check that they were read"
    assert {(kind, path) for kind, path, _ in warnings} == readme_warning_rows()
