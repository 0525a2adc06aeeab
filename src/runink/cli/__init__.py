"""The ``runink`` command line: one module per command group."""
