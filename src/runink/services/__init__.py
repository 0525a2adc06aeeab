"""Services: the only layer that wires storage, matching, inventory and advisories together."""
