"""The layer lint over the whole tree (README, Layout; issue 26).

Every C file of dataplane/, controlplane/, common/, tools/ and tests/ is
read; it fails (exit 1, a line per miss) on:

 1. a cycle between modules. A module is foo.c + foo.h of one folder; a
    header without a .c of its own is a module by itself, unless every
    function it declares is defined by one other module's .c: then it is
    that module's second header (web_gw.h was web_main.c's, spl_core.h
    the library's senseplane.c's while that defined spl_fail) and
    including it depends on that module; one whose functions several
    modules define is an interface of its own (senseplane.h). Each
    `#include "x.h"` in a file of module A is an edge from A to x.h's
    module. A cycle that exists today and is not broken yet is listed in
    CYCLES_KNOWN with why; one listed that no longer exists is an error
    too, so that a broken cycle leaves the list and stays broken.
 2. a folder that includes one it must not (FORBIDDEN): common/ is the
    bottom layer, the library (tools/libsenseplane) links no control
    plane, nothing but the tests includes tests/. Known misses, each a
    (file, header) pair in DEPS_KNOWN, likewise.
 3. the dataplane's own stack: no include between two of its folders both
    ways, no cycle of its folders, the control thread (ctl/) does not
    include the worker's internals (dp_worker.h), and every module .c has
    a header beside it (main.c, the entry point, aside).

tests/ is the top layer: its files' includes are edges, but its functions
(stubs that stand in for the real ones) define nothing.

    python3 tests/lint/layers.py [ROOT]
"""
import os
import re
import sys

TOP = ("dataplane", "controlplane", "common", "tools", "tests")

# (folder, folders it must not include, why)
FORBIDDEN = [
    ("common/", ("dataplane/", "controlplane/", "tools/", "tests/"),
     "common/ is the bottom layer: it includes nothing of the programs"),
    ("tools/libsenseplane/", ("controlplane/",),
     "the library (a public ABI) does not depend on the control plane"),
    ("dataplane/", ("controlplane/", "tools/", "tests/"),
     "the dataplane depends on common/ only"),
    ("controlplane/", ("dataplane/", "tools/", "tests/"),
     "the control plane depends on common/ only"),
    ("tools/", ("tests/",), "only the tests include tests/"),
]

# Cycles of today not broken yet: the set of modules of each, and why it
# is still there. Issue 26 asks for each to go; remove a line with it.
CYCLES_KNOWN = [
    ({"controlplane/cp_node", "controlplane/cp_registry",
      "controlplane/cp_subs"},
     "struct cp_node (about 45 fields) is handed to its parts, which call "
     "back up (cp_node_dp_send, _timer, _of); cp_batch is declared in "
     "cp_node.h and defined in cp_registry.c"),
    ({"dataplane/worker/dp_worker", "dataplane/worker/dp_mailbox",
      "dataplane/worker/dp_notify", "dataplane/worker/dp_outputs",
      "dataplane/worker/dp_queries", "dataplane/worker/dp_rereq"},
     "the worker's parts take struct dp_worker and the worker calls "
     "them: they want one interface they include, not the worker"),
    ({"dataplane/feed/dp_feed", "dataplane/feed/dp_rtx"},
     "a feed keeps its retransmit buffer and the buffer sends on the feed"),
]

# Includes across a forbidden line of today, (file, header): the cluster's
# schema, URLs, synchronous client and actions are the control plane's
# until they move to common/ (issue 26).
DEPS_KNOWN = [
    ("tools/libsenseplane/spl_attn.c", "cp_actions.h"),
    ("tools/libsenseplane/spl_attn.c", "cp_sync.h"),
    ("tools/libsenseplane/spl_attn.c", "cp_url.h"),
]


def strip(text):
    """C text without comments, string and character literals and
    preprocessor lines (an #include is read before this)."""
    # one pass: a // inside a string ("unix://") is no comment
    text = re.sub(r'/\*.*?\*/|//[^\n]*|"(\\.|[^"\\\n])*"|\'(\\.|[^\'\\\n])*\'',
                  lambda m: ' ' if m.group(0)[0] == '/' else '""', text,
                  flags=re.S)
    text = re.sub(r'^[ \t]*#(\\\n|[^\n])*', ' ', text, flags=re.M)
    # a C++ guard's extern "C" { is no block: its declarations count
    return re.sub(r'\bextern\s*""\s*\{', ' ', text)


def flat(text):
    """The text at brace depth 0, each outermost block left as {}."""
    out, depth = [], 0
    for ch in text:
        if ch == '{':
            if depth == 0:
                out.append('{}')
            depth += 1
        elif ch == '}':
            depth = max(depth - 1, 0)
        elif depth == 0:
            out.append(ch)
    return ''.join(out)


def defined(text):
    """Names of the functions a .c defines with external linkage."""
    names = set()
    for m in re.finditer(r'(?:^|(?<=[;}]))([^;{}]*?)\b([A-Za-z_]\w*)\s*\(([^;{}]*)\)'
                         r'\s*(__attribute__\s*\(\(.*?\)\)\s*)?\{\}',
                         flat(strip(text))):
        if not re.search(r'\bstatic\b', m.group(1)):
            names.add(m.group(2))
    return names


def called_at_top(text):
    """Names followed by ( at brace depth 0 of a header: its declarations
    (static inline bodies are blocks, left out)."""
    return set(re.findall(r'\b([A-Za-z_]\w*)\s*\(', flat(strip(text))))


def c_files(root):
    out = []
    for top in TOP:
        for d, subs, files in os.walk(os.path.join(root, top)):
            subs[:] = sorted(s for s in subs
                             if not s.startswith('.') and s != 'node_modules')
            out += [os.path.relpath(os.path.join(d, f), root)
                    for f in sorted(files) if f.endswith(('.c', '.h'))]
    return out


def sccs(nodes, edges):
    """Strongly connected components of more than one node (Tarjan)."""
    index, low, stack, on, out = {}, {}, [], set(), []
    sys.setrecursionlimit(max(10000, 4 * len(nodes)))

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v); on.add(v)
        for w in sorted(edges.get(v, ())):
            if w not in index:
                visit(w); low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            c = set()
            while True:
                w = stack.pop(); on.discard(w); c.add(w)
                if w == v:
                    break
            if len(c) > 1:
                out.append(c)
    for v in sorted(nodes):
        if v not in index:
            visit(v)
    return out


def check(root, cycles_known=None, deps_known=None):
    """Every miss under @root, a line each; and the module graph."""
    cycles_known = CYCLES_KNOWN if cycles_known is None else cycles_known
    deps_known = DEPS_KNOWN if deps_known is None else deps_known
    files = c_files(root)
    text = {}
    for f in files:
        with open(os.path.join(root, f), encoding='utf-8') as fd:
            text[f] = fd.read()
    byname = {}
    for f in files:
        byname.setdefault(os.path.basename(f), []).append(f)
    bad = []

    # the module of each file: foo.c + foo.h; a header of its own else,
    # or the one module that defines all it declares
    module = {f: os.path.splitext(f)[0] for f in files}
    definer = {}
    for f in files:
        if f.endswith('.c') and not f.startswith('tests/'):
            for n in defined(text[f]):
                definer.setdefault(n, set()).add(module[f])
    for f in files:
        if f.endswith('.h') and module[f] + '.c' not in text:
            owners = set()
            for n in called_at_top(text[f]):
                owners |= definer.get(n, set())
            if len(owners) == 1:
                module[f] = owners.pop()

    def resolve(f, inc):
        here = os.path.normpath(os.path.join(os.path.dirname(f), inc))
        if here in text:
            return here
        cands = byname.get(os.path.basename(inc), [])
        if len(cands) > 1:
            bad.append(f"{f}: #include \"{inc}\" names {', '.join(cands)}")
        return cands[0] if len(cands) == 1 else None

    edges, includes = {}, []
    for f in files:
        for inc in re.findall(r'^[ \t]*#[ \t]*include[ \t]+"([^"]+)"',
                              text[f], re.M):
            h = resolve(f, inc)
            if h is None:
                continue          # a system, DPDK or generated header
            includes.append((f, inc, h))
            if module[h] != module[f]:
                edges.setdefault(module[f], set()).add(module[h])

    # 1. cycles between modules
    found = sccs(set(module.values()), edges)
    for c in found:
        if not any(c <= set(k) for k, _ in cycles_known):
            bad.append("cycle: " + " <-> ".join(sorted(c)))
    for k, _ in cycles_known:
        if not any(set(k) & c for c in found):
            bad.append("cycle listed in CYCLES_KNOWN but gone (remove it): "
                       + " <-> ".join(sorted(k)))

    # 2. folders that must not include one another
    seen = set()
    for f, inc, h in includes:
        for src, dsts, why in FORBIDDEN:
            if f.startswith(src) and h.startswith(dsts):
                seen.add((f, inc))
                if (f, inc) not in deps_known:
                    bad.append(f"{f}: includes {h}: {why}")
    for f, inc in deps_known:
        if (f, inc) not in seen:
            bad.append(f"{f}: {inc} listed in DEPS_KNOWN but no longer "
                       "included across a forbidden line (remove it)")

    # 3. the dataplane's folders: a strict stack
    def dp_folder(f):
        d = os.path.dirname(os.path.relpath(f, "dataplane"))
        return d or "top"
    folders = {}
    for f, inc, h in includes:
        if not (f.startswith("dataplane/") and h.startswith("dataplane/")):
            continue
        a, b = dp_folder(f), dp_folder(h)
        if a != b:
            folders.setdefault(a, set()).add(b)
        if a == "ctl" and os.path.basename(h) == "dp_worker.h":
            bad.append(f"{f}: the control thread includes dp_worker.h")
    for c in sccs(set(folders) | {b for v in folders.values() for b in v},
                  folders):
        bad.append("dataplane folder cycle: " + " <-> ".join(sorted(c)))
    for f in files:
        if (f.startswith("dataplane/") and f.endswith(".c")
                and os.path.basename(f) != "main.c"
                and f[:-2] + ".h" not in text):
            bad.append(f"{f}: no header of its own")
    return bad, edges, found, folders


def main(argv):
    root = argv[1] if len(argv) > 1 else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..", "..")
    bad, edges, found, folders = check(root)
    for line in bad:
        print(line)
    print("layers: dataplane folders: " + " ; ".join(
        f"{a} -> {', '.join(sorted(b))}" for a, b in sorted(folders.items())))
    print(f"layers: {len(set(edges) | {b for v in edges.values() for b in v})}"
          f" modules, {sum(len(v) for v in edges.values())} edges, "
          f"{len(found)} cycle(s) ({len(CYCLES_KNOWN)} known), "
          f"{len(DEPS_KNOWN)} known forbidden include(s)")
    print(f"layers: {len(bad)} problem(s)")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
