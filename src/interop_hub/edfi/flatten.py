"""Flattened (query-parameter) names of a resource's values.

The Ed-Fi OpenAPI lists, for every collection GET, one query parameter per value of the
resource: top-level scalars by their own name, and each field of a ``*Reference`` property by
its MetaEd column name. Names that appear in two references are one unified key value (for
example ``schoolId`` in ``schoolReference`` and ``sessionReference``). The column name of a
reference field is its own name, unless the reference carries a role name
(``nextYearSchoolReference.schoolId`` → ``nextYearSchoolId``) or the column was renamed
to avoid a clash (``gradingPeriodReference.schoolYear`` → ``gradingPeriodSchoolYear``,
``balanceSheetDimensionReference.code`` → ``balanceSheetCode``). The spec states the names
but not their origin, so ``reference_field_name`` matches each field against the parameters:
a parameter ending with the field's name whose prefix starts the reference property's name
wins over the bare name.
"""

from __future__ import annotations

from collections.abc import Collection

__all__ = ["cap", "reference_field_name"]


def cap(name: str) -> str:
    return name[:1].upper() + name[1:]


def reference_field_name(reference_property: str, field: str, params: Collection[str]) -> str:
    """The flattened name of ``field`` of ``reference_property`` given the resource's query
    parameter names; the bare field name when no parameter fits."""
    suffix = cap(field)
    best: str | None = None
    for param in params:
        if len(param) <= len(suffix) or not param.endswith(suffix):
            continue
        prefix = param[: -len(suffix)]
        if reference_property.startswith(prefix) and (best is None or len(param) > len(best)):
            best = param
    return best or field
