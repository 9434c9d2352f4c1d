/*
 * fuzz_files.c - libFuzzer target for the files senseplane reads: the
 * first byte chooses the configuration (sp_config_read), the attribute
 * catalogue (sp_catalog_read) or the MAC keys (sp_mackeys_read), the rest
 * is the file. Each loads, or fails with a message naming the file; what
 * loads must hold what the loader promises.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sp_catalog.h"
#include "sp_config.h"
#include "sp_mackeys.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_err(const char *err)
{
	if (strncmp(err, "fuzz", 4) != 0)   /* errors name the file */
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct sp_catalog cat;
	static struct sp_config cfg;
	const uint8_t *keys[SP_MAX_SENSOR_KEYS];
	struct sp_mackeys *k;
	char err[512];
	FILE *f;

	if (size < 1)
		return 0;
	f = fmemopen((void *)(uintptr_t)(data + 1), size - 1, "r");
	if (f == NULL)
		return 0;
	err[0] = '\0';
	switch (data[0] % 3) {
	case 0:
		sp_config_defaults(&cfg);
		if (sp_config_read(&cfg, f, "fuzz.conf", err, sizeof(err)) < 0)
			check_err(err);
		else if (cfg.rx_burst < 1 || cfg.rx_burst > 512 ||
			 (cfg.ring_size & (cfg.ring_size - 1)))
			abort();    /* bounds of the key table */
		break;
	case 1:
		if (sp_catalog_read(&cat, f, "fuzz.cat", err, sizeof(err)) < 0) {
			check_err(err);
			break;
		}
		for (unsigned int i = 0; i < cat.n; i++) {
			const struct sp_attr *a = &cat.attrs[i];

			if (sp_catalog_get(&cat, (uint16_t)a->id) != a ||
			    a->dim < 1 || a->dim > 16 ||
			    (a->depth & (a->depth - 1)))
				abort();
		}
		break;
	default:
		k = sp_mackeys_read(f, "fuzz.keys", err, sizeof(err));
		if (k == NULL) {
			check_err(err);
			break;
		}
		for (uint64_t id = 0; id < 64; id++) {
			unsigned int n = sp_mackeys_lookup(k, id, keys);

			if (n > SP_MAX_SENSOR_KEYS || (id == 0 && n))
				abort();
		}
		sp_mackeys_free(k);
	}
	fclose(f);
	return 0;
}
