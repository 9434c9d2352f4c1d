"""senseplane.conf(5) from the dataplane's key table:
   conf_man.py SENSEPLANE-DP VERSION OUT
runs `senseplane-dp -- --help-config` and sets its text as a man page."""
import subprocess
import sys

dp, version, out = sys.argv[1:4]
text = subprocess.run([dp, "--", "--help-config"], capture_output=True,
                      text=True, check=True).stdout


def esc(s):
    return s.replace("\\", "\\\\").replace("-", "\\-").replace("'", "\\'")


lines = [
    '.TH SENSEPLANE.CONF 5 "" "senseplane %s" "File formats"' % version,
    ".SH NAME", "senseplane.conf \\- the senseplane configuration file",
    ".SH DESCRIPTION",
    "One INI file read by senseplane-dp and senseplane-ctld (-c FILE; the "
    "default is the installed etc/senseplane/senseplane.conf; when there "
    "is none, as for a program run from its build tree, the built-in "
    "defaults and catalogue, said in one line; a file named with -c must "
    "be there). Every key "
    "can be set on the command line with --set section.key=value. An error "
    "names the file, the line, the key and the value.",
    ".SH KEYS", ".nf"]
lines += [esc(l) for l in text.splitlines()]
lines += [".fi", ".SH SEE ALSO", "senseplane-dp(8), senseplane-ctld(8), senseplane(1)"]
open(out, "w").write("\n".join(lines) + "\n")
