"""The Ed-Fi resource registry, built from the bundled DS 5.0 OpenAPI documents.

For every path of ``resources-ds-5.0`` and ``descriptor-api-5.0`` it records the resource's
schema, its natural key, its references and descriptor-valued properties and its query
parameters. Everything the generic API does is driven by this registry (no per-resource code).

* **Natural key.** Top-level scalars marked ``x-Ed-Fi-isIdentity``, plus the required
  ``*Reference`` properties whose fields are all identity query parameters (a ``$ref``
  property cannot carry the flag itself, but the flattened GET parameters do). Descriptors are
  keyed by ``namespace`` and ``codeValue`` (their ``...DescriptorId`` is an ODS surrogate).
  Keys are flat ``{name: value}`` maps using the query-parameter names (``flatten.py``), the
  form Ed-Fi uses in ``/deletes`` and ``/keyChanges``.
* **References.** A ``*Reference`` property points at the resource whose schema has the same
  name; the two abstract targets (``educationOrganization``, ``generalStudentProgramAssociation``)
  resolve to any of their concrete subclasses (``ABSTRACT``).
* **Descriptors.** A string property ending in ``Descriptor`` takes a descriptor URI of the
  longest descriptor type its name ends with (``entryGradeLevelDescriptor`` → GradeLevel).
* **Key changes** are allowed where the spec marks the PUT ``x-Ed-Fi-isUpdatable``.
* **Store.** Each resource names its store strategy (``documents`` for now); a later phase
  serves core resources from the canonical tables behind the same interface.

``get_registry()`` builds it once per process.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Final, Literal

from interop_hub.edfi.flatten import cap, reference_field_name
from interop_hub.edfi.specdocs import DESCRIPTORS_SPEC, RESOURCES_SPEC, spec_document

__all__ = [
    "ABSTRACT",
    "PROJECT",
    "ObjectPlan",
    "QueryField",
    "Reference",
    "Registry",
    "ResourceSpec",
    "get_registry",
]

PROJECT: Final = "ed-fi"
STANDARD_PARAMS: Final = frozenset(
    {"offset", "limit", "minChangeVersion", "maxChangeVersion", "totalCount", "id"}
)
PERSON_KEYS: Final = {
    "studentUniqueId": "student",
    "staffUniqueId": "staff",
    "contactUniqueId": "contact",
}

# Abstract reference targets: name → how to recognise the concrete subclasses in the spec.
# An education organization is any resource keyed by one ``...Id`` whose schema has
# ``nameOfInstitution``; a general student program association is any resource whose key has
# exactly the reference's fields.
ABSTRACT: Final = ("educationOrganization", "generalStudentProgramAssociation")

ValueKind = Literal["string", "integer", "number", "boolean"]


@dataclass(frozen=True)
class QueryField:
    """A flat value of a resource: its query-parameter name and where it sits."""

    name: str
    paths: tuple[tuple[str, ...], ...]
    kind: ValueKind
    identity: bool


@dataclass(frozen=True)
class Reference:
    """A ``*Reference`` schema: its fields and the resources it may point at. ``targets``
    maps each resource to the rename of reference field → that resource's key name."""

    schema: str
    fields: tuple[str, ...]
    targets: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = ()


@dataclass(frozen=True)
class ObjectPlan:
    """How to walk one object schema: known properties (others are ignored, as the ODS
    does), references, descriptor values and nested objects/collections."""

    schema: str
    known: frozenset[str]
    references: tuple[tuple[str, Reference], ...] = ()
    descriptors: tuple[tuple[str, str], ...] = ()  # property → descriptor resource
    objects: tuple[tuple[str, ObjectPlan], ...] = ()
    arrays: tuple[tuple[str, ObjectPlan], ...] = ()


@dataclass(frozen=True)
class ResourceSpec:
    name: str  # collection name, e.g. "studentSchoolAssociations"
    project: str
    schema_name: str  # e.g. "edFi_studentSchoolAssociation"
    descriptor: bool
    identity: tuple[QueryField, ...]
    query_fields: Mapping[str, QueryField]
    key_changes: bool
    spec: str  # which bundled document defines it
    store: str = "documents"
    plan: ObjectPlan = field(repr=False, default=ObjectPlan("", frozenset()))

    @property
    def path(self) -> str:
        return f"/{self.project}/{self.name}"

    @property
    def person_kind(self) -> tuple[str, str] | None:
        """(key name, person kind) when the resource is about one person, else None."""
        for item in self.identity:
            if item.name in PERSON_KEYS:
                return item.name, PERSON_KEYS[item.name]
        return None


def _ref_name(ref: str) -> str:
    return ref.rsplit("/", 1)[-1]


def _kind(schema: Mapping[str, Any]) -> ValueKind:
    kind = schema.get("type", "string")
    return kind if kind in ("integer", "number", "boolean") else "string"


def _schema_of_collection(ops: Mapping[str, Any]) -> str:
    content = ops["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    return _ref_name(content["items"]["$ref"])


@dataclass
class _Builder:
    schemas: dict[str, dict[str, Any]]
    resource_by_schema: dict[str, str]
    descriptor_types: dict[str, str]  # "GradeLevelDescriptor" → "gradeLevelDescriptors"
    identities: dict[str, frozenset[str]] = field(default_factory=dict)
    references: dict[str, Reference] = field(default_factory=dict)
    plans: dict[str, ObjectPlan] = field(default_factory=dict)

    def descriptor_resource(self, prop: str) -> str | None:
        name = cap(prop)
        for i, ch in enumerate(name):
            if ch.isupper() and name[i:] in self.descriptor_types:
                return self.descriptor_types[name[i:]]
        return None

    def reference(self, schema_name: str) -> Reference:
        found = self.references.get(schema_name)
        if found is None:
            props = self.schemas[schema_name]["properties"]
            found = Reference(schema_name, tuple(p for p in props if p != "link"))
            self.references[schema_name] = found
        return found

    def plan(self, schema_name: str) -> ObjectPlan:
        found = self.plans.get(schema_name)
        if found is not None:
            return found
        schema = self.schemas[schema_name]
        props: dict[str, Any] = schema.get("properties", {})
        refs: list[tuple[str, Reference]] = []
        descriptors: list[tuple[str, str]] = []
        objects: list[tuple[str, ObjectPlan]] = []
        arrays: list[tuple[str, ObjectPlan]] = []
        for prop, sub in props.items():
            if "$ref" in sub:
                target = _ref_name(sub["$ref"])
                if target.endswith("Reference") and prop.endswith("Reference"):
                    refs.append((prop, self.reference(target)))
                elif target != "link":
                    objects.append((prop, self.plan(target)))
            elif sub.get("type") == "array" and "$ref" in sub.get("items", {}):
                arrays.append((prop, self.plan(_ref_name(sub["items"]["$ref"]))))
            elif prop.endswith("Descriptor") and sub.get("type") == "string":
                resource = self.descriptor_resource(prop)
                if resource is not None:
                    descriptors.append((prop, resource))
        known = frozenset(p for p in props if p not in ("id", "_etag", "_lastModifiedDate"))
        if schema_name.endswith("Reference"):
            known = known - {"link"}
        plan = ObjectPlan(
            schema_name, known, tuple(refs), tuple(descriptors), tuple(objects), tuple(arrays)
        )
        self.plans[schema_name] = plan
        return plan


def _resource_fields(
    schemas: Mapping[str, Any],
    schema: Mapping[str, Any],
    params: Mapping[str, Mapping[str, Any]],
) -> tuple[dict[str, QueryField], tuple[QueryField, ...]]:
    """Query fields (flattened name → paths) and the natural key of a resource schema."""
    props: dict[str, Any] = schema["properties"]
    required = set(schema.get("required", ()))
    identity_params = {n for n, p in params.items() if p.get("x-Ed-Fi-isIdentity")}
    paths: dict[str, list[tuple[str, ...]]] = {}
    kinds: dict[str, ValueKind] = {}
    identity: set[str] = set()
    for prop, sub in props.items():
        if prop in ("id", "_etag", "_lastModifiedDate"):
            continue
        if "$ref" in sub and prop.endswith("Reference"):
            ref_schema = schemas[_ref_name(sub["$ref"])]
            names = []
            for ref_field, ref_sub in ref_schema["properties"].items():
                if ref_field == "link":
                    continue
                name = reference_field_name(prop, ref_field, params)
                names.append(name)
                paths.setdefault(name, []).append((prop, ref_field))
                kinds.setdefault(name, _kind(ref_sub))
            if prop in required and names and all(n in identity_params for n in names):
                identity.update(names)
        elif sub.get("type") not in ("array", "object") and "$ref" not in sub:
            paths.setdefault(prop, []).append((prop,))
            kinds[prop] = _kind(sub)
            if sub.get("x-Ed-Fi-isIdentity"):
                identity.add(prop)

    def _rank(path: tuple[str, ...]) -> bool:  # paths in required properties first
        return path[0] not in required

    fields = {
        name: QueryField(name, tuple(sorted(p, key=_rank)), kinds[name], name in identity)
        for name, p in paths.items()
        if not params or name in params or name in identity
    }
    key = tuple(fields[name] for name in sorted(identity))
    return fields, key


@dataclass(frozen=True)
class Registry:
    resources: Mapping[str, ResourceSpec]

    def __iter__(self) -> Iterator[ResourceSpec]:
        return iter(self.resources.values())

    def get(self, name: str) -> ResourceSpec | None:
        return self.resources.get(name)

    def descriptors(self) -> list[ResourceSpec]:
        return [r for r in self if r.descriptor]


def _collections(document: Mapping[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    for path, ops in document["paths"].items():
        if "{id}" not in path and "get" in ops:
            yield path, ops


def build_registry(
    resources_doc: Mapping[str, Any], descriptors_doc: Mapping[str, Any]
) -> Registry:
    schemas: dict[str, dict[str, Any]] = {
        **descriptors_doc["components"]["schemas"],
        **resources_doc["components"]["schemas"],
    }
    resource_by_schema: dict[str, str] = {}
    entries: list[tuple[str, str, dict[str, Any], dict[str, Any], str]] = []
    documents = ((RESOURCES_SPEC, resources_doc), (DESCRIPTORS_SPEC, descriptors_doc))
    for spec_name, document in documents:
        for path, ops in _collections(document):
            project, _, name = path.strip("/").partition("/")
            schema_name = _schema_of_collection(ops)
            resource_by_schema[schema_name] = name
            item_ops = document["paths"].get(f"{path}/{{id}}", {})
            entries.append((project, name, ops, item_ops, spec_name))
    descriptor_types = {
        cap(name[:-1]): name for _, name, _, _, _ in entries if name.endswith("Descriptors")
    }
    builder = _Builder(schemas, resource_by_schema, descriptor_types)
    specs: dict[str, ResourceSpec] = {}
    for project, name, ops, item_ops, spec_name in entries:
        schema_name = _schema_of_collection(ops)
        schema = schemas[schema_name]
        descriptor = name.endswith("Descriptors") and spec_name == DESCRIPTORS_SPEC
        params = {
            p["name"]: p
            for p in ops["get"].get("parameters", ())
            if "name" in p and p["name"] not in STANDARD_PARAMS
        }
        fields, key = _resource_fields(schemas, schema, params)
        if descriptor:
            key = tuple(
                QueryField(f.name, f.paths, f.kind, True)
                for f in (fields["codeValue"], fields["namespace"])
            )
            fields = {**fields, **{f.name: f for f in key}}
        specs[name] = ResourceSpec(
            name=name,
            project=project,
            schema_name=schema_name,
            descriptor=descriptor,
            identity=key,
            query_fields=fields,
            key_changes=bool(item_ops.get("put", {}).get("x-Ed-Fi-isUpdatable")),
            spec=spec_name,
            plan=builder.plan(schema_name),
        )
    _resolve_targets(builder, specs)
    return Registry(specs)


def _key_names(spec: ResourceSpec) -> frozenset[str]:
    return frozenset(f.name for f in spec.identity)


def _resolve_targets(builder: _Builder, specs: Mapping[str, ResourceSpec]) -> None:
    """Fill in each reference schema's target resources and field renames."""
    for schema_name, ref in list(builder.references.items()):
        base = schema_name[: -len("Reference")]
        fields = ref.fields
        targets: list[tuple[str, tuple[tuple[str, str], ...]]] = []
        concrete = builder.resource_by_schema.get(base)
        if concrete is not None:
            names = _key_names(specs[concrete])
            if set(fields) != names:
                raise ValueError(f"{schema_name} fields {fields} do not match {sorted(names)}")
            targets.append((concrete, tuple((f, f) for f in fields)))
        elif base == "edFi_educationOrganization":
            for spec in specs.values():
                schema = builder.schemas[spec.schema_name]
                if len(spec.identity) == 1 and "nameOfInstitution" in schema["properties"]:
                    targets.append((spec.name, ((fields[0], spec.identity[0].name),)))
        else:
            for spec in specs.values():
                if _key_names(spec) == set(fields) and not spec.descriptor:
                    targets.append((spec.name, tuple((f, f) for f in fields)))
        if not targets:
            raise ValueError(f"no resource for reference {schema_name}")
        # the plans hold the same Reference object: update it in place (frozen dataclass)
        object.__setattr__(ref, "targets", tuple(sorted(targets)))


@cache
def get_registry() -> Registry:
    return build_registry(spec_document(RESOURCES_SPEC), spec_document(DESCRIPTORS_SPEC))
