/*
 * dp_args.c - command-line options of senseplane-dp.
 */
#include "dp_args.h"
#include "sp_log.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_SETS 64

static void usage(FILE *out)
{
	fprintf(out,
"usage: senseplane-dp [EAL options] -- [options]\n"
"\n"
"The senseplane dataplane: receives sensor packets on a DPDK port, keeps\n"
"a history ring per (sensor, attribute), and routes every sample by\n"
"attention: high at once, medium every 50 ms, low every 200 ms, none only\n"
"kept in history; to the tier feeds, the sensor feeds and each viewer's\n"
"lens (UDP multicast or unicast, PROTOCOL.md). With attention switched\n"
"off, every sample goes on the broadcast feed.\n"
"\n"
"EAL options (before --) are DPDK's own: -l CORES, --vdev DEV, -a PCI,\n"
"--no-huge, -m MB, --file-prefix P, ... (DPDK's EAL documentation).\n"
"\n"
"options:\n"
"  -c, --config FILE     configuration file (default %s;\n"
"                        without it, the built-in defaults)\n"
"  -s, --set SEC.KEY=V   override one configuration key (repeatable)\n"
"  -p, --port N          DPDK port to use (default 0)\n"
"      --stats-ms N      print a figures line every N ms (feed.stats_ms)\n"
"      --print-config    print the effective configuration and exit\n"
"      --help-config     list every configuration key and exit\n"
"  -h, --help            this text\n"
"\n"
"examples:\n"
"  senseplane-dp --no-huge --no-pci -l 0-1 \\\n"
"      --vdev net_af_packet0,iface=veth0 -- --stats-ms 1000\n"
"  senseplane-dp -l 0-2 -a 0000:3b:00.0 -- -c /etc/senseplane/dp-nic0.conf\n"
"\n"
"Counters: dpdk-telemetry.py -f PREFIX, then /senseplane/stats.\n",
		SP_CONFIG_DEFAULT);
}

int dp_args_parse(int argc, char **argv, struct dp_args *a,
		  struct sp_config *cfg)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "set", required_argument, NULL, 's' },
		{ "port", required_argument, NULL, 'p' },
		{ "stats-ms", required_argument, NULL, 'S' },
		{ "print-config", no_argument, NULL, 'P' },
		{ "help-config", no_argument, NULL, 'H' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *sets[MAX_SETS];
	static char stats_set[64];
	char err[512], *end;
	unsigned long v;
	int nsets = 0, c, rc;

	memset(a, 0, sizeof(*a));
	a->config_path = NULL;
	optind = 1;
	while ((c = getopt_long(argc, argv, "c:s:p:h", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			a->config_path = optarg;
			break;
		case 's': case 'S':
			if (nsets == MAX_SETS) {
				sp_logf(stderr, LOG_ERR, "senseplane-dp: more than %d "
					"--set options\n", MAX_SETS);
				return -1;
			}
			if (c == 'S') {
				snprintf(stats_set, sizeof(stats_set),
					 "dataplane.stats_ms=%s", optarg);
				sets[nsets++] = stats_set;
			} else {
				sets[nsets++] = optarg;
			}
			break;
		case 'p':
			v = strtoul(optarg, &end, 10);
			if (*end || v > 1023) {
				sp_logf(stderr, LOG_ERR, "senseplane-dp: --port '%s': "
					"not a port number\n", optarg);
				return -1;
			}
			a->port_id = (uint16_t)v;
			break;
		case 'P':
			a->print_config = 1;
			break;
		case 'H':
			sp_config_print_help(stdout);
			return 1;
		case 'h':
			usage(stdout);
			return 1;
		default:
			usage(stderr);
			return -1;
		}
	}
	if (optind < argc) {
		sp_logf(stderr, LOG_ERR, "senseplane-dp: unexpected argument '%s'\n",
			argv[optind]);
		return -1;
	}
	sp_config_defaults(cfg);
	/* a file named with -c must be there; the default one need not be
	 * (a binary run from build/, not installed) */
	rc = a->config_path ?
	     sp_config_load(cfg, a->config_path, err, sizeof(err)) :
	     sp_config_load_default(cfg, SP_CONFIG_DEFAULT, err, sizeof(err));
	if (rc < 0) {
		sp_logf(stderr, LOG_ERR, "senseplane-dp: %s\n", err);
		return -1;
	}
	if (rc == 1)   /* stderr: --print-config's stdout stays INI */
		sp_logf(stderr, LOG_NOTICE, "senseplane-dp: no %s: built-in "
			"defaults and attribute catalogue\n",
			SP_CONFIG_DEFAULT);
	for (int i = 0; i < nsets; i++) {
		if (sp_config_set(cfg, sets[i], err, sizeof(err)) < 0) {
			sp_logf(stderr, LOG_ERR, "senseplane-dp: --set %s\n", err);
			return -1;
		}
	}
	return 0;
}
