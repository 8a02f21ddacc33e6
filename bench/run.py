"""`make bench`: every benchmark, on loopback only, bounded in time, printing one table each.

Usage: python bench/run.py [exports ...]   (no argument: all)
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import setup_django  # noqa: E402

SUITES = ("pages", "consolidation", "exports", "download", "load")


def main(argv):
    chosen = argv or list(SUITES)
    setup_django()
    for name in chosen:
        module = __import__(f"bench.bench_{name}", fromlist=["run"])
        module.run()


if __name__ == "__main__":
    main(sys.argv[1:])
