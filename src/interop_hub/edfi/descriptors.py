"""Descriptor values: URIs ``{namespace}#{codeValue}`` and the bundled DS 5.2 values."""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from typing import Any, Final

from interop_hub.edfi.flatten import cap
from interop_hub.edfi.specdocs import load_json

__all__ = ["DESCRIPTORS_FILE", "bundled_descriptors", "descriptor_key", "resource_for_type"]

DESCRIPTORS_FILE: Final = "descriptors-ds-5.2.json"


def descriptor_key(uri: str) -> dict[str, str] | None:
    """The natural key (``codeValue``, ``namespace``) a descriptor URI names; None if the
    value is not a ``namespace#codeValue`` URI."""
    namespace, sep, code_value = uri.rpartition("#")
    if not sep or not namespace or not code_value:
        return None
    return {"codeValue": code_value, "namespace": namespace}


def resource_for_type(descriptor_type: str) -> str:
    """``GradeLevelDescriptor`` → ``gradeLevelDescriptors`` (``CTEProgramServiceDescriptor``
    → ``cteProgramServiceDescriptors``: the collection names fold acronyms)."""
    return _resource_names().get(
        descriptor_type.lower(), descriptor_type[:1].lower() + descriptor_type[1:] + "s"
    )


@cache
def _resource_names() -> dict[str, str]:
    from interop_hub.edfi.registry import get_registry

    return {spec.name[:-1].lower(): spec.name for spec in get_registry().descriptors()}


def type_for_resource(resource: str) -> str:
    return cap(resource[:-1])


@cache
def _bundled() -> dict[str, list[list[str | None]]]:
    data: dict[str, list[list[str | None]]] = load_json(DESCRIPTORS_FILE)
    return data


def bundled_descriptors(types: set[str] | None = None) -> Iterator[tuple[str, dict[str, Any]]]:
    """(descriptor resource, document) for every bundled DS 5.2 value (of ``types`` only,
    e.g. ``{"GradeLevelDescriptor"}``, when given)."""
    for kind, rows in _bundled().items():
        if types is not None and kind not in types:
            continue
        resource = resource_for_type(kind)
        for code_value, short, description, namespace in rows:
            document: dict[str, Any] = {
                "codeValue": code_value,
                "namespace": namespace,
                "shortDescription": short,
            }
            if description:
                document["description"] = description
            yield resource, document
