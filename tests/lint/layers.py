"""The dataplane's folders form a strict stack (README, Layout): no
include between two folders both ways, no cycle of folders, and no file of
the control thread (ctl/) includes the worker's internals (dp_worker.h);
every module .c has a header beside it (main.c, the entry point, aside).
Prints each miss; exits 1 on any."""
import glob
import os
import re
import sys

os.chdir(os.path.join(os.path.dirname(__file__), "..", "..", "dataplane"))
where = {os.path.basename(f): os.path.dirname(f) or "top"
         for f in glob.glob("**/*.[ch]", recursive=True)}
edges, bad = {}, 0
for f in glob.glob("**/*.[ch]", recursive=True):
    src = os.path.dirname(f) or "top"
    for inc in re.findall(r'#include "([^"]+)"', open(f).read()):
        dst = where.get(inc)
        if dst and dst != src:
            edges.setdefault(src, set()).add(dst)
        if src == "ctl" and inc == "dp_worker.h":
            print(f"{f}: the control thread includes dp_worker.h"); bad += 1
# a cycle of folders: depth-first search
state = {}
def visit(n, path):
    global bad
    state[n] = 1
    for m in edges.get(n, ()):
        if state.get(m) == 1:
            print("folder cycle: " + " -> ".join(path + [n, m])); bad += 1
        elif m not in state:
            visit(m, path + [n])
    state[n] = 2
for n in list(edges):
    if n not in state:
        visit(n, [])
for f in glob.glob("**/*.c", recursive=True):
    if os.path.basename(f) != "main.c" and not os.path.exists(f[:-2] + ".h"):
        print(f"{f}: no header of its own"); bad += 1
print("layers: " + " ; ".join(f"{a} -> {', '.join(sorted(b))}"
                              for a, b in sorted(edges.items())))
print(f"layers: {bad} problem(s)")
sys.exit(1 if bad else 0)
