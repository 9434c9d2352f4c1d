"""The Python binding's side of tools/bench/viewers.sh: receive one feed
through senseplane.Feed until END, count, print the same JSON as
`senseplane-bench-feedrx rx`.

    feedrx.py IP:PORT
"""
import json
import resource
import sys
import time

import senseplane

cpu = lambda: sum(resource.getrusage(resource.RUSAGE_SELF)[:2])
c0 = cpu()
msgs = samples = 0
first = last = None
with senseplane.Feed(sys.argv[1], no_rereq=True, until_end=True) as f:
    print(json.dumps({"ready": True}), flush=True)
    for s in f:
        now = time.monotonic()
        first = first or now
        last = now
        msgs += 1
        samples += s.nsamp * s.dim
    st = f.stats()
print(json.dumps({"mode": "python", "packets": st["packets"],
                  "messages": msgs, "samples": samples,
                  "missing": st["lost_gone"] + st["lost_noanswer"],
                  "seconds": round((last or 0) - (first or 0), 3),
                  "cpu_s": round(cpu() - c0, 3)}))
