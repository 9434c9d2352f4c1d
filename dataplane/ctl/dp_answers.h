/*
 * dp_answers.h - the control thread turns a worker's raw answer (the
 * dp_qa_* records of dp_cmd.h) into the control protocol's JSON
 * (common/CONTROL.md): names from the catalogue, levels and feed kinds by
 * name, times in ms, values as common/sp_json.h says. Workers only copy.
 */
#ifndef DP_ANSWERS_H
#define DP_ANSWERS_H

#include <jansson.h>

#include "dp_cmd.h"
#include "sp_catalog.h"

/**
 * The JSON of answer @p q: for DP_Q_SENSORS an array of sensor objects
 * (brief: id, worker, age_ms, idle integers, four a sensor, in one array;
 * attrs: [id, [attribute names]] a sensor),
 * for DP_Q_ROUTED an array of [index, pool] pairs (enum dp_pool, 0:
 * routed), for the others one object. @return it, or NULL when the records are cut
 * short (a buffer too small: not expected, the pages fit).
 */
json_t *dp_answers_json(const struct dp_query *q,
			const struct sp_catalog *cat);

#endif /* DP_ANSWERS_H */
