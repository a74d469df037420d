/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/*
 * The network at the console monitor: ifconfig, netstat, arp, ping, the
 * UDP echo service (port 7, started at boot) and a UDP source and sink
 * for measurements; and interface configuration from the kernel
 * environment, the FreeBSD way: ifconfig_<name>="inet A.B.C.D/N [mtu N]
 * [up|down]" applies when the interface attaches, defaultrouter=A.B.C.D
 * sets the gateway.
 *
 * The commands run in the monitor's thread and take the network lock
 * around each call into the stack, never across a sleep.
 */

#include <sys/param.h>
#include <sys/systm.h>
#include <sys/errno.h>
#include <sys/kenv.h>
#include <sys/kernel.h>
#include <sys/malloc.h>
#include <sys/mbuf.h>
#include <sys/monitor.h>
#include <sys/proc.h>
#include <sys/timetc.h>

#include <net/ethernet.h>
#include <net/if_var.h>
#include <net/netisr.h>
#include <netinet/in.h>
#include <netinet/in_var.h>
#include <netinet/if_ether.h>
#include <netinet/ip.h>
#include <netinet/ip_icmp.h>
#include <netinet/udp_var.h>

#define	NS_PER_MS	1000000ULL
#define	NS_PER_S	1000000000ULL

MALLOC_DEFINE(M_NETMON, "netmon", "network monitor commands");

static bool
parse_uint(const char *s, u_long max, u_long *v)
{
	u_long n;

	if (*s == '\0')
		return (false);
	for (n = 0; *s != '\0'; s++) {
		if (*s < '0' || *s > '9' || n > (max - (*s - '0')) / 10)
			return (false);
		n = n * 10 + (*s - '0');
	}
	*v = n;
	return (true);
}

/* "A.B.C.D/N" (N defaults to 24 when absent, as a classful guess would). */
static int
parse_prefix(const char *s, in_addr_t *addr, int *plen)
{
	char buf[INET_ADDRSTRLEN];
	const char *slash;
	u_long n;
	size_t len;

	slash = strchr(s, '/');
	len = slash != NULL ? (size_t)(slash - s) : strlen(s);
	if (len >= sizeof(buf))
		return (EINVAL);
	memcpy(buf, s, len);
	buf[len] = '\0';
	if (inet_aton_strict(buf, addr) != 0)
		return (EINVAL);
	*plen = 24;
	if (slash != NULL) {
		if (!parse_uint(slash + 1, 32, &n))
			return (EINVAL);
		*plen = (int)n;
	}
	return (0);
}

/*
 * Apply ifconfig arguments (after the interface name) to ifp: "inet
 * A/N" (replacing the addresses), "alias A/N", "-alias A", "up", "down",
 * "mtu N".  Network lock held.  Errors are printed with pfx.
 */
static int
ifconfig_apply(struct ifnet *ifp, int argc, char **argv,
    int (*pr)(const char *, ...))
{
	in_addr_t addr;
	u_long n;
	int error, i, plen;

	NET_LOCK_ASSERT();
	for (i = 0; i < argc; i++) {
		error = 0;
		if (strcmp(argv[i], "up") == 0)
			error = if_setflags(ifp, IFF_UP, 0);
		else if (strcmp(argv[i], "down") == 0)
			error = if_setflags(ifp, 0, IFF_UP);
		else if (strcmp(argv[i], "mtu") == 0 && i + 1 < argc) {
			if (!parse_uint(argv[++i], 65535, &n))
				error = EINVAL;
			else
				error = if_setmtu(ifp, (int)n);
		} else if ((strcmp(argv[i], "inet") == 0 ||
		    strcmp(argv[i], "alias") == 0) && i + 1 < argc) {
			bool replace = strcmp(argv[i], "inet") == 0;

			if (parse_prefix(argv[++i], &addr, &plen) != 0)
				error = EINVAL;
			else {
				if (replace)
					in_purgeaddrs(ifp);
				/* Adding an address brings it up, as in BSD. */
				if ((ifp->if_flags & IFF_UP) == 0)
					error = if_setflags(ifp, IFF_UP, 0);
				if (error == 0)
					error = in_addaddr(ifp, addr, plen);
			}
		} else if (strcmp(argv[i], "-alias") == 0 && i + 1 < argc) {
			if (inet_aton_strict(argv[++i], &addr) != 0)
				error = EINVAL;
			else
				error = in_deladdr(ifp, addr);
		} else {
			pr("ifconfig: %s: bad argument \"%s\"\n", ifp->if_xname,
			    argv[i]);
			return (EINVAL);
		}
		if (error != 0) {
			pr("ifconfig: %s: %s: error %d\n", ifp->if_xname,
			    argv[i], error);
			return (error);
		}
	}
	return (0);
}

static void
ifconfig_show(struct ifnet *ifp)
{
	static const struct { int bit; const char *name; } flags[] = {
		{ IFF_UP, "UP" }, { IFF_BROADCAST, "BROADCAST" },
		{ IFF_RUNNING, "RUNNING" }, { IFF_SIMPLEX, "SIMPLEX" },
		{ IFF_MULTICAST, "MULTICAST" },
	};
	struct in_ifaddr *ia;
	char a[INET_ADDRSTRLEN], b[INET_ADDRSTRLEN], mac[ETHER_ADDRSTRLEN];
	const char *sep;
	size_t i;

	mon_printf("%s: flags=%x<", ifp->if_xname, ifp->if_flags);
	sep = "";
	for (i = 0; i < nitems(flags); i++)
		if ((ifp->if_flags & flags[i].bit) != 0) {
			mon_printf("%s%s", sep, flags[i].name);
			sep = ",";
		}
	mon_printf("> metric 0 mtu %d\n", ifp->if_mtu);
	if (ifp->if_capenable != 0)
		mon_printf("\toptions=%x<%s%s%s>\n", ifp->if_capenable,
		    (ifp->if_capenable & IFCAP_RXCSUM) != 0 ? "RXCSUM" : "",
		    ifp->if_capenable == (IFCAP_RXCSUM | IFCAP_TXCSUM) ?
		    "," : "",
		    (ifp->if_capenable & IFCAP_TXCSUM) != 0 ? "TXCSUM" : "");
	mon_printf("\tether %s\n", ether_ntoa_r(ifp->if_lladdr, mac));
	TAILQ_FOREACH(ia, &ifp->if_addrhead, ia_link)
		mon_printf("\tinet %s netmask 0x%08x broadcast %s\n",
		    inet_ntoa_r(ia->ia_addr, a), ntohl(ia->ia_mask),
		    inet_ntoa_r(ia->ia_broadaddr, b));
	mon_printf("\tstatus: %s\n",
	    ifp->if_link_state == LINK_STATE_DOWN ? "no carrier" : "active");
}

MONITOR_COMMAND(ifconfig, "[name [inet A.B.C.D/N] [up|down] [mtu N]]",
    "show or configure network interfaces")
{
	struct ifnet *ifp;
	int error;

	NET_LOCK();
	if (argc == 1) {
		TAILQ_FOREACH(ifp, &ifnet_list, if_link)
			ifconfig_show(ifp);
		NET_UNLOCK();
		return (0);
	}
	ifp = ifunit(argv[1]);
	if (ifp == NULL) {
		NET_UNLOCK();
		mon_printf("ifconfig: interface %s does not exist\n", argv[1]);
		return (ENXIO);
	}
	if (argc == 2) {
		ifconfig_show(ifp);
		NET_UNLOCK();
		return (0);
	}
	error = ifconfig_apply(ifp, argc - 2, argv + 2, mon_printf);
	NET_UNLOCK();
	return (error);
}

static void
netstat_row(const char *name, int mtu, const char *net, const char *addr,
    struct ifnet *ifp)
{
	mon_printf("%-7s %5d %-13s %-17s %8lu %5lu %5lu %8lu %5lu %5d\n",
	    name, mtu, net, addr,
	    (u_long)if_get_counter(ifp, IFCOUNTER_IPACKETS),
	    (u_long)if_get_counter(ifp, IFCOUNTER_IERRORS),
	    (u_long)if_get_counter(ifp, IFCOUNTER_IQDROPS),
	    (u_long)if_get_counter(ifp, IFCOUNTER_OPACKETS),
	    (u_long)if_get_counter(ifp, IFCOUNTER_OERRORS), 0);
}

MONITOR_COMMAND(netstat, "-i | -s",
    "interface counters (-i) or protocol statistics (-s)")
{
	struct ifnet *ifp;
	struct in_ifaddr *ia;
	char net[24], a[INET_ADDRSTRLEN], link[16], mac[ETHER_ADDRSTRLEN];
	static const char *const protos[] = { "ip", "icmp", "udp", "arp" };
	const char *name;
	u_long v;
	int p, i, idx;

	if (argc == 2 && strcmp(argv[1], "-s") == 0) {
		for (p = 0; p < (int)nitems(protos); p++) {
			mon_printf("%s:\n", protos[p]);
			for (i = 0; net_stats_get(p, i, &name, &v) == 0; i++)
				mon_printf("\t%lu %s\n", v, name);
		}
		return (0);
	}
	if (argc != 2 || strcmp(argv[1], "-i") != 0) {
		mon_printf("usage: netstat -i | -s\n");
		return (EINVAL);
	}
	mon_printf("%-7s %5s %-13s %-17s %8s %5s %5s %8s %5s %5s\n", "Name",
	    "Mtu", "Network", "Address", "Ipkts", "Ierrs", "Idrop", "Opkts",
	    "Oerrs", "Coll");
	NET_LOCK();
	idx = 1;
	TAILQ_FOREACH(ifp, &ifnet_list, if_link) {
		(void)snprintf(link, sizeof(link), "<Link#%d>", idx++);
		netstat_row(ifp->if_xname, ifp->if_mtu, link,
		    ether_ntoa_r(ifp->if_lladdr, mac), ifp);
		TAILQ_FOREACH(ia, &ifp->if_addrhead, ia_link) {
			(void)snprintf(net, sizeof(net), "%s/%d",
			    inet_ntoa_r(ia->ia_net, a), ia->ia_plen);
			netstat_row(ifp->if_xname, ifp->if_mtu, net,
			    inet_ntoa_r(ia->ia_addr, a), ifp);
		}
	}
	NET_UNLOCK();
	return (0);
}

static void
arp_show(const struct arp_info *ai, void *arg)
{
	char a[INET_ADDRSTRLEN], mac[ETHER_ADDRSTRLEN];

	if (ai->ai_resolved)
		mon_printf("? (%s) at %s on %s expires in %d seconds "
		    "[ethernet]\n", inet_ntoa_r(ai->ai_addr, a),
		    ether_ntoa_r(ai->ai_lladdr, mac), ai->ai_ifp->if_xname,
		    ai->ai_expire_s);
	else
		mon_printf("? (%s) at (incomplete) on %s expired [ethernet]\n",
		    inet_ntoa_r(ai->ai_addr, a), ai->ai_ifp->if_xname);
}

MONITOR_COMMAND(arp, "-a", "show the ARP cache")
{
	if (argc != 2 || strcmp(argv[1], "-a") != 0) {
		mon_printf("usage: arp -a\n");
		return (EINVAL);
	}
	NET_LOCK();
	arp_foreach(arp_show, NULL);
	NET_UNLOCK();
	return (0);
}

/*
 * ping
 */
struct ping_state {
	uint64_t	*ps_sent;	/* send time by sequence number */
	uint64_t	*ps_rtt;	/* 0 until the reply came */
	int		*ps_ttl;
	int		 ps_count;
	int		 ps_len;	/* ICMP bytes of a reply */
	int		 ps_received;
	int		 ps_dups;
};

static void
ping_reply(void *arg, in_addr_t src, uint16_t id, uint16_t seq, int len,
    int ttl)
{
	struct ping_state *ps = arg;
	uint64_t now;

	now = nanouptime_ns();
	if (seq >= ps->ps_count || ps->ps_sent[seq] == 0)
		return;
	if (ps->ps_rtt[seq] != 0) {
		ps->ps_dups++;
		return;
	}
	ps->ps_rtt[seq] = MAX(now - ps->ps_sent[seq], 1);
	ps->ps_ttl[seq] = ttl;
	ps->ps_len = len;
	ps->ps_received++;
	wakeup(ps);
}

static uint64_t
isqrt64(uint64_t x)
{
	uint64_t r, y;

	if (x < 2)
		return (x);
	r = x;
	y = (r + 1) / 2;
	while (y < r) {
		r = y;
		y = (r + x / r) / 2;
	}
	return (r);
}

/* ns as "m.mmm" ms */
#define	MS3(ns)	(u_long)((ns) / NS_PER_MS), (u_long)((ns) / 1000 % 1000)

MONITOR_COMMAND(ping, "[-c count] [-i wait_ms] [-s size] host",
    "send ICMP echo requests and report the round trips")
{
	struct ping_state ps;
	char a[INET_ADDRSTRLEN];
	in_addr_t dst;
	uint64_t start, deadline, min, max, sum, sumsq, avg, var, r;
	u_long count, interval, size, v;
	uint16_t id;
	int error, i, shown, seq;

	count = 5;
	interval = 1000;
	size = 56;
	for (i = 1; i + 1 < argc && argv[i][0] == '-'; i += 2) {
		if (!parse_uint(argv[i + 1], 65507 - 8, &v))
			goto usage;
		if (strcmp(argv[i], "-c") == 0 && v >= 1 && v <= 10000)
			count = v;
		else if (strcmp(argv[i], "-i") == 0 && v >= 1 && v <= 60000)
			interval = v;
		else if (strcmp(argv[i], "-s") == 0)
			size = v;
		else
			goto usage;
	}
	if (i != argc - 1 || inet_aton_strict(argv[i], &dst) != 0)
		goto usage;
	memset(&ps, 0, sizeof(ps));
	ps.ps_count = (int)count;
	ps.ps_sent = malloc(count * sizeof(uint64_t), M_NETMON,
	    M_WAITOK | M_ZERO);
	ps.ps_rtt = malloc(count * sizeof(uint64_t), M_NETMON,
	    M_WAITOK | M_ZERO);
	ps.ps_ttl = malloc(count * sizeof(int), M_NETMON, M_WAITOK | M_ZERO);
	id = (uint16_t)(nanouptime_ns() >> 10);
	NET_LOCK();
	error = icmp_echo_listen(id, ping_reply, &ps);
	NET_UNLOCK();
	if (error != 0) {
		mon_printf("ping: cannot listen: %d\n", error);
		goto out;
	}
	mon_printf("PING %s (%s): %lu data bytes\n", argv[i],
	    inet_ntoa_r(dst, a), size);
	shown = 0;
	for (seq = 0; seq < (int)count; seq++) {
		start = nanouptime_ns();
		NET_LOCK();
		ps.ps_sent[seq] = start;
		error = icmp_echo_send(dst, id, seq, (int)size, IPDEFTTL);
		NET_UNLOCK();
		if (error != 0)
			mon_printf("ping: sendto: error %d\n", error);
		/* Wait the interval (after the last: up to 2 s for replies). */
		deadline = start + (seq + 1 < (int)count ? interval * NS_PER_MS :
		    MAX(interval, 2000) * NS_PER_MS);
		for (;;) {
			NET_LOCK();
			while (shown < (int)count && ps.ps_rtt[shown] != 0) {
				mon_printf("%d bytes from %s: icmp_seq=%d "
				    "ttl=%d time=%lu.%03lu ms\n", ps.ps_len,
				    inet_ntoa_r(dst, a), shown,
				    ps.ps_ttl[shown], MS3(ps.ps_rtt[shown]));
				shown++;
			}
			/* A lost reply: move on to later ones. */
			while (shown < seq && ps.ps_rtt[shown] == 0 &&
			    ps.ps_rtt[shown + 1] != 0)
				shown++;
			NET_UNLOCK();
			if (nanouptime_ns() >= deadline ||
			    (seq + 1 == (int)count &&
			    ps.ps_received == (int)count))
				break;
			(void)tsleep(&ps, 0, "ping", 1 + hz / 100);
		}
	}
	NET_LOCK();
	icmp_echo_unlisten(id);
	NET_UNLOCK();
	mon_printf("\n--- %s ping statistics ---\n", inet_ntoa_r(dst, a));
	v = ps.ps_received >= (int)count ? 0 :
	    (count - ps.ps_received) * 1000 / count;
	mon_printf("%lu packets transmitted, %d packets received, ", count,
	    ps.ps_received);
	if (ps.ps_dups > 0)
		mon_printf("+%d duplicates, ", ps.ps_dups);
	mon_printf("%lu.%lu%% packet loss\n", v / 10, v % 10);
	if (ps.ps_received > 0) {
		min = ~(uint64_t)0;
		max = sum = sumsq = 0;
		for (i = 0; i < (int)count; i++) {
			r = ps.ps_rtt[i];
			if (r == 0)
				continue;
			min = MIN(min, r);
			max = MAX(max, r);
			sum += r;
			sumsq += (r / 1000) * (r / 1000);	/* us^2 */
		}
		avg = sum / ps.ps_received;
		var = sumsq / ps.ps_received;
		r = (avg / 1000) * (avg / 1000);
		var = var > r ? var - r : 0;
		r = isqrt64(var) * 1000;			/* ns */
		mon_printf("round-trip min/avg/max/stddev = "
		    "%lu.%03lu/%lu.%03lu/%lu.%03lu/%lu.%03lu ms\n",
		    MS3(min), MS3(avg), MS3(max), MS3(r));
	}
	error = ps.ps_received > 0 ? 0 : EHOSTUNREACH;
out:
	free(ps.ps_sent, M_NETMON);
	free(ps.ps_rtt, M_NETMON);
	free(ps.ps_ttl, M_NETMON);
	return (error);
usage:
	mon_printf("usage: ping [-c count] [-i wait_ms] [-s size] "
	    "A.B.C.D\n");
	return (EINVAL);
}

/*
 * The UDP echo service on port 7: every datagram goes back to its
 * sender, from the receive path (upcall, network lock held).
 */
static struct udp_sock *udpecho_so;
static u_long udpecho_count;

static void
udpecho_upcall(struct udp_sock *so, void *arg)
{
	struct mbuf *m;
	in_addr_t src;
	uint16_t sport;

	while ((m = udp_recv(so, &src, &sport)) != NULL) {
		udpecho_count++;
		(void)udp_sendto_m(so, src, sport, m);
	}
}

MONITOR_COMMAND(udpecho, "[on | off]", "the UDP echo service on port 7")
{
	int error;

	if (argc == 2 && strcmp(argv[1], "on") == 0 && udpecho_so == NULL) {
		error = udp_open(&udpecho_so, 7, udpecho_upcall, NULL);
		if (error != 0)
			mon_printf("udpecho: cannot bind port 7: %d\n", error);
		return (error);
	}
	if (argc == 2 && strcmp(argv[1], "off") == 0 && udpecho_so != NULL) {
		udp_close(udpecho_so);
		udpecho_so = NULL;
		return (0);
	}
	if (argc == 1) {
		mon_printf("udpecho: %s, %lu datagrams echoed\n",
		    udpecho_so != NULL ? "on" : "off", udpecho_count);
		return (0);
	}
	mon_printf("usage: udpecho [on | off]\n");
	return (EINVAL);
}

/*
 * The UDP sink: count what arrives on a port for a while.  The summary
 * line is meant for scripts: key=value pairs, rates over the time from
 * the first datagram to the last.
 */
struct udpsink_state {
	u_long		us_n;
	u_long		us_bytes;
	uint64_t	us_first;
	uint64_t	us_last;
};

static void
udpsink_upcall(struct udp_sock *so, void *arg)
{
	struct udpsink_state *st = arg;
	struct mbuf *m;

	while ((m = udp_recv(so, NULL, NULL)) != NULL) {
		st->us_last = nanouptime_ns();
		if (st->us_n++ == 0)
			st->us_first = st->us_last;
		st->us_bytes += m->m_pkthdr.len;
		m_freem(m);
	}
}

static void
rate_print(const char *what, u_long n, u_long bytes, uint64_t ns)
{
	u_long kbps, pps;

	kbps = ns > 0 ? (u_long)(bytes * 8ULL * 1000000ULL / (ns / 1000) /
	    1000) : 0;
	pps = ns > 0 ? (u_long)(n * 1000000ULL / (ns / 1000)) : 0;
	mon_printf("%s datagrams=%lu bytes=%lu seconds=%lu.%03lu kbps=%lu "
	    "pps=%lu\n", what, n, bytes, (u_long)(ns / NS_PER_S),
	    (u_long)(ns / NS_PER_MS % 1000), kbps, pps);
}

MONITOR_COMMAND(udpsink, "[-p port] [-t seconds]",
    "count UDP datagrams arriving on a port (default 5001, 10 s)")
{
	struct udpsink_state st;
	struct udp_sock *so;
	char what[32];
	uint64_t end;
	u_long port, secs, v;
	int error, i;

	port = 5001;
	secs = 10;
	for (i = 1; i + 1 < argc; i += 2) {
		if (!parse_uint(argv[i + 1], 65535, &v) || v == 0)
			goto usage;
		if (strcmp(argv[i], "-p") == 0)
			port = v;
		else if (strcmp(argv[i], "-t") == 0 && v <= 3600)
			secs = v;
		else
			goto usage;
	}
	if (i != argc)
		goto usage;
	memset(&st, 0, sizeof(st));
	error = udp_open(&so, (uint16_t)port, udpsink_upcall, &st);
	if (error != 0) {
		mon_printf("udpsink: cannot bind port %lu: %d\n", port, error);
		return (error);
	}
	mon_printf("udpsink: listening on port %lu for %lu s\n", port, secs);
	end = nanouptime_ns() + secs * NS_PER_S;
	while (nanouptime_ns() < end)
		(void)tsleep(&st, 0, "udpsink", hz / 10);
	udp_close(so);
	(void)snprintf(what, sizeof(what), "udpsink: port=%lu", port);
	rate_print(what, st.us_n, st.us_bytes, st.us_last - st.us_first);
	return (0);
usage:
	mon_printf("usage: udpsink [-p port] [-t seconds]\n");
	return (EINVAL);
}

/*
 * The UDP source: send datagrams of a given size to host:port for a
 * while, as fast as the interface takes them.  Each carries iperf2's
 * header (sequence number, seconds, microseconds, in network order) and
 * the run ends with ten datagrams of negative sequence number, so
 * `iperf -s -u' on the other side reports what it received.
 */
MONITOR_COMMAND(udpsrc, "[-p port] [-s size] [-t seconds] host",
    "send UDP datagrams to host (default port 5001, 1472 bytes, 10 s)")
{
	struct udp_sock *so;
	uint8_t *buf;
	char what[48], a[INET_ADDRSTRLEN];
	in_addr_t dst;
	uint64_t start, now, end;
	uint32_t hdr[3];
	u_long port, size, secs, v, n, bytes, errors;
	int error, i;

	port = 5001;
	size = 1472;
	secs = 10;
	for (i = 1; i + 1 < argc && argv[i][0] == '-'; i += 2) {
		if (!parse_uint(argv[i + 1], 65507, &v) || v == 0)
			goto usage;
		if (strcmp(argv[i], "-p") == 0 && v <= 65535)
			port = v;
		else if (strcmp(argv[i], "-s") == 0 && v >= 12)
			size = v;
		else if (strcmp(argv[i], "-t") == 0 && v <= 3600)
			secs = v;
		else
			goto usage;
	}
	if (i != argc - 1 || inet_aton_strict(argv[i], &dst) != 0)
		goto usage;
	error = udp_open(&so, 49152 + (nanouptime_ns() >> 10) % 16384, NULL,
	    NULL);
	if (error != 0) {
		mon_printf("udpsrc: cannot open a socket: %d\n", error);
		return (error);
	}
	buf = malloc(size, M_NETMON, M_WAITOK | M_ZERO);
	n = bytes = errors = 0;
	start = nanouptime_ns();
	end = start + secs * NS_PER_S;
	for (now = start; now < end; now = nanouptime_ns()) {
		hdr[0] = htonl((uint32_t)n);
		hdr[1] = htonl((uint32_t)((now - start) / NS_PER_S));
		hdr[2] = htonl((uint32_t)((now - start) / 1000 % 1000000));
		memcpy(buf, hdr, sizeof(hdr));
		error = udp_sendto(so, dst, (uint16_t)port, buf, (int)size);
		if (error == 0) {
			n++;
			bytes += size;
		} else {
			errors++;
			/* The ring is full: let the backend catch up. */
			sched_yield();
		}
	}
	now = nanouptime_ns();
	for (i = 0; i < 10; i++) {
		hdr[0] = htonl((uint32_t)-(int32_t)n);
		memcpy(buf, hdr, sizeof(hdr));
		(void)udp_sendto(so, dst, (uint16_t)port, buf, (int)size);
		(void)tsleep(buf, 0, "udpsrc", 1 + hz / 100);
	}
	udp_close(so);
	free(buf, M_NETMON);
	(void)snprintf(what, sizeof(what), "udpsrc: dst=%s:%lu size=%lu",
	    inet_ntoa_r(dst, a), port, size);
	rate_print(what, n, bytes, now - start);
	mon_printf("udpsrc: errors=%lu\n", errors);
	return (0);
usage:
	mon_printf("usage: udpsrc [-p port] [-s size] [-t seconds] "
	    "A.B.C.D\n");
	return (EINVAL);
}

/*
 * Configuration from the kernel environment.
 */
static void
ifconfig_from_env(struct ifnet *ifp)
{
	char name[IFNAMSIZ + 16], buf[128], *argv[MON_MAXARGS];
	const char *val;
	int argc;

	(void)snprintf(name, sizeof(name), "ifconfig_%s", ifp->if_xname);
	val = kern_getenv(name);
	if (val == NULL)
		return;
	strlcpy(buf, val, sizeof(buf));
	argc = mon_split(buf, argv, MON_MAXARGS);
	if (argc <= 0 || ifconfig_apply(ifp, argc, argv, printf) != 0) {
		printf("%s: cannot apply %s=\"%s\"\n", ifp->if_xname, name,
		    val);
		return;
	}
	printf("%s: configured from %s: %s\n", ifp->if_xname, name, val);
}

static void
net_monitor_init(void *arg)
{
	const char *gw;
	in_addr_t a;

	if_attach_hook = ifconfig_from_env;
	gw = kern_getenv("defaultrouter");
	if (gw != NULL) {
		if (inet_aton_strict(gw, &a) == 0)
			in_defgw = a;
		else
			printf("net: defaultrouter=\"%s\" is not an address\n",
			    gw);
	}
	if (udp_open(&udpecho_so, 7, udpecho_upcall, NULL) != 0)
		printf("net: cannot start the UDP echo service\n");
}
SYSINIT(net_monitor, SI_SUB_CONFIGURE, SI_ORDER_SECOND, net_monitor_init,
    NULL);
