"""Where a connector kind's mapping lives: the repository's ``mappings/`` folder in a
checkout, ``interop_hub/_mappings`` in an installed wheel, or a folder a third-party
connector names itself (``Connector.mapping_folder``)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from interop_hub.mapping.apply import Mapper
from interop_hub.mapping.spec import MappingError, load_mapping

__all__ = ["builtin_mappings_root", "mapping_for"]

_PACKAGE = Path(__file__).resolve().parent.parent


def builtin_mappings_root() -> Path:
    for candidate in (_PACKAGE / "_mappings", _PACKAGE.parent.parent / "mappings"):
        if candidate.is_dir():
            return candidate
    raise MappingError("the built-in mappings folder is missing from this installation")


@lru_cache
def mapping_for(kind: str, folder: Path | None = None) -> Mapper:
    """The compiled mapping of ``kind`` (cached; mapping files are read once)."""
    return Mapper(load_mapping(folder or builtin_mappings_root() / kind, kind))
