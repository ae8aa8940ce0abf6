"""The Ed-Fi dataset derived from a generated district is valid DS 5 and self-consistent:
every document validates against the official resources schema, natural keys are unique
and every reference points at a document of the dataset (so a loader sending the files in
dependency order meets no unresolved reference)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import jsonschema
import orjson
import pytest

from interop_hub.generator import GenerationSummary
from interop_hub.generator.edfi import EDFI_RESOURCES, write_edfi_dataset
from tests.conftest import official_edfi_components, shared_data
from tests.generator.checks import Package

# Reference property -> (target resource, its identity fields as named in the reference).
REFERENCES = {
    "localEducationAgencyReference": ("localEducationAgencies", ("localEducationAgencyId",)),
    "schoolReference": ("schools", ("schoolId",)),
    "schoolYearTypeReference": ("schoolYearTypes", ("schoolYear",)),
    "sessionReference": ("sessions", ("schoolId", "schoolYear", "sessionName")),
    "courseReference": ("courses", ("courseCode", "educationOrganizationId")),
    "courseOfferingReference": (
        "courseOfferings",
        ("localCourseCode", "schoolId", "schoolYear", "sessionName"),
    ),
    "sectionReference": (
        "sections",
        ("localCourseCode", "schoolId", "schoolYear", "sectionIdentifier", "sessionName"),
    ),
    "studentReference": ("students", ("studentUniqueId",)),
    "staffReference": ("staffs", ("staffUniqueId",)),
    "contactReference": ("contacts", ("contactUniqueId",)),
}
SINGULAR = {
    "localEducationAgencies": "localEducationAgency",
    "schoolYearTypes": "schoolYearType",
    "staffs": "staff",
}


def _identity(resource: str, doc: dict[str, Any]) -> tuple[Any, ...]:
    """The key other documents reference ``doc`` by (flattened as in the references)."""
    flat: dict[str, Any] = {}
    for name, value in doc.items():
        if name.endswith("Reference"):
            flat.update(value)
        else:
            flat[name] = value
    if resource == "sections":
        flat |= doc["courseOfferingReference"]
    if resource == "courseOfferings":
        flat |= doc["sessionReference"]
    if resource == "courses":
        flat["educationOrganizationId"] = doc["educationOrganizationReference"][
            "educationOrganizationId"
        ]
    for target, fields in REFERENCES.values():
        if target == resource:
            return tuple(flat[f] for f in fields)
    return ()


@pytest.fixture(scope="module")
def dataset(
    small: tuple[GenerationSummary, Package], tmp_path_factory: pytest.TempPathFactory
) -> tuple[dict[str, int], dict[str, list[dict[str, Any]]]]:
    out = tmp_path_factory.mktemp("edfi")
    counts = write_edfi_dataset(small[0].path, out)
    docs = {
        r: [orjson.loads(line) for line in (out / f"{r}.jsonl").read_text().splitlines()]
        for r in counts
    }
    return counts, docs


def test_every_core_resource_is_written(
    dataset: tuple[dict[str, int], dict[str, list[dict[str, Any]]]],
    small: tuple[GenerationSummary, Package],
) -> None:
    counts, _ = dataset
    assert set(counts) == set(EDFI_RESOURCES)
    assert counts["students"] == small[0].students
    assert counts["studentSchoolAssociations"] == small[0].students
    # Every student enrollment of the package becomes a section association.
    enrolled = sum(1 for r in small[1]["enrollments"] if r["role"] == "student")
    assert counts["studentSectionAssociations"] == enrolled


def test_documents_validate_against_the_official_ds5_schema(
    dataset: tuple[dict[str, int], dict[str, list[dict[str, Any]]]],
) -> None:
    components = official_edfi_components()
    _, docs = dataset
    for resource, items in docs.items():
        name = SINGULAR.get(resource, resource[:-1])
        schema = {"$ref": f"#/components/schemas/edFi_{name}", "components": components}
        validator = jsonschema.Draft4Validator(schema)
        for doc in items:
            errors = [e.message for e in validator.iter_errors(doc)]
            assert not errors, f"{resource}: {errors[:3]} in {doc}"


def test_natural_keys_are_unique_and_references_resolve(
    dataset: tuple[dict[str, int], dict[str, list[dict[str, Any]]]],
) -> None:
    _, docs = dataset
    keys: dict[str, Counter[tuple[Any, ...]]] = {
        target: Counter(_identity(target, d) for d in docs[target])
        for target, _ in REFERENCES.values()
    }
    for target, counter in keys.items():
        assert counter, target
        assert max(counter.values()) == 1, f"duplicate natural keys in {target}"
    for resource, items in docs.items():
        for doc in items:
            for prop, value in doc.items():
                if prop in REFERENCES:
                    target, fields = REFERENCES[prop]
                    key = tuple(value[f] for f in fields)
                    assert key in keys[target], f"{resource}.{prop} -> {key} unresolved"


def test_descriptor_values_exist_in_the_ds52_descriptor_files(
    dataset: tuple[dict[str, int], dict[str, list[dict[str, Any]]]],
) -> None:
    folder = shared_data("edfi", "ds5.2-descriptors")
    used: set[str] = set()

    def walk(value: Any, name: str = "") -> None:
        if isinstance(value, dict):
            for k, v in value.items():
                walk(v, k)
        elif isinstance(value, list):
            for v in value:
                walk(v, name)
        elif name.endswith("Descriptor"):
            used.add(value)

    for items in dataset[1].values():
        for doc in items:
            walk(doc)
    for uri in sorted(used):
        kind, code = uri.removeprefix("uri://ed-fi.org/").split("#")
        xml = (Path(folder) / f"{kind}.xml").read_text(encoding="utf-8")
        assert f"<CodeValue>{code}</CodeValue>" in xml, uri
