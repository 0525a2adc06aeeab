"""TLS client contexts, built once per CA file: loading the system's CA store costs ~40 ms."""

from __future__ import annotations

import functools
import ssl
from pathlib import Path


@functools.lru_cache(maxsize=16)
def client_context(ca_file: Path | None) -> ssl.SSLContext:
    """A verifying client context (certificate and host name) trusting the system's CAs and,
    when given, ``ca_file`` as well. Shared: callers must not modify it."""
    context = ssl.create_default_context()
    if ca_file is not None:
        context.load_verify_locations(cafile=str(ca_file))
    return context
