"""Percentiles of the RX burst -> TX burst histogram between two `stats`
answers (their rx_tx_buckets; common/sp_histo.h, 16 buckets an octave).
  histo.py P A.json B.json [A2.json B2.json ...]
      prints the P-th percentile in ns of the windows A..B pooled, and the
      number of bursts in them
"""
import json
import sys


def top(i):
    """The largest value of bucket i."""
    return i if i < 16 else ((16 + i % 16 + 1) << (i // 16 - 4)) - 1


def window(a, b):
    h = {i: n for i, n in b["totals"].get("rx_tx_buckets", [])}
    for i, n in a["totals"].get("rx_tx_buckets", []):
        h[i] = h.get(i, 0) - n
    return h


def pct(h, p):
    total = sum(h.values())
    want, seen = max(1, int(total * p / 100 + 0.999999)), 0
    for i in sorted(h):
        seen += h[i]
        if seen >= want:
            return top(i)
    return 0


if __name__ == "__main__":
    pooled = {}
    files = sys.argv[2:]
    for k in range(0, len(files) - 1, 2):
        a, b = (json.load(open(f)) for f in files[k:k + 2])
        for i, n in window(a, b).items():
            pooled[i] = pooled.get(i, 0) + n
    print(pct(pooled, float(sys.argv[1])), sum(pooled.values()))
