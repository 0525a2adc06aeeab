"""Runink: automated CVE dependency monitoring."""

__version__ = "0.1.0"
