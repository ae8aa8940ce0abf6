"""Build the package data in ``edfi/spec/`` from the official Ed-Fi files (a developer step).

``python -m interop_hub.edfi.spec_build [SHARED_EDFI_DIR]`` converts

* ``openapi/resources-ds-5.0.yml`` and ``openapi/descriptor-api-5.0.yml`` (OpenAPI 3.0 YAML,
  Ed-Fi-Alliance-OSS/Ed-Fi-API-Standards) to ``spec/resources-ds-5.0.json`` and
  ``spec/descriptor-api-5.0.json``: the same documents, parsed and re-encoded as JSON so the
  hub reads them in milliseconds without a YAML parser at run time;
* ``ds5.2-descriptors/*.xml`` (Ed-Fi-Alliance-OSS/Ed-Fi-Data-Standard, DS 5.2) to
  ``spec/descriptors-ds-5.2.json``: ``{"GradeLevelDescriptor": [[codeValue, shortDescription,
  description, namespace], ...], ...}``.

``tests/edfi/test_spec_bundle.py`` checks the bundled files against the originals. PyYAML is
needed only here (it is a test dependency), never at run time.
"""

from __future__ import annotations

import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import orjson

__all__ = ["DESCRIPTOR_FIELDS", "OPENAPI_FILES", "convert_openapi", "parse_descriptor_xml"]

SPEC_DIR = Path(__file__).resolve().parent / "spec"
OPENAPI_FILES = {
    "resources-ds-5.0.yml": "resources-ds-5.0.json",
    "descriptor-api-5.0.yml": "descriptor-api-5.0.json",
}
DESCRIPTORS_FILE = "descriptors-ds-5.2.json"
DESCRIPTOR_FIELDS = ("CodeValue", "ShortDescription", "Description", "Namespace")


def convert_openapi(path: Path) -> Any:
    import yaml  # build-time only

    with path.open("rb") as fh:
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # a safe loader either way
        return yaml.load(fh, Loader=loader)  # noqa: S506


def parse_descriptor_xml(path: Path) -> dict[str, list[list[str | None]]]:
    """Descriptor type (``GradeLevelDescriptor``) -> rows of ``DESCRIPTOR_FIELDS``."""
    root = ET.parse(path).getroot()  # noqa: S314
    found: dict[str, list[list[str | None]]] = {}
    for element in root:
        kind = element.tag.rpartition("}")[2]
        values = {child.tag.rpartition("}")[2]: (child.text or "") for child in element}
        found.setdefault(kind, []).append([values.get(name) for name in DESCRIPTOR_FIELDS])
    return found


def build(shared_edfi: Path) -> list[Path]:
    written = []
    for source, target in OPENAPI_FILES.items():
        document = convert_openapi(shared_edfi / "openapi" / source)
        out = SPEC_DIR / target
        out.write_bytes(orjson.dumps(document))
        written.append(out)
    descriptors: dict[str, list[list[str | None]]] = {}
    for xml_file in sorted((shared_edfi / "ds5.2-descriptors").glob("*.xml")):
        for kind, rows in parse_descriptor_xml(xml_file).items():
            descriptors.setdefault(kind, []).extend(rows)
    out = SPEC_DIR / DESCRIPTORS_FILE
    out.write_bytes(orjson.dumps(dict(sorted(descriptors.items()))))
    written.append(out)
    return written


if __name__ == "__main__":
    default = Path(__file__).resolve().parents[4] / "shared" / "data" / "edfi"
    for written_path in build(Path(sys.argv[1]) if len(sys.argv) > 1 else default):
        sys.stdout.write(f"wrote {written_path}\n")
