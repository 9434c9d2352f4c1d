/*
 * dp_args.h - senseplane-dp's own options (after the EAL's "--").
 */
#ifndef DP_ARGS_H
#define DP_ARGS_H

#include "sp_config.h"

struct dp_args {
	const char *config_path;    /* -c FILE, NULL: the default one */
	int print_config;
	uint16_t port_id;
};

/**
 * Parse @p argv into @p a and @p cfg (config file, then --set overrides).
 * @return 0 to run, 1 when help was printed, -1 on error (printed).
 */
int dp_args_parse(int argc, char **argv, struct dp_args *a,
		  struct sp_config *cfg);

#endif /* DP_ARGS_H */
