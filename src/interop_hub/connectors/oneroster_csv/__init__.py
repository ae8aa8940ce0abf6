"""OneRoster 1.1/1.2 CSV packages (ZIP or folder): manifest, streaming readers, validation.

Pure: no FastAPI, no SQLAlchemy. ``PackageReader`` yields validated records per stream
(see ``streams``) and fills an ``ImportReport``; ``interop_hub.sync.oneroster_csv`` stages
and applies them.
"""

from interop_hub.connectors.oneroster_csv.manifest import Manifest, Mode, read_manifest
from interop_hub.connectors.oneroster_csv.package import CsvPackage, PackageError
from interop_hub.connectors.oneroster_csv.parse import Batch, PackageReader
from interop_hub.connectors.oneroster_csv.problems import ImportReport, Problem, Severity
from interop_hub.connectors.oneroster_csv.streams import (
    ENTITY_FILES,
    REFERENCES,
    STREAMS,
    Reference,
    Stream,
)

__all__ = [
    "ENTITY_FILES",
    "REFERENCES",
    "STREAMS",
    "Batch",
    "CsvPackage",
    "ImportReport",
    "Manifest",
    "Mode",
    "PackageError",
    "PackageReader",
    "Problem",
    "Reference",
    "Severity",
    "Stream",
    "read_manifest",
]
