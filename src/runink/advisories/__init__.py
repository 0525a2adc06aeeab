"""Advisories: one module per feed or format (OSV records, loaders) and their validation."""
