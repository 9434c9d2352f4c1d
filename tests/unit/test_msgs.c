/*
 * test_msgs.c - re-request (PROTOCOL.md section 3) and attention hint
 * (section 4): exact layout, round trip, every error.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>

#include "sp_addr.h"
#include "sp_bytes.h"
#include "sp_hint.h"
#include "sp_rereq.h"
#include "unit.h"

static void test_rereq(void)
{
	struct sp_rereq r = { .feed_id = 3, .count = 65534, .session = 77,
		.seq = 1ull << 40 }, d;
	uint8_t buf[32];

	CU_ASSERT_EQUAL(sp_rereq_encode(buf, &r), 24);
	CU_ASSERT_EQUAL(sp_get16(buf), 0x5352);
	CU_ASSERT_EQUAL(buf[2], 1);
	CU_ASSERT_EQUAL(buf[3], 0);
	CU_ASSERT_EQUAL(sp_get16(buf + 4), 3);
	CU_ASSERT_EQUAL(sp_get64(buf + 16), 1ull << 40);
	CU_ASSERT_EQUAL(sp_rereq_decode(buf, 24, &d), SP_REREQ_OK);
	CU_ASSERT_EQUAL(d.feed_id, r.feed_id);
	CU_ASSERT_EQUAL(d.count, r.count);
	CU_ASSERT_EQUAL(d.session, r.session);
	CU_ASSERT_EQUAL(d.seq, r.seq);
	CU_ASSERT_EQUAL(sp_rereq_decode(buf, 23, &d), SP_REREQ_LEN_BAD);
	CU_ASSERT_EQUAL(sp_rereq_decode(buf, 25, &d), SP_REREQ_LEN_BAD);
	sp_put16(buf + 6, 0);
	CU_ASSERT_EQUAL(sp_rereq_decode(buf, 24, &d), SP_REREQ_COUNT_BAD);
	sp_put16(buf + 6, 65535);
	CU_ASSERT_EQUAL(sp_rereq_decode(buf, 24, &d), SP_REREQ_COUNT_BAD);
	sp_put16(buf + 6, 1);
	buf[3] = 1;
	CU_ASSERT_EQUAL(sp_rereq_decode(buf, 24, &d), SP_REREQ_RESERVED_BAD);
	buf[3] = 0;
	buf[2] = 9;
	CU_ASSERT_EQUAL(sp_rereq_decode(buf, 24, &d), SP_REREQ_VERSION_BAD);
	buf[2] = 1;
	buf[1] = 0;
	CU_ASSERT_EQUAL(sp_rereq_decode(buf, 24, &d), SP_REREQ_MAGIC_BAD);
}

static void test_hint(void)
{
	struct sp_hint h = { .level = SP_LEVEL_MEDIUM, .batch_ms = 50,
		.sensor_id = 0x1122334455667788ull }, d;
	uint8_t buf[16];

	CU_ASSERT_EQUAL(sp_hint_encode(buf, &h), 16);
	CU_ASSERT_EQUAL(sp_get16(buf), 0x5348);
	CU_ASSERT_EQUAL(buf[3], 2);
	CU_ASSERT_EQUAL(sp_get32(buf + 4), 50);
	CU_ASSERT_EQUAL(sp_hint_decode(buf, 16, &d), SP_HINT_OK);
	CU_ASSERT_EQUAL(d.sensor_id, h.sensor_id);
	CU_ASSERT_EQUAL(d.batch_ms, 50);
	CU_ASSERT_EQUAL(sp_hint_decode(buf, 15, &d), SP_HINT_LEN_BAD);
	buf[3] = 4;
	CU_ASSERT_EQUAL(sp_hint_decode(buf, 16, &d), SP_HINT_LEVEL_BAD);
	buf[3] = 0;
	memset(buf + 8, 0, 8);
	CU_ASSERT_EQUAL(sp_hint_decode(buf, 16, &d), SP_HINT_SENSOR_BAD);
	buf[0] = 0;
	CU_ASSERT_EQUAL(sp_hint_decode(buf, 16, &d), SP_HINT_MAGIC_BAD);
}

static void test_levels(void)
{
	CU_ASSERT_EQUAL(sp_level_parse("high"), SP_LEVEL_HIGH);
	CU_ASSERT_EQUAL(sp_level_parse("none"), SP_LEVEL_NONE);
	CU_ASSERT_EQUAL(sp_level_parse("urgent"), -1);
	CU_ASSERT_STRING_EQUAL(sp_level_name(SP_LEVEL_LOW), "low");
	CU_ASSERT_STRING_EQUAL(sp_level_name(7), "?");
}

static void test_addr(void)
{
	uint32_t ip;
	uint16_t port;

	CU_ASSERT_EQUAL(sp_addr_parse("239.77.0.1:7500", &ip, &port, 0), 0);
	CU_ASSERT_EQUAL(ip, 0xef4d0001u);
	CU_ASSERT_EQUAL(port, 7500);
	CU_ASSERT_EQUAL(sp_addr_parse("10.0.0.1", &ip, &port, 7400), 0);
	CU_ASSERT_EQUAL(port, 7400);
	CU_ASSERT_EQUAL(sp_addr_parse("10.0.0.1", &ip, &port, 0), -1);
	CU_ASSERT_EQUAL(sp_addr_parse("10.0.0.1:", &ip, &port, 7400), -1);
	CU_ASSERT_EQUAL(sp_addr_parse("10.0.0.1:0", &ip, &port, 7400), -1);
	CU_ASSERT_EQUAL(sp_addr_parse("10.0.0.1:65536", &ip, &port, 0), -1);
	CU_ASSERT_EQUAL(sp_addr_parse("10.0.0:80", &ip, &port, 0), -1);
	CU_ASSERT_EQUAL(sp_addr_parse("10.0.0.1:80x", &ip, &port, 0), -1);
}

static void test_addr6(void)
{
	static const uint8_t want[16] = { 0xfd, 0, 0, 0x99, [15] = 1 };
	struct sockaddr_in6 a;

	CU_ASSERT_EQUAL(sp_addr_sockaddr6("[fd00:99::1]:7400", &a, 0), 0);
	CU_ASSERT_EQUAL(a.sin6_family, AF_INET6);
	CU_ASSERT_EQUAL(ntohs(a.sin6_port), 7400);
	CU_ASSERT_EQUAL(memcmp(&a.sin6_addr, want, 16), 0);
	CU_ASSERT_EQUAL(a.sin6_scope_id, 0);
	CU_ASSERT_EQUAL(sp_addr_sockaddr6("[fd00:99::1]", &a, 7401), 0);
	CU_ASSERT_EQUAL(ntohs(a.sin6_port), 7401);
	CU_ASSERT_EQUAL(sp_addr_sockaddr6("fd00:99::1", &a, 7401), 0);
	CU_ASSERT_EQUAL(ntohs(a.sin6_port), 7401);
	/* a scope by interface name (lo is always there) */
	CU_ASSERT_EQUAL(sp_addr_sockaddr6("[fe80::1%lo]:9", &a, 0), 0);
	CU_ASSERT_NOT_EQUAL(a.sin6_scope_id, 0);
	CU_ASSERT_EQUAL(sp_addr_sockaddr6("[fe80::1%nosuchif0]:9", &a, 0), -1);
	CU_ASSERT_EQUAL(sp_addr_sockaddr6("[fd00:99::1]", &a, 0), -1);
	CU_ASSERT_EQUAL(sp_addr_sockaddr6("[fd00:99::1]:", &a, 7400), -1);
	CU_ASSERT_EQUAL(sp_addr_sockaddr6("[fd00:99::1]:0", &a, 7400), -1);
	CU_ASSERT_EQUAL(sp_addr_sockaddr6("[fd00:99::1]:65536", &a, 0), -1);
	CU_ASSERT_EQUAL(sp_addr_sockaddr6("[fd00:99::1]7400", &a, 0), -1);
	CU_ASSERT_EQUAL(sp_addr_sockaddr6("[fd00:99::1:7400", &a, 0), -1);
	CU_ASSERT_EQUAL(sp_addr_sockaddr6("[fd00::zz]:7400", &a, 0), -1);
	CU_ASSERT_EQUAL(sp_addr_sockaddr6("[10.0.0.1]:7400", &a, 0), -1);
	CU_ASSERT_EQUAL(sp_addr_sockaddr6("[]:7400", &a, 0), -1);
	CU_ASSERT_EQUAL(sp_addr_sockaddr6(NULL, &a, 7400), -1);
	CU_ASSERT(sp_addr_is6("[fd00::1]:7400"));
	CU_ASSERT(sp_addr_is6("fd00::1"));
	CU_ASSERT(!sp_addr_is6("10.0.0.1:7400"));
	CU_ASSERT(!sp_addr_is6("10.0.0.1"));
}

/* Either family into one socket address, as the listeners and the CLI
 * take them (controlplane.api, controlplane.metrics, --listen). */
static void test_addr46(void)
{
	struct sockaddr_storage ss;
	struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)&ss;
	struct sockaddr_in *a4 = (struct sockaddr_in *)&ss;
	socklen_t len = 0;

	CU_ASSERT_EQUAL(sp_addr_sockaddr46("127.0.0.1:7410", &ss, &len, 0), 0);
	CU_ASSERT_EQUAL(ss.ss_family, AF_INET);
	CU_ASSERT_EQUAL(len, sizeof(struct sockaddr_in));
	CU_ASSERT_EQUAL(ntohl(a4->sin_addr.s_addr), 0x7f000001u);
	CU_ASSERT_EQUAL(ntohs(a4->sin_port), 7410);
	CU_ASSERT(sp_addr_is_loopback((struct sockaddr *)&ss));

	CU_ASSERT_EQUAL(sp_addr_sockaddr46("[::1]:7480", &ss, &len, 0), 0);
	CU_ASSERT_EQUAL(ss.ss_family, AF_INET6);
	CU_ASSERT_EQUAL(len, sizeof(struct sockaddr_in6));
	CU_ASSERT(IN6_IS_ADDR_LOOPBACK(&a6->sin6_addr));
	CU_ASSERT_EQUAL(ntohs(a6->sin6_port), 7480);
	CU_ASSERT(sp_addr_is_loopback((struct sockaddr *)&ss));

	CU_ASSERT_EQUAL(sp_addr_sockaddr46("[::]:9480", &ss, &len, 0), 0);
	CU_ASSERT(IN6_IS_ADDR_UNSPECIFIED(&a6->sin6_addr));
	CU_ASSERT(!sp_addr_is_loopback((struct sockaddr *)&ss));
	CU_ASSERT_EQUAL(sp_addr_sockaddr46("0.0.0.0:9480", &ss, &len, 0), 0);
	CU_ASSERT(!sp_addr_is_loopback((struct sockaddr *)&ss));
	CU_ASSERT_EQUAL(sp_addr_sockaddr46("127.9.8.7:1", &ss, &len, 0), 0);
	CU_ASSERT(sp_addr_is_loopback((struct sockaddr *)&ss));
	/* the default port, in either family */
	CU_ASSERT_EQUAL(sp_addr_sockaddr46("[fd00::7]", &ss, &len, 8080), 0);
	CU_ASSERT_EQUAL(ntohs(a6->sin6_port), 8080);
	CU_ASSERT_EQUAL(sp_addr_sockaddr46("10.0.0.1", &ss, &len, 8080), 0);
	CU_ASSERT_EQUAL(ntohs(a4->sin_port), 8080);

	/* neither form: a missing bracket or port, a bare IPv6 address
	 * with a port run into it, an IPv4 address in brackets */
	CU_ASSERT_EQUAL(sp_addr_sockaddr46("[::1:7480", &ss, &len, 0), -1);
	CU_ASSERT_EQUAL(sp_addr_sockaddr46("::1:7480", &ss, &len, 0), -1);
	CU_ASSERT_EQUAL(sp_addr_sockaddr46("[::1]", &ss, &len, 0), -1);
	CU_ASSERT_EQUAL(sp_addr_sockaddr46("[127.0.0.1]:7480", &ss, &len, 0),
			-1);
	CU_ASSERT_EQUAL(sp_addr_sockaddr46("127.0.0.1", &ss, &len, 0), -1);
	CU_ASSERT_EQUAL(sp_addr_sockaddr46("localhost:7410", &ss, &len, 0), -1);
	CU_ASSERT_EQUAL(sp_addr_sockaddr46("", &ss, &len, 0), -1);
	CU_ASSERT_EQUAL(sp_addr_sockaddr46(NULL, &ss, &len, 7410), -1);
}

/* Written as parsed, in RFC 5952's text: the form SCHEMA.md and every
 * program's output use for an IPv6 destination or source. */
static void fmt46(const char *in, uint16_t dport, const char *want)
{
	struct sp_addr46 a;
	char out[96];

	CU_ASSERT_EQUAL_FATAL(sp_addr_parse46(in, &a, dport), 0);
	CU_ASSERT(sp_addr_format46(&a, out, sizeof(out)) > 0);
	CU_ASSERT_STRING_EQUAL(out, want);
}

static void test_addr_text46(void)
{
	struct sp_addr46 a;
	char small[8];

	fmt46("239.77.0.1:7500", 0, "239.77.0.1:7500");
	fmt46("10.0.0.1", 7400, "10.0.0.1:7400");
	/* lower case, leading zeros gone, the longest zero run as :: */
	fmt46("[FD00:0099:0000:0000:0000:0000:0000:0001]:7400", 0,
	      "[fd00:99::1]:7400");
	/* one zero field is not shortened; of two runs the first longest */
	fmt46("[2001:db8:0:1:1:1:1:1]:1", 0, "[2001:db8:0:1:1:1:1:1]:1");
	fmt46("[2001:0:0:1:0:0:0:1]:1", 0, "[2001:0:0:1::1]:1");
	fmt46("[2001:db8:0:0:1:0:0:1]:1", 0, "[2001:db8::1:0:0:1]:1");
	fmt46("ff15::7:1", 7600, "[ff15::7:1]:7600");
	fmt46("[::]:9", 0, "[::]:9");
	fmt46("[fe80::1%lo]:9", 0, "[fe80::1%lo]:9");

	CU_ASSERT_EQUAL(sp_addr_parse46("[ff15::7:1]:7600", &a, 0), 0);
	CU_ASSERT(a.v6);
	CU_ASSERT_EQUAL(a.port, 7600);
	CU_ASSERT(sp_addr_is_mcast46(&a));
	CU_ASSERT_EQUAL(sp_addr_parse46("[fd00::1]:7600", &a, 0), 0);
	CU_ASSERT(!sp_addr_is_mcast46(&a));
	CU_ASSERT_EQUAL(sp_addr_parse46("239.0.0.1:1", &a, 0), 0);
	CU_ASSERT(!a.v6);
	CU_ASSERT(sp_addr_is_mcast46(&a));
	CU_ASSERT_EQUAL(sp_addr_parse46("240.0.0.1:1", &a, 0), 0);
	CU_ASSERT(!sp_addr_is_mcast46(&a));
	/* snprintf's count when the buffer is short, the text cut */
	CU_ASSERT_EQUAL(sp_addr_parse46("[fd00::1]:7600", &a, 0), 0);
	CU_ASSERT_EQUAL(sp_addr_format46(&a, small, sizeof(small)), 14);
	CU_ASSERT_STRING_EQUAL(small, "[fd00::");

	CU_ASSERT_EQUAL(sp_addr_parse46("[fd00::1]", &a, 0), -1);
	CU_ASSERT_EQUAL(sp_addr_parse46("10.0.0.1", &a, 0), -1);
	CU_ASSERT_EQUAL(sp_addr_parse46("[fe80::1%nosuchif0]:9", &a, 0), -1);
	CU_ASSERT_EQUAL(sp_addr_parse46("::1:7480", &a, 0), -1);
	CU_ASSERT_EQUAL(sp_addr_parse46(NULL, &a, 9), -1);
}

void suite_msgs(void)
{
	static const CU_TestInfo tests[] = {
		{ "re-request layout and errors", test_rereq },
		{ "attention hint layout and errors", test_hint },
		{ "level names", test_levels },
		{ "IP:PORT parsing", test_addr },
		{ "[IPv6]:PORT addresses", test_addr6 },
		{ "either family into one socket address", test_addr46 },
		{ "either family as text, RFC 5952", test_addr_text46 },
		CU_TEST_INFO_NULL,
	};
	unit_add("msgs", tests);
}
