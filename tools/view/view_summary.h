/*
 * view_summary.h - what senseplane-view received, accounted for: every
 * message live, late, recovered by re-request or lost (gone from the
 * buffer or unanswered), duplicates, history fill, per feed and in all;
 * as JSON (--summary, --json) or as text.
 */
#ifndef VIEW_SUMMARY_H
#define VIEW_SUMMARY_H

#include <stdio.h>

#include <jansson.h>

#include "view.h"

/** The summary as a JSON object (the caller json_decref()s it). */
json_t *view_summary_json(const struct viewer *v);

/** Print it to @p f: one JSON line with @p json, else text. */
void view_summary(FILE *f, const struct viewer *v, int json);

#endif /* VIEW_SUMMARY_H */
