"""Core Ed-Fi resources projected onto the canonical store.

An Ed-Fi write of a core resource (education organizations, sessions, courses, sections,
people and their associations) is kept as its document (so it reads back identically) and,
in the same transaction and with the same change version, projected onto the canonical
OneRoster tables, so OneRoster consumers see it: a student POSTed through Ed-Fi is served by
``/ims/oneroster/rostering/v1p2/students`` once a school association ties it to a school.

Hub ids follow the Ed-Fi Alliance's Ed-Fi → OneRoster mapping (``ids``), so they agree with
the reference implementation; each is recorded in the crosswalk under source ``edfi``.
"""

from interop_hub.edfi.canonical.project import (
    CORE_RESOURCES,
    prefetch_users,
    project_delete,
    project_write,
)

__all__ = ["CORE_RESOURCES", "prefetch_users", "project_delete", "project_write"]
