"""Identity reconciliation: one hub person per human across every source (see
``shared/standards/identity.md``). ``records`` holds the input contract, ``engine`` the pure
matcher; the service, repository and review endpoints persist links and decisions."""
