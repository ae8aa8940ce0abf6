"""The API client registry: OAuth 2.0 clients, their hashed secrets and allowed scopes.

``service`` is the API for the rest of the hub (it never commits); ``provision`` is the
one-call helper for commands such as ``interop-hub demo`` that need a client outside a
request.
"""
