"""OAuth 2.0 client credentials: clients, tokens, scopes and the request dependency."""
