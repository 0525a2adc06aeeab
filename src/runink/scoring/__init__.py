"""Scores: CVSS base scores (v2, v3.0, v3.1, v4.0) and qualitative severity bands.

``best_score`` picks the one score an OSV record is known by; ``score_vector`` scores a single
vector; ``Severity`` is the ordered band. See ``docs/scoring.md``.
"""

from runink.scoring.cvss import (
    NO_SCORE,
    SOURCES,
    VERSIONS,
    CvssError,
    Score,
    best_score,
    score_vector,
)
from runink.scoring.severity import Severity

__all__ = [
    "NO_SCORE",
    "SOURCES",
    "VERSIONS",
    "CvssError",
    "Score",
    "Severity",
    "best_score",
    "score_vector",
]
