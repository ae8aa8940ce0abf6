"""Disclosure log: which client received which persons' records, when, through what."""
