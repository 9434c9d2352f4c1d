/*
 * dp_sockdrops.c - the kernel's drop counters of the af_packet port's
 * sockets, summed (dp_sockdrops.h says why).
 */
#include "dp_sockdrops.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <linux/if_packet.h>

int dp_sockdrops_read(struct dp_sockdrops *d)
{
	DIR *dir = opendir("/proc/self/fd");
	struct dirent *e;
	uint32_t n = 0;

	if (dir == NULL)
		return -errno;
	while ((e = readdir(dir)) != NULL) {
		/* tpacket_stats_v3 begins as tpacket_stats: the kernel
		 * copies what fits, for a ring of any version */
		struct tpacket_stats st;
		socklen_t len = sizeof(st);
		struct stat sb;
		char *end;
		long fd = strtol(e->d_name, &end, 10);

		if (*end != '\0' || fd < 0 || fd == dirfd(dir) ||
		    fstat((int)fd, &sb) != 0 || !S_ISSOCK(sb.st_mode))
			continue;
		/* any other socket answers ENOPROTOOPT */
		if (getsockopt((int)fd, SOL_PACKET, PACKET_STATISTICS, &st,
			       &len) != 0)
			continue;
		d->drops += st.tp_drops;
		d->packets += st.tp_packets;
		n++;
	}
	closedir(dir);
	d->sockets = n;
	return 0;
}
