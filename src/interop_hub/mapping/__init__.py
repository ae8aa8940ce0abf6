"""Declarative source mappings (``mappings/<kind>/*.yaml``): raw records → target rows.

Pure: imports neither FastAPI nor SQLAlchemy. See ``spec`` for the file format.
"""

from interop_hub.mapping.apply import Mapper, render_value
from interop_hub.mapping.locate import mapping_for
from interop_hub.mapping.spec import FieldSpec, MappingError, Rule, SourceMapping, load_mapping
from interop_hub.mapping.targets import ASSESSMENT_RESULTS, TARGETS

__all__ = [
    "ASSESSMENT_RESULTS",
    "TARGETS",
    "FieldSpec",
    "Mapper",
    "MappingError",
    "Rule",
    "SourceMapping",
    "load_mapping",
    "mapping_for",
    "render_value",
]
