"""Frozen data models shared by every layer: components, advisories, findings, identifiers."""
