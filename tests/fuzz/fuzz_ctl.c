/*
 * fuzz_ctl.c - libFuzzer target for the control protocol's request line:
 * the split every path uses (sp_args_split), the validator
 * (sp_args_check) with and without a catalogue, and the node API's own
 * classification of a line (cp_api_parse). A line is refused with a
 * reason or accepted; nothing else may happen.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cp_apireq.h"
#include "sp_args.h"
#include "sp_catalog.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct sp_catalog *cat;
	char line[2048], copy[2048], err[256], *argv[SP_ARGS_MAX];
	struct cp_api_req r;
	enum sp_args_code c1, c2;
	int argc;

	if (cat == NULL) {
		cat = sp_catalog_open(SP_SOURCE_ROOT "/config/attributes.conf",
				      err, sizeof(err));
		if (cat == NULL)
			abort();
	}
	if (size >= sizeof(line))
		return 0;
	memcpy(line, data, size);
	line[size] = '\0';
	memcpy(copy, line, size + 1);
	cp_api_parse(line, &r);
	if (r.kind > CP_API_BAD || (r.kind == CP_API_BAD && r.err[0] == '\0'))
		abort();
	argc = sp_args_split(copy, argv, SP_ARGS_MAX);
	if (argc < -1 || argc > SP_ARGS_MAX)
		abort();
	if (argc <= 0)
		return 0;
	err[0] = '\0';
	c1 = sp_args_check(cat, argc, argv, err, sizeof(err));
	if (c1 != SP_ARGS_OK && err[0] == '\0')
		abort();
	c2 = sp_args_check(NULL, argc, argv, err, sizeof(err));
	/* what the catalogue accepts, the form alone accepts too */
	if (c1 == SP_ARGS_OK && c2 != SP_ARGS_OK)
		abort();
	return 0;
}
