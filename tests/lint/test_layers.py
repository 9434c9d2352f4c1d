"""The layer lint's own test (tests/lint/layers.py): on small trees made
for it, that it finds a cycle between modules (also one through a header
that another module's .c implements, the way web_gw.h and spl_core.h hid
the gateway's and the library's), a folder that includes one it must not,
and that a known exception covers only what it names; on the real tree,
that each cycle still listed as known is still found without the list.
Run by tests/lint/style.sh."""
import os
import shutil
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import layers  # noqa: E402

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")


class Tree(unittest.TestCase):
    def setUp(self):
        self.root = tempfile.mkdtemp(prefix="layers-")

    def tearDown(self):
        shutil.rmtree(self.root)

    def put(self, path, text):
        p = os.path.join(self.root, path)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p, "w") as f:
            f.write(text)

    def module(self, path, includes=(), defines=("",)):
        """path.c and path.h; the .c includes its header and @includes,
        and defines a function named after the module."""
        name = os.path.basename(path)
        self.put(path + ".h", f"int {name}(void);\n")
        self.put(path + ".c", f'#include "{name}.h"\n'
                 + "".join(f'#include "{i}"\n' for i in includes)
                 + f"int {name}(void)\n{{\n\treturn 0;\n}}\n")

    def check(self, cycles=(), deps=()):
        bad, _, _, _ = layers.check(self.root, list(cycles), list(deps))
        return bad

    def test_clean(self):
        self.module("common/sp_a")
        self.module("controlplane/cp_b", ["sp_a.h"])
        self.module("tools/libsenseplane/spl_c", ["sp_a.h"])
        self.module("tests/unit/test_c", ["spl_c.h", "cp_b.h"])
        self.assertEqual(self.check(), [])

    def test_cycle(self):
        self.module("tools/web/w_a", ["w_b.h"])
        self.module("tools/web/w_b", ["w_a.h"])
        bad = self.check()
        self.assertEqual(bad, ["cycle: tools/web/w_a <-> tools/web/w_b"])

    def test_cycle_through_header_to_header(self):
        self.module("controlplane/cp_a", ["cp_b.h"])
        self.module("controlplane/cp_b")
        self.put("controlplane/cp_b.h", '#include "cp_a.h"\nint cp_b(void);\n')
        self.assertEqual(self.check(),
                         ["cycle: controlplane/cp_a <-> controlplane/cp_b"])

    def test_cycle_through_header_implemented_elsewhere(self):
        # web_gw.h before: declared by a header of its own name, defined
        # by the gateway's main, called by the tab the main includes
        self.put("tools/web/w_gw.h", "unsigned long w_gw_now(void *g);\n")
        self.module("tools/web/w_tab", ["w_gw.h"])
        self.module("tools/web/w_main", ["w_tab.h", "w_gw.h"])
        self.put("tools/web/w_main.c", '#include "w_tab.h"\n#include "w_gw.h"\n'
                 "unsigned long w_gw_now(void *g)\n{\n\treturn 0;\n}\n"
                 "int main(void)\n{\n\treturn w_tab();\n}\n")
        self.assertEqual(self.check(),
                         ["cycle: tools/web/w_main <-> tools/web/w_tab"])

    def test_header_of_types_only_is_no_cycle(self):
        # spl_core.h after: a header of types only, included by the
        # library's files, including the public header, which no .c of
        # its name implements but several (an interface of its own)
        self.put("tools/libsenseplane/pub.h", "struct pub_params { int a; };\n"
                 "int pub_open(void);\nint pub_summary(void);\n")
        self.put("tools/libsenseplane/core.h", '#include "pub.h"\n'
                 "struct core { struct pub_params p; };\n")
        self.module("tools/libsenseplane/fail", ["core.h"])
        self.put("tools/libsenseplane/handle.c",
                 '#include "core.h"\n#include "fail.h"\n'
                 "int pub_open(void)\n{\n\treturn fail();\n}\n")
        self.put("tools/libsenseplane/summary.c", '#include "core.h"\n'
                 "int pub_summary(void)\n{\n\treturn 0;\n}\n")
        self.assertEqual(self.check(), [])

    def test_extern_c_guard_hides_no_declaration(self):
        # a public header's C++ guard: what it declares is still read
        self.put("tools/web/w_gw.h", '#ifdef __cplusplus\nextern "C" {\n'
                 "#endif\nunsigned long w_gw_now(void *g);\n"
                 "#ifdef __cplusplus\n}\n#endif\n")
        self.module("tools/web/w_tab", ["w_gw.h"])
        self.put("tools/web/w_main.c", '#include "w_tab.h"\n'
                 "unsigned long w_gw_now(void *g)\n{\n\treturn 0;\n}\n")
        self.assertEqual(self.check(),
                         ["cycle: tools/web/w_main <-> tools/web/w_tab"])

    def test_forbidden_folders(self):
        self.module("controlplane/cp_x")
        self.module("dataplane/dp_y")
        self.module("common/sp_a", ["cp_x.h"])
        self.module("tools/libsenseplane/spl_b", ["cp_x.h"])
        self.module("controlplane/cp_z", ["dp_y.h"])
        bad = self.check()
        self.assertEqual(len(bad), 3, bad)
        for want in ("common/sp_a.c: includes controlplane/cp_x.h",
                     "tools/libsenseplane/spl_b.c: includes "
                     "controlplane/cp_x.h",
                     "controlplane/cp_z.c: includes dataplane/dp_y.h"):
            self.assertTrue(any(b.startswith(want) for b in bad), (want, bad))

    def test_known_exceptions_cover_only_what_they_name(self):
        self.module("controlplane/cp_a", ["cp_b.h"])
        self.module("controlplane/cp_b", ["cp_a.h"])
        self.module("controlplane/cp_x")
        self.module("tools/libsenseplane/spl_b", ["cp_x.h"])
        known = [({"controlplane/cp_a", "controlplane/cp_b"}, "why")]
        deps = [("tools/libsenseplane/spl_b.c", "cp_x.h")]
        self.assertEqual(self.check(known, deps), [])
        # a third module joins the cycle: no longer the known one
        self.module("controlplane/cp_c", ["cp_a.h"])
        self.put("controlplane/cp_b.c", '#include "cp_b.h"\n#include "cp_c.h"\n')
        self.assertEqual(self.check(known, deps), [
            "cycle: controlplane/cp_a <-> controlplane/cp_b <-> "
            "controlplane/cp_c"])

    def test_stale_exceptions_are_errors(self):
        self.module("controlplane/cp_a")
        self.module("controlplane/cp_b", ["cp_a.h"])
        known = [({"controlplane/cp_a", "controlplane/cp_b"}, "why")]
        deps = [("tools/libsenseplane/spl_b.c", "cp_x.h")]
        bad = self.check(known, deps)
        self.assertEqual(len(bad), 2, bad)
        self.assertIn("gone (remove it)", bad[0])
        self.assertIn("no longer", bad[1])

    def test_dataplane_stack(self):
        self.module("dataplane/worker/dp_worker", ["dp_ctl.h"])
        self.module("dataplane/ctl/dp_ctl")
        self.put("dataplane/ctl/dp_q.c", '#include "dp_worker.h"\n')
        bad = self.check()
        self.assertIn("dataplane/ctl/dp_q.c: the control thread includes "
                      "dp_worker.h", bad)
        self.assertIn("dataplane folder cycle: ctl <-> worker", bad)
        self.assertIn("dataplane/ctl/dp_q.c: no header of its own", bad)


class RealTree(unittest.TestCase):
    def test_known_cycles_are_found_without_the_list(self):
        bad, _, _, _ = layers.check(ROOT, [], [])
        for k, _ in layers.CYCLES_KNOWN:
            self.assertTrue(any(line.startswith("cycle: ")
                                and set(line[7:].split(" <-> ")) >= k
                                for line in bad), (k, bad))
        for f, inc in layers.DEPS_KNOWN:
            self.assertTrue(any(line.startswith(f + ": includes ")
                                and line.split(": ")[1].endswith("/" + inc)
                                for line in bad), (f, inc, bad))

    def test_passes(self):
        bad, _, _, _ = layers.check(ROOT)
        self.assertEqual(bad, [])


if __name__ == "__main__":
    unittest.main()
