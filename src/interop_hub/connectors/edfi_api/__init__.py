"""``edfi-api``: a consumer of Ed-Fi ODS/API 5.x to 7.x that stages OneRoster 1.2 rows.

Modules, in the order a run uses them:

* ``config``: the connection settings (root URL, key and secret, year or instance segment).
* ``discovery``: the root document and the URLs it gives (5.x and 7.x shapes, year modes,
  route placeholders).
* ``resources``: what is read, and the contacts (DS 5) / parents (DS 3/4) spelling.
* ``source``: reading collections, ``/deletes``, ``/keyChanges``, ``/dependencies``.
* ``changes``: change versions and the window an incremental run reads.
* ``lookups``: the joins a OneRoster record needs (in memory, or by filtered GETs).
* ``records``: Ed-Fi items → the records the mapping turns into rows (ids, roles, vocab).
* ``tombstones``: deleted and re-keyed items → the sourcedIds they retire.
* ``emit``: one sourcedId per target file; tombstones only for records not restated.
* ``full`` / ``incremental``: the two kinds of run; ``connector``: the connector class.

Pure: imports neither FastAPI nor SQLAlchemy. Ids and vocabularies come from the hub's own
Ed-Fi → OneRoster projection (``interop_hub.edfi.canonical.ids``/``vocab``).
"""

from interop_hub.connectors.edfi_api.config import EdFiApiConfig
from interop_hub.connectors.edfi_api.connector import BOOKMARK, EdFiApiConnector

__all__ = ["BOOKMARK", "EdFiApiConfig", "EdFiApiConnector"]
