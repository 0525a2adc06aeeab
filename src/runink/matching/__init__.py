"""Matching: the OSV range algorithm over compiled entries, and alias merging."""
