"""Django's local-memory cache, bounded by the bytes it holds as well as by its entries.

The memo (reports/memo.py) keeps answers from a few kB (the carry-over's sums, a tab's fragment) to
about 1 MB (the six biểu of a unit with fifty lĩnh vực, laid out as HTML). A bound in entries alone
is either too small for a province's working set — every report opened at the deadline holds four
entries in each worker, and a least-recently-used cache smaller than the round of reports being
opened keeps almost nothing — or, large enough for it, unbounded in memory. MAX_BYTES (in OPTIONS)
bounds the pickled answers held; the least recently used leave first.
"""
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache


class SizedLocMemCache(LocMemCache):
    def __init__(self, name, params):
        super().__init__(name, params)
        self._max_bytes = int(params.get("OPTIONS", {}).get("MAX_BYTES", 64 * 1024 * 1024))

    def _set(self, key, value, timeout=DEFAULT_TIMEOUT):
        # Called with the lock held. Sets are the misses, few: counting the bytes each time is
        # simpler than keeping a running total through every way an entry leaves.
        super()._set(key, value, timeout)
        held = sum(len(pickled) for pickled in self._cache.values())
        while held > self._max_bytes and len(self._cache) > 1:
            oldest, pickled = self._cache.popitem(last=True)  # the front is the most recently used
            self._expire_info.pop(oldest, None)
            held -= len(pickled)
