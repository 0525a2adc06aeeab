"""Inventory: one module per input format, an explicit registry, and discovery."""
