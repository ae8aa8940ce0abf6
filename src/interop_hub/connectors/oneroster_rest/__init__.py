"""OneRoster REST consumer (kind ``oneroster-rest``): rosters from 1.1 and 1.2 providers.

* ``config``: version, provider URL, authentication (OAuth 2 client credentials, OAuth
  1.0a HMAC-SHA256, bearer), demographics on or off.
* ``paging``: ``limit``/``offset`` with ``X-Total-Count`` and ``Link``, capped limits.
* ``records``: raw records evened out for the mapping (1.1 users → 1.2 roles, CSV cells).
* ``errors``: failures explained (missing scopes, wrong base URL, filters not supported).
* ``connector``: the streams, the extraction loop, the connectivity test.

The mapping is ``mappings/oneroster-rest/*.yaml``. Imports neither FastAPI nor SQLAlchemy.
"""

from interop_hub.connectors.oneroster_rest.config import OneRosterRestConfig
from interop_hub.connectors.oneroster_rest.connector import COLLECTIONS, OneRosterRestConnector

__all__ = ["COLLECTIONS", "OneRosterRestConfig", "OneRosterRestConnector"]
