"""Vulnerability feeds: incremental sync of OSV, NVD, CISA KEV and FIRST EPSS, and the durable
CVE change events every change writes.

Modules (see ``docs/feeds.md``):

* ``settings`` — feed URLs, limits and thresholds from the environment and the config file's
  ``feeds:`` section;
* ``http`` — the one HTTP client wrapper every feed uses: timeouts, retries with exponential
  backoff, conditional requests (ETag / If-Modified-Since), NVD's rate limit;
* ``osv``, ``nvd``, ``kev``, ``epss`` — one module per feed, each a ``Feed`` (``base``);
* ``registry`` — the explicit list of feeds;
* ``sync`` — runs feeds, isolating each failure, and reports per feed and scope;
* ``state`` — per feed/scope state (cursor, validators, freshness) in ``feed_state``;
* ``events`` — the change-event log (``change_events``) and consumer offsets;
* ``changes`` — what changed between two versions of an advisory (event payloads);
* ``enrichment`` — KEV, EPSS and NVD data by CVE id, for scoring and policies;

``state``, ``events``, ``changes`` and ``enrichment`` only use the store and the models, so the
services layer (``services.importing``, ``services.scan``) may import them; the feed modules and
``sync`` sit beside the services and call ``services.importing`` to apply OSV records through
the same code path as ``runink db import``.

Importing this package imports none of its modules.
"""
