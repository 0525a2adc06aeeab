"""Renderers: one module per output format, separate from the models."""
