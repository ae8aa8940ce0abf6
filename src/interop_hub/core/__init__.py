"""Infrastructure shared by every domain: database, errors, time, JSON."""
