"""The bundled spec matches the official files; the registry reads natural keys, references,
descriptors and the load order from it."""

from __future__ import annotations

import orjson
import pytest
import yaml

from interop_hub.edfi.descriptors import bundled_descriptors
from interop_hub.edfi.load_order import dependency_orders
from interop_hub.edfi.registry import get_registry
from interop_hub.edfi.spec_build import OPENAPI_FILES, parse_descriptor_xml
from interop_hub.edfi.specdocs import load_json
from tests.conftest import shared_data


@pytest.mark.parametrize(("source", "bundled"), sorted(OPENAPI_FILES.items()))
def test_bundled_openapi_equals_the_official_yaml(source: str, bundled: str) -> None:
    path = shared_data("edfi", "openapi", source)
    with path.open("rb") as fh:
        official = yaml.load(fh, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506
    assert load_json(bundled) == orjson.loads(orjson.dumps(official))


def test_bundled_descriptors_equal_the_official_xml() -> None:
    folder = shared_data("edfi", "ds5.2-descriptors")
    files = sorted(folder.glob("*.xml"))
    assert len(files) == 202
    expected = 0
    for path in files:
        expected += sum(len(rows) for rows in parse_descriptor_xml(path).values())
    bundled = list(bundled_descriptors())
    assert len(bundled) == expected == 3298
    grade = next(
        d for r, d in bundled if d["codeValue"] == "Ninth grade" and r == "gradeLevelDescriptors"
    )
    assert grade["namespace"] == "uri://ed-fi.org/GradeLevelDescriptor"


def test_every_path_of_both_documents_is_a_registered_resource() -> None:
    registry = get_registry()
    paths = set()
    for name in OPENAPI_FILES.values():
        paths |= {p for p in load_json(name)["paths"] if "{id}" not in p}
    assert {r.path for r in registry} == paths
    assert len(paths) == 361
    assert len(registry.descriptors()) == 218


def _key(resource: str) -> dict[str, tuple[tuple[str, ...], ...]]:
    spec = get_registry().resources[resource]
    return {f.name: f.paths for f in spec.identity}


def test_natural_keys_come_from_identity_flags_and_required_references() -> None:
    assert _key("studentSchoolAssociations") == {
        "entryDate": (("entryDate",),),
        "schoolId": (("schoolReference", "schoolId"), ("calendarReference", "schoolId")),
        "studentUniqueId": (("studentReference", "studentUniqueId"),),
    }
    # a required reference that is not part of the key: courseReference of courseOfferings
    assert set(_key("courseOfferings")) == {
        "localCourseCode",
        "schoolId",
        "schoolYear",
        "sessionName",
    }
    # role-named and renamed reference fields get their flattened names
    assert _key("grades")["gradingPeriodSchoolYear"] == (("gradingPeriodReference", "schoolYear"),)
    assert set(_key("gradeLevelDescriptors")) == {"codeValue", "namespace"}
    # every resource has a key and every key value has a location
    for spec in get_registry():
        assert spec.identity, spec.name
        assert all(f.paths for f in spec.identity), spec.name


def test_key_changes_follow_the_spec() -> None:
    allowed = {r.name for r in get_registry() if r.key_changes}
    assert allowed == {
        "classPeriods",
        "grades",
        "gradebookEntries",
        "locations",
        "sections",
        "sessions",
        "studentSchoolAssociations",
        "studentSectionAssociations",
    }


def test_references_and_descriptors_resolve_to_resources() -> None:
    ssa = get_registry().resources["studentSchoolAssociations"].plan
    refs = {name: [t for t, _ in ref.targets] for name, ref in ssa.references}
    assert refs["schoolReference"] == ["schools"]
    assert refs["studentReference"] == ["students"]
    descriptors = dict(ssa.descriptors)
    assert descriptors["entryGradeLevelDescriptor"] == "gradeLevelDescriptors"
    assert descriptors["nextYearGradeLevelDescriptor"] == "gradeLevelDescriptors"
    seoa = get_registry().resources["studentEducationOrganizationAssociations"].plan
    edorg = dict(seoa.references)["educationOrganizationReference"]
    targets = dict(edorg.targets)
    assert {"schools", "localEducationAgencies", "stateEducationAgencies"} <= set(targets)
    assert targets["schools"] == (("educationOrganizationId", "schoolId"),)


def test_load_order_puts_references_first() -> None:
    orders = dependency_orders(get_registry())
    assert orders["gradeLevelDescriptors"] == 1
    assert orders["schoolYearTypes"] == 1
    assert orders["localEducationAgencies"] < orders["schools"] < orders["courseOfferings"]
    assert orders["courseOfferings"] < orders["sections"] < orders["studentSectionAssociations"]
    assert orders["students"] < orders["studentSchoolAssociations"]
