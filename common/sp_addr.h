/*
 * sp_addr.h - "IPv4[:PORT]" as the programs and the control protocol write
 * an address, and "[IPv6]:PORT" (RFC 3986 brackets) where IPv6 is taken.
 */
#ifndef SP_ADDR_H
#define SP_ADDR_H

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

#endif /* SP_ADDR_H */
