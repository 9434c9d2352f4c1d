"""Check a Grafana dashboard against a /metrics scrape: every metric an
expression names must be a family (or a summary's _sum/_count) the
daemon exports, with the labels the expression uses on it; the
dashboard must parse and every panel must have a query.
  grafana_check.py DASHBOARD.json METRICS.txt
prints one line per problem (none: all is well) and a summary."""
import json
import re
import sys

dash = json.load(open(sys.argv[1]))
families, labels = set(), {}
for line in open(sys.argv[2]):
    if line.startswith("# TYPE "):
        name, kind = line.split()[2:4]
        families.add(name)
        if kind == "summary":
            families.update({name + "_sum", name + "_count"})
    elif line and not line.startswith("#"):
        m = re.match(r"([a-zA-Z_:][a-zA-Z0-9_:]*)\{([^}]*)\}", line)
        if m:
            labels.setdefault(m.group(1), set()).update(
                re.findall(r'([a-zA-Z_][a-zA-Z0-9_]*)="', m.group(2)))
problems, names, n = [], set(), 0
for p in dash["panels"]:
    if not p.get("targets"):
        problems.append("panel '%s' has no query" % p["title"])
    for t in p.get("targets", []):
        n += 1
        for name, sel in re.findall(r"(senseplane_[a-z0-9_]+)(\{[^}]*\})?", t["expr"]):
            names.add(name)
            if name not in families:
                problems.append("panel '%s': %s is not exported" % (p["title"], name))
                continue
            base = re.sub(r"_(sum|count)$", "", name) if name not in labels else name
            have = labels.get(name, set()) | labels.get(base, set())
            for lab in re.findall(r"([a-zA-Z_]+)\s*=~?", sel or ""):
                if lab not in have:
                    problems.append("panel '%s': %s has no label %s" % (p["title"], name, lab))
        for lab in re.findall(r"by \(([^)]*)\)", t["expr"]):
            for l in [x.strip() for x in lab.split(",")]:
                used = [nm for nm in re.findall(r"senseplane_[a-z0-9_]+", t["expr"])]
                if not any(l in labels.get(nm, set()) | labels.get(re.sub(r"_(sum|count)$", "", nm), set()) for nm in used):
                    problems.append("panel '%s': no metric of it has label %s" % (p["title"], l))
for x in problems:
    print(x)
print("checked %d panels, %d queries, %d metric names against %d families: %d problem(s)"
      % (len(dash["panels"]), n, len(names), len(families), len(problems)))
