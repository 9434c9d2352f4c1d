/*
 * sp_addr.h - "IPv4[:PORT]" as the programs and the control protocol write
 * an address, and "[IPv6]:PORT" (RFC 3986 brackets) where IPv6 is taken.
 */
#ifndef SP_ADDR_H
#define SP_ADDR_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

/**
 * Parse @p s into @p ip (host order) and @p port. Without ":PORT" the port
 * is @p default_port; a @p default_port of 0 makes the port required.
 * @return 0, or -1 when @p s is not of that form (port 1..65535).
 */
int sp_addr_parse(const char *s, uint32_t *ip, uint16_t *port,
		  uint16_t default_port);

struct sockaddr_in;

/** The same into a socket address. @return 0, or -1 (@p s NULL or not of
 * that form). */
int sp_addr_sockaddr(const char *s, struct sockaddr_in *a,
		     uint16_t default_port);

struct sockaddr_in6;

/**
 * "[IPv6]:PORT", "[IPv6]" or a bare "IPv6" (@p default_port, which 0 makes
 * required), the address optionally followed by "%IFACE", its scope (a
 * link-local address needs one), into @p a.
 * @return 0, or -1 (@p s NULL or not of that form, or no such interface).
 */
int sp_addr_sockaddr6(const char *s, struct sockaddr_in6 *a,
		      uint16_t default_port);

/** Whether @p s is written as an IPv6 address (starts with '[', or has
 * two colons), for programs that take both families. */
int sp_addr_is6(const char *s);

/**
 * Either family, for a program that listens or connects on both: "[IPv6]"
 * forms as sp_addr_sockaddr6 takes them (sp_addr_is6 tells which), else
 * "IPv4[:PORT]" as sp_addr_sockaddr does, into @p ss (AF_INET or
 * AF_INET6) and its length @p len, ready for bind() or connect().
 * @return 0, or -1 (@p s NULL or neither form).
 */
int sp_addr_sockaddr46(const char *s, struct sockaddr_storage *ss,
		       socklen_t *len, uint16_t default_port);

/** Whether @p sa is a loopback address, 127.0.0.0/8 or ::1 (0 for any
 * other family). */
int sp_addr_is_loopback(const struct sockaddr *sa);

/**
 * An address and port of either family, as the control path keeps a
 * destination (a feed's group, a lens's viewer, a sensor's source): small,
 * flat, copied by value. The packet path keeps its own forms.
 */
struct sp_addr46 {
	uint8_t v6;          /* 1: ip6 (and scope), 0: ip */
	uint16_t port;
	uint32_t ip;         /* IPv4, host order */
	uint8_t ip6[16];     /* IPv6, network order */
	uint32_t scope;      /* IPv6 interface index, 0 when none */
};

/**
 * "IPv4[:PORT]" or "[IPv6][:PORT]" / bare "IPv6", with "%IFACE" after an
 * IPv6 address, as sp_addr_sockaddr46() takes them, into @p a.
 * @return 0, or -1 (@p s NULL or neither form, or no such interface).
 */
int sp_addr_parse46(const char *s, struct sp_addr46 *a,
		    uint16_t default_port);

/**
 * @p a as the project writes an address: "a.b.c.d:PORT", or
 * "[IPv6]:PORT" in RFC 5952's text (lower case, the longest run of two
 * or more zero fields as "::", never one field), "[IPv6%IFACE]:PORT"
 * when scoped (the interface's index when it has no name any more).
 * @return the length written as snprintf() counts it, or -1.
 */
int sp_addr_format46(const struct sp_addr46 *a, char *buf, size_t len);

/** Whether @p a is a multicast group: 224.0.0.0/4 or ff00::/8. */
int sp_addr_is_mcast46(const struct sp_addr46 *a);

#endif /* SP_ADDR_H */
