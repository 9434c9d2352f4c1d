#!/usr/bin/env bash
# The house layout, as .editorconfig states it, checked on every tracked C
# file: tabs for indentation, no trailing white space, a final newline,
# no line past 100 columns (tabs at 8). Says file:line for each miss.
# (The project keeps no .clang-format: its hand-wrapped continuation
# lines are not a style clang-format reproduces; this is what holds.)
set -eu
cd "$(dirname "$0")/../.."
git ls-files '*.c' '*.h' | python3 -c '
import sys
bad = 0
for f in sys.stdin.read().split():
    text = open(f, encoding="utf-8").read()
    if text and not text.endswith("\n"):
        print(f"{f}: no final newline"); bad += 1
    for n, line in enumerate(text.split("\n"), 1):
        if line != line.rstrip():
            print(f"{f}:{n}: trailing white space"); bad += 1
        if line.startswith(" ") and line.strip() and not line.lstrip().startswith("*"):
            print(f"{f}:{n}: indented with spaces"); bad += 1
        if len(line.expandtabs(8)) > 100:
            print(f"{f}:{n}: {len(line.expandtabs(8))} columns"); bad += 1

print(f"style: {bad} problem(s)")
sys.exit(1 if bad else 0)'
# no cycle between modules anywhere, no folder including one it must not,
# the dataplane's folders a strict stack; and the lint's own test
python3 tests/lint/layers.py
out=$(python3 tests/lint/test_layers.py 2>&1) || { echo "$out"; exit 1; }
echo "layers' own test: ${out##*$'\n'}"
# every integration and system test is registered with meson test
missing=0
for t in tests/integration/*.sh tests/system/*.sh; do
    n=$(basename "$t" .sh)
    grep -q "'$n'" tests/meson.build || { echo "$t: not in tests/meson.build"; missing=1; }
done
[ $missing = 0 ] && echo "meson test: every test script registered"
exit $missing
