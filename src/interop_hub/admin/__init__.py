"""District IT administration: connectors, sync runs, holds (REST under /admin, and CLI)."""
