/*
 * web_tab.c - one browser tab (see web_tab.h).
 *
 * The page's frames are JSON: {"t":"view","loaded":[K...],"visible":[K...],
 * "pinned":[K...],"focus":K|null,"hidden":bool} with K "SENSOR/ATTR" (the
 * attribute by catalogue name). What goes to the page: {"t":"d","m":[[
 * sensor, "attr", t0_ms, dt_ms, dim, [values], how (live, late, recovered,
 * history, backfill), quality, level], ...], "dropped": N} ("dropped",
 * the messages dropped from the tab's queue so far, only when it grew),
 * and {"t":"lvl", "k": {K: level}} after each change of its levels.
 */
#include "web_tab.h"

#include <errno.h>
#include <stddef.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "sp_catalog.h"
#include "web_json.h"

#define REPORT_EVERY_NS 25000000ull   /* 40 reports/s sustained ... */
#define REPORT_BURST    20ull         /* ... and a burst of 20 */

static const char *const lvl_name[] = { "none", "low", "medium", "high" };

struct web_tab *web_tab_create(const struct web_tab_params *p,
			       const struct web_tab_env *env, uint32_t id,
			       char *err, size_t errlen)
{
	struct web_tab *t = calloc(1, sizeof(*t));

	if (t)
		t->q = calloc(p->queue, sizeof(*t->q));
	if (t == NULL || t->q == NULL) {
		free(t);
		snprintf(err, errlen, "out of memory (a tab and its queue "
			 "of %u messages)", p->queue);
		return NULL;
	}
	t->env = *env;
	t->qcap = p->queue;
	t->frame_max = p->frame_max;
	snprintf(t->name, sizeof(t->name), "tab-%u", id);
	web_lens_init(&t->lens, p->hover_ttl_ms);
	return t;
}

void web_tab_free(struct web_tab *t)
{
	if (t == NULL)
		return;
	for (uint32_t i = 0; i < t->qlen; i++)
		web_msg_unref(t->q[(t->qhead + i) % t->qcap].m);
	for (unsigned int i = 0; i < t->nctrl; i++)
		web_msg_unref(t->ctrl[i]);
	free(t->q);
	free(t);
}

uint64_t web_tab_dropped(const struct web_tab *t)
{
	uint64_t n = 0;

	for (int l = 0; l <= WEB_HIGH; l++)
		n += t->st.dropped[l];
	return n;
}

void web_tab_deliver(struct web_tab *t, struct web_msg *m, uint8_t lvl)
{
	uint32_t tail;

	t->st.msgs_in++;
	if (t->qlen == t->qcap) {
		/* full: the oldest goes, counted; the page is told */
		struct web_qent *o = &t->q[t->qhead];

		t->st.dropped[o->lvl]++;
		web_msg_unref(o->m);
		t->qhead = (t->qhead + 1) % t->qcap;
		t->qlen--;
	}
	tail = (t->qhead + t->qlen) % t->qcap;
	web_msg_ref(m);
	t->q[tail] = (struct web_qent){ .m = m, .lvl = lvl };
	/* a write is asked once, when the tab has something again: the
	 * write itself asks again while more waits */
	if (t->qlen++ == 0 && t->nctrl == 0)
		t->env.want_write(t->env.ctx, t);
}

/* "SENSOR/ATTR" with the attribute by name. */
static int parse_key(const struct sp_catalog *cat, const json_t *j,
		     uint64_t out[2])
{
	const char *s = json_string_value(j), *slash;
	const struct sp_attr *a;
	char *end;

	if (s == NULL || (slash = strchr(s, '/')) == NULL)
		return -1;
	out[0] = strtoull(s, &end, 10);
	if (end != slash || out[0] == 0)
		return -1;
	a = sp_catalog_find(cat, slash + 1);
	if (a == NULL)
		return -1;
	out[1] = a->id;
	return 0;
}

static int parse_list(const struct sp_catalog *cat, const json_t *arr,
		      uint64_t (*out)[2], uint32_t *n)
{
	size_t i;
	json_t *e;

	*n = 0;
	if (arr == NULL)
		return 0;
	if (!json_is_array(arr) || json_array_size(arr) > WEB_LENS_MAX_KEYS)
		return -1;
	json_array_foreach(arr, i, e)
		if (parse_key(cat, e, out[(*n)++]) < 0)
			return -1;
	return 0;
}

/* Hand the gateway what the plan says, and tell the page the levels. */
static void apply(struct web_tab *t, uint64_t now_ns)
{
	static struct web_op ops[WEB_LENS_MAX_KEYS];
	const struct sp_catalog *cat = t->env.cat;
	uint32_t n = web_lens_plan(&t->lens, now_ns, ops, WEB_LENS_MAX_KEYS);
	json_t *lv;

	if (n == 0)
		return;
	t->env.levels(t->env.ctx, t, ops, n);
	lv = json_object();
	for (uint32_t i = 0; i < n; i++) {
		const struct sp_attr *a = sp_catalog_get(cat, ops[i].attr);
		char key[96];

		if (a == NULL)
			continue;
		snprintf(key, sizeof(key), "%" PRIu64 "/%s", ops[i].sensor,
			 a->name);
		json_object_set_new(lv, key, json_string(lvl_name[ops[i].level]));
	}
	web_tab_control(t, json_pack("{s:s, s:o}", "t", "lvl", "k", lv));
}

void web_tab_control_msg(struct web_tab *t, struct web_msg *frame)
{
	if (frame && t->nctrl < WEB_TAB_CTRL) {
		web_msg_ref(frame);
		t->ctrl[t->nctrl++] = frame;
		t->env.want_write(t->env.ctx, t);
	} else {
		t->st.ctrl_dropped++;
	}
}

void web_tab_control(struct web_tab *t, json_t *frame)
{
	char *s = frame ? json_dumps(frame, JSON_COMPACT) : NULL;
	struct web_msg *m = s ? web_msg_text(s, strlen(s)) : NULL;

	json_decref(frame);
	free(s);
	web_tab_control_msg(t, m);
	web_msg_unref(m);
}

int web_tab_frame(struct web_tab *t, const char *buf, size_t len,
		  uint64_t now_ns)
{
	static struct web_report r;
	const struct sp_catalog *cat = t->env.cat;
	uint64_t floor = now_ns - REPORT_BURST * REPORT_EVERY_NS;
	json_t *j, *f;

	/* a token bucket of reports: one per 25 ms, 20 in a burst */
	if (t->tokens_ns < floor)
		t->tokens_ns = floor;
	if (t->tokens_ns + REPORT_EVERY_NS > now_ns) {
		t->st.refused_reports++;
		return -1;
	}
	t->tokens_ns += REPORT_EVERY_NS;
	j = json_loadb(buf, len, 0, NULL);
	if (j == NULL || !json_is_object(j) ||
	    strcmp(json_string_value(json_object_get(j, "t")) ?: "",
		   "view") != 0) {
		t->st.bad_frames++;
		json_decref(j);
		return -1;
	}
	memset(&r, 0, offsetof(struct web_report, loaded));
	f = json_object_get(j, "focus");
	r.hidden = json_is_true(json_object_get(j, "hidden"));
	if (parse_list(cat, json_object_get(j, "loaded"), r.loaded,
		       &r.nloaded) < 0 ||
	    parse_list(cat, json_object_get(j, "visible"), r.visible,
		       &r.nvisible) < 0 ||
	    parse_list(cat, json_object_get(j, "pinned"), r.pinned,
		       &r.npinned) < 0 ||
	    (f && !json_is_null(f) && parse_key(cat, f, r.focus) < 0)) {
		t->st.bad_frames++;
		json_decref(j);
		return -1;
	}
	r.has_focus = f && !json_is_null(f);
	json_decref(j);
	if (web_lens_report(&t->lens, &r, now_ns) < 0) {
		t->st.refused_reports++;
		return -1;
	}
	t->st.reports++;
	apply(t, now_ns);
	return 0;
}

void web_tab_tick(struct web_tab *t, uint64_t now_ns)
{
	if (web_lens_due(&t->lens, now_ns))
		apply(t, now_ns);
}

static int grow(char **buf, size_t *cap, size_t need)
{
	char *p;
	size_t c = *cap ? *cap : 4096;

	while (c < need)
		c *= 2;
	if (c == *cap)
		return 0;
	p = realloc(*buf, c);
	if (p == NULL)
		return -1;
	*buf = p;
	*cap = c;
	return 0;
}

char *web_tab_take(struct web_tab *t, size_t pre, size_t *len)
{
	static const char *const lv[] = { ",\"none\"]", ",\"low\"]",
					  ",\"medium\"]", ",\"high\"]" };
	char *s = NULL;
	size_t n = pre, cap = 0;
	uint32_t k = 0;
	uint64_t dropped;

	if (t->nctrl) {
		struct web_msg *m = t->ctrl[0];

		s = malloc(pre + m->len + 1);
		if (s == NULL)
			return NULL;
		memcpy(s + pre, m->text, m->len + 1);
		*len = m->len;
		web_msg_unref(m);
		memmove(t->ctrl, t->ctrl + 1, --t->nctrl * sizeof(m));
		t->st.frames_out++;
		t->st.bytes_out += *len;
		return s;
	}
	if (t->qlen == 0)
		return NULL;
	if (grow(&s, &cap, pre + 64) < 0)
		return NULL;
	n += (size_t)sprintf(s + pre, "{\"t\":\"d\",\"m\":[");
	/* whole messages up to frame_max bytes; the rest waits for the
	 * next write (at least one goes) */
	while (t->qlen && (k == 0 || n - pre < t->frame_max)) {
		struct web_qent *e = &t->q[t->qhead];
		size_t l = strlen(lv[e->lvl]);

		if (grow(&s, &cap, n + e->m->len + l + 64) < 0)
			break;
		if (k++)
			s[n++] = ',';
		memcpy(s + n, e->m->text, e->m->len);
		n += e->m->len;
		memcpy(s + n, lv[e->lvl], l);
		n += l;
		web_msg_unref(e->m);
		t->qhead = (t->qhead + 1) % t->qcap;
		t->qlen--;
		t->st.msgs_out++;
	}
	s[n++] = ']';
	dropped = web_tab_dropped(t);
	if (dropped != t->dropped_told) {
		n += (size_t)sprintf(s + n, ",\"dropped\":%" PRIu64, dropped);
		t->dropped_told = dropped;
	}
	s[n++] = '}';
	s[n] = '\0';
	*len = n - pre;
	t->st.frames_out++;
	t->st.bytes_out += *len;
	return s;
}
