/*
 * web_tab.c - one browser tab (see web_tab.h).
 *
 * The page's frames are JSON: {"t":"view","loaded":[K...],"visible":[K...],
 * "pinned":[K...],"focus":K|null,"hidden":bool} with K "SENSOR/ATTR" (the
 * attribute by catalogue name). What goes to the page: {"t":"d","m":[[
 * sensor, "attr", t0_ms, dt_ms, dim, [values], how (live, late, recovered,
 * history, backfill), quality, level], ...]} and
 * {"t":"lvl", "k": {K: level}} after each change of attention.
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
#include "web_gw.h"

#define REPORT_EVERY_NS 25000000ull   /* 40 reports/s sustained ... */
#define REPORT_BURST    20ull         /* ... and a burst of 20 */

static const char *const lvl_name[] = { "none", "low", "medium", "high" };

static int out_add(struct web_tab *t, const char *s, size_t n)
{
	if (t->out_len + n + 2 > t->out_cap) {
		size_t cap = t->out_cap ? t->out_cap * 2 : 4096;
		char *p;

		while (cap < t->out_len + n + 2)
			cap *= 2;
		p = realloc(t->out, cap);
		if (p == NULL)
			return -1;
		t->out = p;
		t->out_cap = cap;
	}
	memcpy(t->out + t->out_len, s, n);
	t->out_len += n;
	t->out[t->out_len] = '\0';
	return 0;
}

static size_t put(char *p, const char *s)
{
	size_t n = strlen(s);

	memcpy(p, s, n);
	return n;
}

/* ms with three decimals from ns, by integer arithmetic */
static size_t put_ms(char *p, uint64_t ns)
{
	uint64_t us = ns / 1000;
	size_t n = web_json_u64(p, us / 1000);

	p[n++] = '.';
	p[n++] = (char)('0' + us / 100 % 10);
	p[n++] = (char)('0' + us / 10 % 10);
	p[n++] = (char)('0' + us % 10);
	return n;
}

void web_tab_deliver(struct web_tab *t, const struct senseplane_msg *m,
		     uint8_t lvl)
{
	static const char *const how[] = { "live", "late", "recovered",
					   "history" };
	size_t n = (size_t)m->nsamp * m->dim, len = 0;
	char buf[8192];

	t->st.msgs_in++;
	/* shed by level: low past half the buffer, medium past it all,
	 * high only past twice (then the tab is hopeless anyway) */
	if ((lvl <= WEB_LOW && t->out_len > t->out_max / 2) ||
	    (lvl == WEB_MEDIUM && t->out_len > t->out_max) ||
	    t->out_len > 2 * t->out_max) {
		t->st.shed[lvl]++;
		return;
	}
	/* written by hand, not printf: formatting was most of the
	 * gateway's time under load (perf, B8) */
	len += put(buf, t->out_len ? ",[" : "{\"t\":\"d\",\"m\":[[");
	len += web_json_u64(buf + len, m->sensor_id);
	buf[len++] = ',';
	buf[len++] = '"';
	len += put(buf + len, m->attr_name ? m->attr_name : "?");
	buf[len++] = '"';
	buf[len++] = ',';
	len += put_ms(buf + len, m->t0_ns);
	buf[len++] = ',';
	len += put_ms(buf + len, m->dt_ns);
	buf[len++] = ',';
	len += web_json_u64(buf + len, m->dim);
	buf[len++] = ',';
	buf[len++] = '[';
	for (size_t i = 0; i < n && len < sizeof(buf) - 128; i++) {
		if (i)
			buf[len++] = ',';
		len += web_json_value(buf + len, m->values, m->vtype, i);
	}
	/* history replayed when a key's level rises is "backfill": older on
	 * purpose */
	len += put(buf + len, "],\"");
	len += put(buf + len, m->flags & SENSEPLANE_F_BACKFILL ? "backfill" :
			      how[m->how]);
	len += put(buf + len, "\",");
	len += web_json_u64(buf + len, m->quality);
	len += put(buf + len, ",\"");
	len += put(buf + len, lvl_name[lvl]);
	len += put(buf + len, "\"]");
	if (out_add(t, buf, len) < 0) {
		t->st.shed[lvl]++;
		return;
	}
	t->st.msgs_out++;
	web_gw_want_write(t->gw, t);
}

static void on_msg(void *ctx, const struct senseplane_msg *m)
{
	struct web_tab *t = ctx;

	web_tab_deliver(t, m, web_lens_level(&t->lens, m->sensor_id,
					     m->attr_id, web_gw_now(t->gw)));
}

struct web_tab *web_tab_create(const struct web_tab_params *p, uint32_t id,
			       struct web_gw *gw, char *err, size_t errlen)
{
	/* the tab's own handle only receives its lens; attention goes
	 * through the gateway's one shared handle (p->attn): a dataplane
	 * serves a few dozen control connections, not one per tab */
	struct senseplane_params sp = {
		.iface_addr = p->iface, .catalog = p->catalog,
		.on_msg = on_msg,
	};
	struct web_tab *t = calloc(1, sizeof(*t));

	if (t == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	t->gw = gw;
	t->attn = p->attn;
	t->out_max = p->out_max;
	snprintf(t->name, sizeof(t->name), "web-%d-%u", (int)getpid(), id);
	/* a group per tab: 239.80.0.0/16 (sensor feeds have 239.78/16) */
	snprintf(t->group, sizeof(t->group), "239.80.%u.%u:%u",
		 (id >> 8) & 255, id & 255, p->lens_port);
	web_lens_init(&t->lens, p->hover_ttl_ms);
	if (p->fanout) {
		/* the plain fan-out (B8's baseline): no viewer of its own,
		 * the gateway hands it every message of what it loaded */
		t->fanout = 1;
		return t;
	}
	sp.ctx = t;
	t->sp = senseplane_create(&sp);
	if (t->sp == NULL) {
		snprintf(err, errlen, "%s", senseplane_last_error());
		free(t);
		return NULL;
	}
	if (senseplane_join(t->sp, t->group) < 0) {
		snprintf(err, errlen, "%s", senseplane_errmsg(t->sp));
		senseplane_free(t->sp);
		free(t);
		return NULL;
	}
	if (senseplane_viewer_add(t->attn, t->name, t->group, "low") < 0) {
		snprintf(err, errlen, "%s", senseplane_errmsg(t->attn));
		senseplane_free(t->sp);
		free(t);
		return NULL;
	}
	return t;
}

void web_tab_free(struct web_tab *t)
{
	if (t == NULL)
		return;
	if (t->sp)
		senseplane_viewer_rm(t->attn, t->name);
	senseplane_free(t->sp);
	for (unsigned int i = 0; i < t->nctrl; i++)
		free(t->ctrl[i]);
	free(t->out);
	free(t);
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

/* Set what the plan says, and tell the page the levels. */
static void apply(struct web_tab *t, uint64_t now_ns)
{
	static struct web_op ops[WEB_LENS_MAX_KEYS];
	const struct sp_catalog *cat = web_gw_catalog(t->gw);
	uint32_t n = web_lens_plan(&t->lens, now_ns, ops, WEB_LENS_MAX_KEYS);
	json_t *lv;

	if (n == 0)
		return;
	if (t->fanout) {   /* no attention: every loaded key, as it comes */
		web_gw_fanout_changed(t->gw, t);
		return;
	}
	lv = json_object();
	for (uint32_t i = 0; i < n; i++) {
		const struct sp_attr *a = sp_catalog_get(cat, ops[i].attr);
		char key[96];
		int rc;

		if (a == NULL)
			continue;
		snprintf(key, sizeof(key), "%" PRIu64 "/%s", ops[i].sensor,
			 a->name);
		rc = ops[i].level == WEB_NONE ?
		     senseplane_unsubscribe(t->attn, t->name, ops[i].sensor,
					    a->name) :
		     senseplane_subscribe(t->attn, t->name, ops[i].sensor,
					  a->name, lvl_name[ops[i].level],
					  ops[i].ttl_ms);
		if (rc < 0)
			t->st.attn_errors++;
		json_object_set_new(lv, key, json_string(lvl_name[ops[i].level]));
	}
	web_tab_control(t, json_pack("{s:s, s:o}", "t", "lvl", "k", lv));
}

void web_tab_control(struct web_tab *t, json_t *frame)
{
	char *s = frame ? json_dumps(frame, JSON_COMPACT) : NULL;

	json_decref(frame);
	if (s && t->nctrl < WEB_TAB_CTRL) {
		t->ctrl[t->nctrl++] = s;
		web_gw_want_write(t->gw, t);
	} else {
		free(s);
		t->st.shed[WEB_HIGH]++;
	}
}

int web_tab_frame(struct web_tab *t, const char *buf, size_t len,
		  uint64_t now_ns)
{
	static struct web_report r;
	const struct sp_catalog *cat = web_gw_catalog(t->gw);
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

char *web_tab_take(struct web_tab *t, size_t *len)
{
	char *s;

	if (t->nctrl) {
		s = t->ctrl[0];
		memmove(t->ctrl, t->ctrl + 1, --t->nctrl * sizeof(s));
		*len = strlen(s);
		t->st.frames_out++;
		t->st.bytes_out += *len;
		return s;
	}
	if (t->out_len == 0)
		return NULL;
	if (out_add(t, "]}", 2) < 0)
		return NULL;
	s = t->out;
	*len = t->out_len;
	t->out = NULL;
	t->out_len = t->out_cap = 0;
	t->st.frames_out++;
	t->st.bytes_out += *len;
	return s;
}
