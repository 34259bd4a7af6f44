"""The rate limit of the public links: at most ``settings.SURVEY_ANSWERS_PER_MINUTE``
answers (responses, slips, rating tables) per link and minute, counted in the default
cache (the database cache: shared by every worker, nothing to install). The count is
keyed by the link alone, never by the visitor: no IP address is read or kept."""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache


def _key(link: str, minute: int) -> str:
    return f"surveys:answers:{link}:{minute}"


def answer_allowed(*, link: str) -> bool:
    """Count one answer through ``link`` (a token or slip code) in this minute; False
    when the link has had its allowance this minute (the answer must be refused)."""
    minute = int(time.time() // 60)
    key = _key(link, minute)
    # add() is atomic: only the first answer of the minute creates the counter.
    if cache.add(key, 1, timeout=120):
        return True
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add() and incr(): a new minute's first answer
        cache.set(key, 1, timeout=120)
        return True
    return count <= settings.SURVEY_ANSWERS_PER_MINUTE
