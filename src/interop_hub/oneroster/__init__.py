"""OneRoster 1.2 (and 1.1) provider: a projection of the canonical store."""
