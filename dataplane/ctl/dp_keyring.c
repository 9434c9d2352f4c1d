/*
 * dp_keyring.c - MAC keys swapped under RCU (see dp_keyring.h).
 */
#include "dp_keyring.h"

#include <stdio.h>

#include <rte_rcu_qsbr.h>

int dp_keyring_reload(struct dp_shared *sh, size_t *count, char *err,
		      size_t errlen)
{
	struct sp_mackeys *fresh, *old;

	if (sh->cfg->keys_file[0] == '\0') {
		snprintf(err, errlen, "dataplane.keys_file is not set: no keys "
			 "to reload");
		sh->key_reload_errors++;
		return -1;
	}
	fresh = sp_mackeys_load(sh->cfg->keys_file, err, errlen);
	if (fresh == NULL) {
		sh->key_reload_errors++;
		return -1;
	}
	old = __atomic_exchange_n(&sh->keys, fresh, __ATOMIC_ACQ_REL);
	/* every worker past a loop turn begun after the store no longer
	 * holds the old table */
	rte_rcu_qsbr_synchronize(sh->rcu, RTE_QSBR_THRID_INVALID);
	sp_mackeys_free(old);
	sh->key_reloads++;
	*count = sp_mackeys_count(fresh);
	return 0;
}

size_t dp_keyring_count(const struct dp_shared *sh)
{
	return sp_mackeys_count(__atomic_load_n(&sh->keys, __ATOMIC_ACQUIRE));
}
