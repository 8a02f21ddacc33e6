"""Answers kept by what they were made from, in each process: the cache "memo" (settings.CACHES,
Django's local-memory cache).

A key holds the whole of what its answer depends on, so a kept answer is never wrong and nothing
is ever dropped on a change: a change makes a new key, and answers nobody asks for again leave
when the cache is full. The cache stays in the process (never Redis): the code that made an
answer is part of what it depends on, and a new release starts new processes.
"""
import hashlib

from django.core.cache import caches

_MISSING = object()


def remembered(kind, depends_on, make):
    """make()'s answer, made once for each `depends_on` (anything whose repr says all it holds:
    numbers, texts, dates, and tuples, lists, dicts and dataclasses of them) and `kind`."""
    key = f"{kind}:{hashlib.blake2b(repr(depends_on).encode(), digest_size=20).hexdigest()}"
    cache = caches["memo"]
    answer = cache.get(key, _MISSING)
    if answer is _MISSING:
        answer = make()
        cache.set(key, answer, timeout=None)
    return answer
