/*
 * sp_args.h - the control protocol's requests and their arguments
 * (common/CONTROL.md), checked in one place for every path a request can
 * take: the dataplane's control socket, the CLI (before it connects, so a
 * usage error needs no dataplane), the CLI's cluster mode (before it
 * writes to Redis) and the daemon (before it applies what it read from
 * Redis). A refusal is a sentence naming the word that was wrong.
 */
#ifndef SP_ARGS_H
#define SP_ARGS_H

#include <stddef.h>
#include <stdint.h>

#include "sp_catalog.h"

/** Viewer names: 1 to SP_NAME_MAX - 1 characters of [A-Za-z0-9._-]. */
#define SP_NAME_MAX 32
/** A subscription's TTL: 1 ms to a day. */
#define SP_TTL_MAX_MS 86400000u

/**
 * The protocol's requests: one table in sp_args.c holds each one's word,
 * the number of its words, the check of its arguments, its usage and what
 * it does. The dataplane serves them by this index (dp_requests.c), the
 * CLI prints their usage from it.
 */
enum sp_verb {
	SP_VERB_PING, SP_VERB_HELP, SP_VERB_VIEWER, SP_VERB_SUB, SP_VERB_PIN,
	SP_VERB_UNPIN, SP_VERB_PINS, SP_VERB_ATTENTION, SP_VERB_SENSORS,
	SP_VERB_HISTORY, SP_VERB_FLAGS, SP_VERB_FEEDS, SP_VERB_STATS,
	SP_VERB_LOSS, SP_VERB_WATCH, SP_VERB_KEYS, SP_VERB_JOIN,
	SP_VERB_LEAVE, SP_VERB_JOINS,
	SP_VERB_N
};

/** The request whose first word is @p word, or -1. */
int sp_args_verb(const char *word);

/** Its usage, without "usage: " ("pin SENSOR"). */
const char *sp_args_verb_usage(enum sp_verb v);

/** What it does, in a few words ("" when the usage says it). */
const char *sp_args_verb_help(enum sp_verb v);

/** Why a request was refused; the protocol's "code" field. */
enum sp_args_code {
	SP_ARGS_OK = 0,
	SP_ARGS_USAGE = 2,      /* not a well-formed request: "usage" */
	SP_ARGS_REFUSED = 1,    /* well-formed, and refused: "refused" */
};

/** "viewer add ..." (its usage: sp_args_usage("viewer")) */
struct sp_viewer_args {
	const char *name;
	uint32_t ip;
	uint16_t port;
	uint8_t level;          /* default medium */
	uint8_t have_mac;
	uint8_t mac[6];
	uint8_t record;         /* "record": a recording viewer */
};

/** "sub add|rm ..." (its usage: sp_args_usage("sub")) */
struct sp_sub_args {
	const char *viewer;
	uint64_t sensor;
	uint16_t attr;          /* 0: every attribute */
	uint8_t level;          /* 0: not given (the viewer's level) */
	uint32_t ttl_ms;        /* 0: none */
};

/** A decimal or 0x number with nothing after it, no sign. @return 0/-1. */
int sp_args_u64(const char *s, uint64_t *out);

/** Check a viewer name. @return 0, or -1 with the reason in @p err. */
int sp_args_name(const char *name, char *err, size_t errlen);

/**
 * "SENSOR" or "SENSOR/ATTR", ATTR a catalogue name or id. With @p cat NULL
 * only the form is checked (a name is then left to whoever has the
 * catalogue, *attr = 0). @return 0, or -1 with the reason in @p err.
 */
int sp_args_key(const struct sp_catalog *cat, const char *arg,
		uint64_t *sensor, uint16_t *attr, int need_attr, char *err,
		size_t errlen);

/** "ttl=MS" value. @return 0, or -1 with the reason in @p err. */
int sp_args_ttl(const char *ms, uint32_t *out, char *err, size_t errlen);

/** Parse the words of "viewer add ..." (argv[0] = "viewer"). */
int sp_args_viewer_add(int argc, char **argv, struct sp_viewer_args *v,
		       char *err, size_t errlen);

/** Parse the words of "sub add|rm ..." (argv[0] = "sub"). */
int sp_args_sub(const struct sp_catalog *cat, int argc, char **argv,
		struct sp_sub_args *s, char *err, size_t errlen);

/**
 * Check that the words are a well-formed request of the protocol: a known
 * request, the right number of words, and each argument of its form
 * (attribute names only when @p cat is given).
 * @return SP_ARGS_OK, or SP_ARGS_USAGE with "usage: ..." or the reason in
 * @p err.
 */
enum sp_args_code sp_args_check(const struct sp_catalog *cat, int argc,
				char **argv, char *err, size_t errlen);

/* The most words a request may have (the longest, loss set, has 8). */
#define SP_ARGS_MAX 16

/**
 * Split @p line in place at spaces, tabs and CRs into at most @p max
 * words. @return how many, or -1 when there are more than @p max (a
 * request is never cut short and then taken).
 */
int sp_args_split(char *line, char **argv, int max);

/** "usage: " and the usage of request @p verb ("viewer", "sub", ...), or
 * NULL. */
const char *sp_args_usage(const char *verb);

#endif /* SP_ARGS_H */
