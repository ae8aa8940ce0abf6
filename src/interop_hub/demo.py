"""``interop-hub demo``: a working hub in one command (migrate, load a district, make a client)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select

from interop_hub.auth.scopes import ALL_SCOPES
from interop_hub.clients.provision import provision_client
from interop_hub.config import Settings
from interop_hub.core.crypto import generate_key_file
from interop_hub.core.db import create_db_engine, make_sessionmaker, session_scope
from interop_hub.core.migrate import upgrade
from interop_hub.edfi.canonical.publish import publish, summary
from interop_hub.edfi.seed import load_descriptors, load_school_years
from interop_hub.generator import generate_district
from interop_hub.models import Org
from interop_hub.sync.oneroster_csv import import_package

__all__ = ["DEMO_SOURCE", "DemoInfo", "prepare_demo", "usage_text"]

DEMO_SOURCE = "demo-sis"


@dataclass(frozen=True)
class DemoInfo:
    loaded: str  # what happened to the demo district
    client_id: str
    client_secret: str


def prepare_demo(settings: Settings, students: int, seed: int = 1) -> DemoInfo:
    """Migrate; load a generated district if the store is empty; create a fresh demo client."""
    url = settings.resolved_database_url()
    upgrade(url)
    if not settings.secrets_key:
        generate_key_file(settings)  # so connectors with secrets can be registered
    engine = create_db_engine(url)
    try:
        with engine.connect() as conn:
            has_data = conn.execute(select(func.count()).select_from(Org)).scalar_one() > 0
        if has_data:
            loaded = "The database already holds data; the demo district was not reloaded."
        else:
            package = Path(settings.data_dir) / "demo-district"
            generate_district(package, students, seed, False, overwrite=True)
            result = import_package(engine, package, source=DEMO_SOURCE)
            loaded = f"Loaded a generated demo district ({students:,} students):\n{result.render()}"
            with session_scope(make_sessionmaker(engine)) as session:
                load_descriptors(session)
                load_school_years(session)
                loaded += "\n" + summary(publish(session))
        creds = provision_client(
            "demo", sorted(ALL_SCOPES), session_factory=make_sessionmaker(engine)
        )
    finally:
        engine.dispose()
    return DemoInfo(loaded, creds.client_id, creds.client_secret)


def usage_text(info: DemoInfo, base_url: str) -> str:
    """The banner: credentials once, and commands that work when pasted into a shell."""
    api = f"{base_url}/ims/oneroster/rostering/v1p2"
    token_cmd = (
        f"TOKEN=$(curl -s -u '{info.client_id}:{info.client_secret}' "
        f"-d grant_type=client_credentials {base_url}/oauth/token "
        "| python3 -c 'import json,sys; print(json.load(sys.stdin)[\"access_token\"])')"
    )
    return "\n".join(
        [
            info.loaded,
            "",
            "Demo API client (the secret is shown only now; it is stored hashed):",
            f"  client_id:     {info.client_id}",
            f"  client_secret: {info.client_secret}",
            "",
            "Try it from another terminal:",
            f"  {token_cmd}",
            f"  curl -s -H \"Authorization: Bearer $TOKEN\" '{api}/students?limit=2'",
            '  curl -s -H "Authorization: Bearer $TOKEN" '
            f"'{base_url}/edfi/data/v3/ed-fi/sections?limit=2'",
            "",
            "Admin (connectors, sync runs; the demo client also holds the admin scope):",
            f"  curl -s -H \"Authorization: Bearer $TOKEN\" '{base_url}/admin/connector-kinds'",
            "",
            f"API docs: {base_url}/docs",
        ]
    )
