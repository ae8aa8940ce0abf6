"""Sync: stage validated source records, resolve identities and references, diff against the
canonical store and apply in one transaction with a new global change version.

Entry point for OneRoster CSV packages: ``interop_hub.sync.oneroster_csv.import_package``.
"""
