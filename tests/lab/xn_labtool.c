/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/*
 * xn_labtool: dom0's side of the xn(4) lab test (scenarios/xn.sh).
 *
 * xn_labtool udpecho DSTIP PORT TEXT: send TEXT in a UDP datagram and
 * print the answer ("udpecho: reply \"...\" from A.B.C.D:P"), or
 * "udpecho: no reply" after 5 s (busybox's nc has no UDP mode).
 *
 * xn_labtool flood DSTIP PORT SIZE COUNT: send COUNT UDP datagrams of
 * SIZE bytes (1..1472) as fast as the socket takes them and print
 * "flood: sent N datagrams of S bytes" (the guest's receive moderation).
 *
 * xn_labtool bad IFNAME DSTMAC SRCIP DSTIP: send malformed frames to a
 * guest through a raw packet socket on IFNAME (the lab bridge).  Each
 * frame is wrong in one way the guest's stack must count as an input
 * error and survive:
 *
 *   runt           an Ethernet header and nothing else (type IPv4)
 *   ip-badsum      IPv4 header checksum wrong
 *   ip-badvers     version 6 in an IPv4 frame
 *   ip-badhlen     header length 60 in a 20-byte packet
 *   ip-tooshort    ip_len 1000, 60 bytes sent
 *   udp-badsum     UDP to port 7 with a wrong checksum
 *   udp-badlen     UDP length beyond the datagram
 *   icmp-badsum    echo request with a wrong ICMP checksum
 *   arp-badhln     ARP with a hardware address length of 8
 *   arp-badop      ARP operation 7
 *   frag-overlap   two fragments of one datagram that overlap (counted
 *                  once, for the second)
 *
 * It prints one line per frame and "xn_labtool: sent N frames, expect
 * N input errors".
 *
 * Built statically by tests/lab/Makefile with the host compiler, carried
 * into dom0 by run_scenarios.sh.
 */

#include <sys/socket.h>
#include <sys/time.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <arpa/inet.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int sock;
static struct sockaddr_ll sll;
static unsigned char dmac[6], smac[6] = { 0x02, 0, 0, 0, 0, 0x99 };
static struct in_addr src, dst;
static int nsent, nerrors;

static unsigned short
cksum(const void *p, int len)
{
	const unsigned char *b = p;
	unsigned long s = 0;
	int i;

	for (i = 0; i + 1 < len; i += 2)
		s += (unsigned)b[i] << 8 | b[i + 1];
	if (len & 1)
		s += (unsigned)b[len - 1] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (htons((unsigned short)~s));
}

static void
send_frame(const char *what, unsigned char *f, int len, int errors)
{
	if (sendto(sock, f, len, 0, (struct sockaddr *)&sll,
	    sizeof(sll)) != len) {
		perror(what);
		exit(1);
	}
	printf("xn_labtool: %s (%d bytes)\n", what, len);
	nsent++;
	nerrors += errors;
	usleep(100000);
}

static int
eth(unsigned char *f, unsigned short type)
{
	memcpy(f, dmac, 6);
	memcpy(f + 6, smac, 6);
	f[12] = type >> 8;
	f[13] = type & 0xff;
	return (14);
}

/* An IPv4 header at f: returns its length. */
static int
ip(unsigned char *f, int proto, int paylen, int id, int off)
{
	memset(f, 0, 20);
	f[0] = 0x45;
	f[2] = (20 + paylen) >> 8;
	f[3] = (20 + paylen) & 0xff;
	f[4] = id >> 8;
	f[5] = id & 0xff;
	f[6] = off >> 8;
	f[7] = off & 0xff;
	f[8] = 64;
	f[9] = proto;
	memcpy(f + 12, &src, 4);
	memcpy(f + 16, &dst, 4);
	memcpy(f + 10, &(unsigned short){ cksum(f, 20) }, 2);
	return (20);
}

static void
resum(unsigned char *iph)
{
	iph[10] = iph[11] = 0;
	memcpy(iph + 10, &(unsigned short){ cksum(iph, 20) }, 2);
}

/* An echo request with n data bytes at f; returns its length. */
static int
echo(unsigned char *f, int n, int good)
{
	memset(f, 0, 8 + n);
	f[0] = 8;
	f[5] = 1;
	memcpy(f + 2, &(unsigned short){ cksum(f, 8 + n) }, 2);
	if (!good)
		f[2] ^= 0x55;
	return (8 + n);
}

static int
parse_mac(const char *s, unsigned char *m)
{
	return (sscanf(s, "%hhx:%hhx:%hhx:%hhx:%hhx:%hhx", &m[0], &m[1],
	    &m[2], &m[3], &m[4], &m[5]) == 6 ? 0 : -1);
}

static int
udpecho(const char *host, const char *port, const char *text)
{
	struct sockaddr_in sin, from;
	struct timeval tv = { 5, 0 };
	socklen_t fl;
	char buf[2048];
	ssize_t n;
	int s;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((unsigned short)atoi(port));
	if (inet_pton(AF_INET, host, &sin.sin_addr) != 1)
		return (2);
	s = socket(AF_INET, SOCK_DGRAM, 0);
	if (s < 0 || setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv,
	    sizeof(tv)) != 0) {
		perror("socket");
		return (1);
	}
	if (sendto(s, text, strlen(text), 0, (struct sockaddr *)&sin,
	    sizeof(sin)) < 0) {
		perror("sendto");
		return (1);
	}
	fl = sizeof(from);
	n = recvfrom(s, buf, sizeof(buf) - 1, 0, (struct sockaddr *)&from,
	    &fl);
	if (n < 0) {
		printf("udpecho: no reply\n");
		return (1);
	}
	buf[n] = '\0';
	printf("udpecho: reply \"%s\" from %s:%d\n", buf,
	    inet_ntoa(from.sin_addr), ntohs(from.sin_port));
	return (0);
}

static int
flood(const char *host, const char *port, const char *size,
    const char *count)
{
	struct sockaddr_in sin;
	char buf[1472];
	long len, n, i;
	int s;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((unsigned short)atoi(port));
	len = atol(size);
	n = atol(count);
	if (inet_pton(AF_INET, host, &sin.sin_addr) != 1 || len < 1 ||
	    len > (long)sizeof(buf) || n < 1)
		return (2);
	if ((s = socket(AF_INET, SOCK_DGRAM, 0)) < 0) {
		perror("socket");
		return (1);
	}
	memset(buf, 0x5a, sizeof(buf));
	for (i = 0; i < n; i++) {
		if (sendto(s, buf, (size_t)len, 0, (struct sockaddr *)&sin,
		    sizeof(sin)) < 0) {
			perror("sendto");
			break;
		}
	}
	printf("flood: sent %ld datagrams of %ld bytes\n", i, len);
	return (i == n ? 0 : 1);
}

int
main(int argc, char **argv)
{
	unsigned char f[2000], *p;
	int n, h;

	if (argc == 5 && strcmp(argv[1], "udpecho") == 0)
		return (udpecho(argv[2], argv[3], argv[4]));
	if (argc == 6 && strcmp(argv[1], "flood") == 0)
		return (flood(argv[2], argv[3], argv[4], argv[5]));
	if (argc != 6 || strcmp(argv[1], "bad") != 0 ||
	    parse_mac(argv[3], dmac) != 0 ||
	    inet_pton(AF_INET, argv[4], &src) != 1 ||
	    inet_pton(AF_INET, argv[5], &dst) != 1) {
		fprintf(stderr, "usage: xn_labtool udpecho dstip port text\n"
		    "       xn_labtool flood dstip port size count\n"
		    "       xn_labtool bad ifname dstmac srcip dstip\n");
		return (2);
	}
	argv++;
	sock = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL));
	if (sock < 0) {
		perror("socket");
		return (1);
	}
	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_ifindex = if_nametoindex(argv[1]);
	sll.sll_halen = 6;
	memcpy(sll.sll_addr, dmac, 6);
	if (sll.sll_ifindex == 0) {
		perror(argv[1]);
		return (1);
	}

	n = eth(f, 0x0800);
	send_frame("runt", f, n, 1);

	n = eth(f, 0x0800);
	h = ip(f + n, 1, 16, 1, 0);
	echo(f + n + h, 8, 1);
	f[n + 10] ^= 0xff;
	send_frame("ip-badsum", f, n + h + 16, 1);

	n = eth(f, 0x0800);
	h = ip(f + n, 1, 16, 2, 0);
	echo(f + n + h, 8, 1);
	f[n] = 0x65;
	resum(f + n);
	send_frame("ip-badvers", f, n + h + 16, 1);

	n = eth(f, 0x0800);
	h = ip(f + n, 1, 0, 3, 0);
	f[n] = 0x4f;
	resum(f + n);
	send_frame("ip-badhlen", f, n + h, 1);

	n = eth(f, 0x0800);
	h = ip(f + n, 1, 980, 4, 0);
	echo(f + n + h, 32, 1);
	send_frame("ip-tooshort", f, n + h + 40, 1);

	n = eth(f, 0x0800);
	h = ip(f + n, 17, 13, 5, 0);
	p = f + n + h;
	memset(p, 0, 13);
	p[1] = 99;			/* source port 99 */
	p[3] = 7;			/* to the echo service */
	p[5] = 13;
	p[6] = 0x12;			/* a checksum that is wrong */
	p[7] = 0x34;
	memcpy(p + 8, "hello", 5);
	send_frame("udp-badsum", f, n + h + 13, 1);

	n = eth(f, 0x0800);
	h = ip(f + n, 17, 13, 6, 0);
	p = f + n + h;
	memset(p, 0, 13);
	p[1] = 99;
	p[3] = 7;
	p[5] = 200;			/* longer than the datagram */
	memcpy(p + 8, "hello", 5);
	send_frame("udp-badlen", f, n + h + 13, 1);

	n = eth(f, 0x0800);
	h = ip(f + n, 1, 16, 7, 0);
	echo(f + n + h, 8, 0);
	send_frame("icmp-badsum", f, n + h + 16, 1);

	n = eth(f, 0x0806);
	p = f + n;
	memset(p, 0, 28);
	p[1] = 1;			/* Ethernet */
	p[2] = 0x08;			/* IPv4 */
	p[4] = 8;			/* hardware address length 8 */
	p[5] = 4;
	p[7] = 1;
	memcpy(p + 8, smac, 6);
	memcpy(p + 14, &src, 4);
	memcpy(p + 24, &dst, 4);
	send_frame("arp-badhln", f, n + 28, 1);
	p[4] = 6;
	p[7] = 7;			/* operation 7 */
	send_frame("arp-badop", f, n + 28, 1);

	/* Fragments: 0-1479 (more), then 1000-2479 (more). */
	n = eth(f, 0x0800);
	h = ip(f + n, 1, 1480, 8, 0x2000);
	memset(f + n + h, 0xab, 1480);
	send_frame("frag-first", f, n + h + 1480, 0);
	h = ip(f + n, 1, 1480, 8, 0x2000 | (1000 / 8));
	send_frame("frag-overlap", f, n + h + 1480, 1);

	printf("xn_labtool: sent %d frames, expect %d input errors\n",
	    nsent, nerrors);
	return (0);
}
