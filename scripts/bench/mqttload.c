/*
 * mqttload.c - MQTT 3.1.1 load generator for scripts/bench/mqtt.
 *
 * Written directly from the OASIS MQTT 3.1.1 specification (fixed header,
 * remaining-length varint, CONNECT/CONNACK, PUBLISH/PUBACK,
 * SUBSCRIBE/SUBACK, DISCONNECT). No MQTT library is used. Linux only:
 * raw sockets, epoll, pthreads, /proc.
 *
 * Build:  gcc -O2 -pthread -o mqttload mqttload.c
 *
 * Subcommands (all results go to stdout as one "key=value" line; progress
 * and errors go to stderr):
 *
 *   mqttload freeport
 *       Print a TCP port on 127.0.0.1 that is free right now (20000-32000,
 *       below the usual ephemeral range).
 *
 *   mqttload flow --port P [--qos 0|1] [--pubs 8] [--messages 400000]
 *                 [--size 200] [--window 64] [--refill 1] [--threads 1]
 *                 [--timeout 120] [--drain 5] [--batch-bytes 32768]
 *                 [--sockbuf 1048576] [--pub-sndbuf 65536]
 *                 [--broker-pids pid,pid,...]
 *       One subscriber on "aircon/#" and --pubs publishers on
 *       "aircon/telemetry/<n>". --messages is the TOTAL across publishers.
 *       Publishers send as fast as the socket allows (QoS 0) or keep at
 *       most --window unacknowledged PUBLISHes (QoS 1; --refill N waits
 *       until N slots are free before sending again, 1 = strict window).
 *       Every payload is a fixed-width aircon telemetry JSON document
 *       carrying the publisher number, a sequence number and the
 *       CLOCK_MONOTONIC send time in ns, so the subscriber can count loss
 *       and duplicates and measure publish->receive latency.
 *       --threads 1 runs everything on one epoll loop; with N >= 2 the
 *       subscriber has thread 0 to itself and publishers share the rest.
 *       Publisher SO_SNDBUF is kept small (--pub-sndbuf) so that under QoS 0
 *       overload the backlog is what the broker lets queue (its socket
 *       receive buffers and internal queues), not this process's send
 *       buffers.
 *       Prints: rate (unique messages received / (last receive - start)),
 *       loss, duplicates, latency percentiles, this process's CPU% and the
 *       broker's CPU% (utime+stime of --broker-pids) over the same window.
 *
 *   mqttload idle --port P [--clients 10000] [--keepalive 600]
 *                 [--hold 300] [--concurrency 128] [--src-ips 8]
 *       Open --clients MQTT connections (CONNECT, wait for CONNACK) from
 *       source addresses 127.0.0.2..127.0.0.(1+src-ips), print
 *       "ready connected=N failed=M ..." and hold them until SIGTERM/SIGINT
 *       or --hold seconds.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#ifndef IP_BIND_ADDRESS_NO_PORT
#define IP_BIND_ADDRESS_NO_PORT 24
#endif

/* ------------------------------------------------------------------ */
/* small helpers                                                       */

static void die(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    fputs("mqttload: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(2);
}

static void note(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    fputs("mqttload: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

static uint64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static double cpu_self_s(void) {
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
           (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

/* Sum of utime+stime (seconds) of the comma separated pid list, read from
 * /proc/PID/stat (fields 14 and 15, counted after the ")" of comm). */
static double cpu_pids_s(const char *pids) {
    if (!pids || !*pids) return -1;
    double total = 0;
    long tck = sysconf(_SC_CLK_TCK);
    const char *p = pids;
    int any = 0;
    while (*p) {
        long pid = strtol(p, (char **)&p, 10);
        if (*p == ',') p++;
        if (pid <= 0) continue;
        char path[64], buf[2048];
        snprintf(path, sizeof path, "/proc/%ld/stat", pid);
        FILE *f = fopen(path, "r");
        if (!f) continue;
        size_t n = fread(buf, 1, sizeof buf - 1, f);
        fclose(f);
        buf[n] = 0;
        char *rp = strrchr(buf, ')');
        if (!rp) continue;
        /* after ") ": state(3) ppid(4) pgrp(5) session(6) tty(7) tpgid(8)
         * flags(9) minflt(10) cminflt(11) majflt(12) cmajflt(13)
         * utime(14) stime(15) */
        unsigned long long ut = 0, st = 0;
        if (sscanf(rp + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu",
                   &ut, &st) == 2) {
            total += (double)(ut + st) / (double)tck;
            any = 1;
        }
    }
    return any ? total : -1;
}

static void put_dec(uint8_t *dst, uint64_t v, int width) {
    for (int i = width - 1; i >= 0; i--) {
        dst[i] = (uint8_t)('0' + v % 10);
        v /= 10;
    }
}

static int get_dec(const uint8_t *src, int width, uint64_t *out) {
    uint64_t v = 0;
    for (int i = 0; i < width; i++) {
        unsigned d = (unsigned)src[i] - '0';
        if (d > 9) return -1;
        v = v * 10 + d;
    }
    *out = v;
    return 0;
}

/* growable byte buffer; live data is [off, len) */
typedef struct {
    uint8_t *p;
    size_t off, len, cap;
} buf_t;

static void buf_reserve(buf_t *b, size_t extra) {
    if (b->len + extra <= b->cap) return;
    if (b->off) {
        memmove(b->p, b->p + b->off, b->len - b->off);
        b->len -= b->off;
        b->off = 0;
        if (b->len + extra <= b->cap) return;
    }
    size_t ncap = b->cap ? b->cap : 4096;
    while (ncap < b->len + extra) ncap *= 2;
    b->p = realloc(b->p, ncap);
    if (!b->p) die("out of memory");
    b->cap = ncap;
}

static inline size_t buf_pending(const buf_t *b) { return b->len - b->off; }

/* ------------------------------------------------------------------ */
/* MQTT 3.1.1 encoding (spec sections 2.2, 3.1, 3.3, 3.4, 3.8, 3.14)   */

enum {
    MQTT_CONNECT = 1, MQTT_CONNACK = 2, MQTT_PUBLISH = 3, MQTT_PUBACK = 4,
    MQTT_SUBSCRIBE = 8, MQTT_SUBACK = 9, MQTT_PINGREQ = 12,
    MQTT_PINGRESP = 13, MQTT_DISCONNECT = 14
};

/* Remaining Length: 7 bits per byte, least significant group first,
 * high bit = "more bytes follow", at most 4 bytes (spec 2.2.3). */
static size_t enc_remlen(uint8_t *dst, uint32_t v) {
    size_t n = 0;
    do {
        uint8_t d = v & 0x7f;
        v >>= 7;
        if (v) d |= 0x80;
        dst[n++] = d;
    } while (v);
    return n;
}

static size_t enc_str(uint8_t *dst, const char *s, size_t len) {
    dst[0] = (uint8_t)(len >> 8);
    dst[1] = (uint8_t)len;
    memcpy(dst + 2, s, len);
    return len + 2;
}

static size_t build_connect(uint8_t *dst, const char *client_id, uint16_t keepalive) {
    uint8_t body[512];
    size_t n = 0;
    n += enc_str(body + n, "MQTT", 4);
    body[n++] = 4;    /* protocol level 4 = 3.1.1 */
    body[n++] = 0x02; /* connect flags: clean session only */
    body[n++] = (uint8_t)(keepalive >> 8);
    body[n++] = (uint8_t)keepalive;
    n += enc_str(body + n, client_id, strlen(client_id));
    size_t m = 0;
    dst[m++] = MQTT_CONNECT << 4;
    m += enc_remlen(dst + m, (uint32_t)n);
    memcpy(dst + m, body, n);
    return m + n;
}

static size_t build_subscribe(uint8_t *dst, uint16_t pid, const char *filter, int qos) {
    uint8_t body[512];
    size_t n = 0;
    body[n++] = (uint8_t)(pid >> 8);
    body[n++] = (uint8_t)pid;
    n += enc_str(body + n, filter, strlen(filter));
    body[n++] = (uint8_t)qos;
    size_t m = 0;
    dst[m++] = (MQTT_SUBSCRIBE << 4) | 0x02; /* reserved flags 0010 */
    m += enc_remlen(dst + m, (uint32_t)n);
    memcpy(dst + m, body, n);
    return m + n;
}

/* Parse one packet at p[0..len). Returns 1 and fills out-params when a
 * whole packet is present, 0 when more bytes are needed, -1 if malformed. */
static int parse_packet(const uint8_t *p, size_t len, uint8_t *hdr,
                        const uint8_t **body, uint32_t *blen, size_t *total) {
    if (len < 2) return 0;
    uint32_t v = 0;
    size_t i = 1;
    int shift = 0;
    for (;;) {
        if (i >= len) return 0;
        uint8_t d = p[i++];
        v |= (uint32_t)(d & 0x7f) << shift;
        if (!(d & 0x80)) break;
        shift += 7;
        if (shift > 21) return -1;
    }
    if (len - i < v) return 0;
    *hdr = p[0];
    *body = p + i;
    *blen = v;
    *total = i + v;
    return 1;
}

/* ------------------------------------------------------------------ */
/* sockets                                                              */

static int opt_sockbuf = 1 << 20;   /* SO_RCVBUF everywhere, SO_SNDBUF of the subscriber */
static int opt_pub_sndbuf = 65536; /* SO_SNDBUF of publishers: small on purpose */

static void set_nonblock(int fd) {
    int fl = fcntl(fd, F_GETFL);
    fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

static int tcp_connect_blocking(int port, int sndbuf) {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) die("socket: %s", strerror(errno));
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (sndbuf > 0) setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof sndbuf);
    if (opt_sockbuf > 0) setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &opt_sockbuf, sizeof opt_sockbuf);
    struct timeval tv = {10, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    struct sockaddr_in sa = {0};
    sa.sin_family = AF_INET;
    sa.sin_port = htons((uint16_t)port);
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0)
        die("connect 127.0.0.1:%d: %s", port, strerror(errno));
    return fd;
}

static void write_all_blocking(int fd, const uint8_t *p, size_t n) {
    while (n) {
        ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
        if (w < 0) {
            if (errno == EINTR) continue;
            die("send: %s", strerror(errno));
        }
        p += w;
        n -= (size_t)w;
    }
}

/* Blocking read of the next packet into b (left in b for the caller to
 * consume: returns the total size; the packet starts at b->p + b->off). */
static size_t read_packet_blocking(int fd, buf_t *b, uint8_t *hdr,
                                   const uint8_t **body, uint32_t *blen) {
    for (;;) {
        size_t total;
        int r = parse_packet(b->p + b->off, buf_pending(b), hdr, body, blen, &total);
        if (r < 0) die("malformed packet from broker during setup");
        if (r == 1) return total;
        buf_reserve(b, 65536);
        ssize_t n = recv(fd, b->p + b->len, b->cap - b->len, 0);
        if (n == 0) die("broker closed the connection during setup");
        if (n < 0) {
            if (errno == EINTR) continue;
            die("recv during setup: %s", strerror(errno));
        }
        b->len += (size_t)n;
    }
}

static void mqtt_connect_blocking(int fd, buf_t *in, const char *client_id, uint16_t keepalive) {
    uint8_t pkt[600];
    size_t n = build_connect(pkt, client_id, keepalive);
    write_all_blocking(fd, pkt, n);
    uint8_t hdr;
    const uint8_t *body;
    uint32_t blen;
    size_t total = read_packet_blocking(fd, in, &hdr, &body, &blen);
    if ((hdr >> 4) != MQTT_CONNACK || blen != 2)
        die("%s: expected CONNACK, got packet type %d", client_id, hdr >> 4);
    if (body[1] != 0) die("%s: CONNACK return code %d", client_id, body[1]);
    in->off += total;
}

/* ------------------------------------------------------------------ */
/* flow mode                                                            */

enum { KIND_SUB = 1, KIND_PUB = 2 };

typedef struct conn {
    int fd, kind, idx;
    buf_t in, out;
    uint32_t ev; /* current epoll interest */
    /* publisher */
    uint64_t to_send, sent, acked;
    uint32_t inflight;
    uint16_t next_pid;
    int done;
    uint64_t t_done;
    uint8_t tmpl[512];
    size_t tmpl_len, pid_off, seq_off, ts_off;
} conn_t;

static struct {
    int port, qos, npubs, size, window, threads, batch_bytes, refill;
    uint64_t total;
    double timeout_s, drain_s;
    const char *broker_pids;
} F = {0, 0, 8, 200, 64, 1, 32768, 1, 400000, 120, 5, NULL};

/* payload layout (offsets inside the payload; same for every message) */
static size_t P_DEV, P_SEQ, P_TS;
#define DEV_W 4
#define SEQ_W 10
#define TS_W 19

static conn_t sub;
static conn_t *pubs;
static uint8_t **seen;          /* per publisher bitmap */
static uint64_t *per_pub_count; /* messages per publisher */
static uint64_t *lat;           /* ns, one per unique message */
static uint64_t nlat, n_recv, n_dup, n_bad;
static uint64_t t_first_recv, t_last_recv;
static uint64_t t_start;
static double cpu0_self, cpu0_broker;
static double cpu1_self, cpu1_broker;
static uint64_t t_stop;
static atomic_int stop_flag;
static atomic_int pubs_done;
static atomic_int n_errors;
static int timed_out;
static void finish_run(void);

typedef struct {
    int id, ep;
    conn_t **conns;
    int nconns;
} thread_t;

static void ep_set(thread_t *t, conn_t *c, uint32_t want) {
    if (c->ev == want) return;
    struct epoll_event e = {.events = want, .data.ptr = c};
    if (epoll_ctl(t->ep, EPOLL_CTL_MOD, c->fd, &e) < 0) die("epoll_ctl: %s", strerror(errno));
    c->ev = want;
}

/* returns 0 on success (possibly with bytes still pending), -1 on error */
static int flush_out(conn_t *c) {
    while (buf_pending(&c->out)) {
        ssize_t w = send(c->fd, c->out.p + c->out.off, buf_pending(&c->out), MSG_NOSIGNAL);
        if (w > 0) {
            c->out.off += (size_t)w;
            continue;
        }
        if (w < 0 && errno == EINTR) continue;
        if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return 0;
        return -1;
    }
    c->out.off = c->out.len = 0;
    return 0;
}

static void pub_finish(conn_t *c, int error) {
    if (c->done) return;
    c->done = 1;
    c->t_done = now_ns();
    if (error) atomic_fetch_add(&n_errors, 1);
    atomic_fetch_add(&pubs_done, 1);
}

static void make_payload(uint8_t *dst, int dev) {
    /* Realistic aircon telemetry, fixed-width fields so that seq/ts can be
     * patched in place; padded with a "pad" string to F.size. seq and ts are
     * zero-padded digits inside strings, so the payload stays valid JSON
     * (RFC 8259 numbers cannot have leading zeros). */
    char head[256];
    int n = snprintf(head, sizeof head,
                     "{\"dev\":\"ac-%0*d\",\"seq\":\"%0*d\",\"ts\":\"%0*d\","
                     "\"mode\":\"cool\",\"fan\":\"auto\",\"set\":24.0,\"room\":26.4,"
                     "\"out\":31.2,\"hum\":48,\"kw\":1.27,\"err\":0,\"fw\":\"2.4.1\",\"pad\":\"",
                     DEV_W, dev, SEQ_W, 0, TS_W, 0);
    int pad = F.size - n - 2;
    if (pad < 0) die("--size must be at least %d", n + 2);
    memcpy(dst, head, (size_t)n);
    memset(dst + n, 'x', (size_t)pad);
    memcpy(dst + n + pad, "\"}", 2);
    P_DEV = (size_t)(strstr(head, "\"dev\":\"ac-") - head) + 10;
    P_SEQ = (size_t)(strstr(head, "\"seq\":\"") - head) + 7;
    P_TS = (size_t)(strstr(head, "\"ts\":\"") - head) + 6;
}

static void pub_init_template(conn_t *c) {
    char topic[64];
    int tl = snprintf(topic, sizeof topic, "aircon/telemetry/%d", c->idx);
    uint32_t rem = 2 + (uint32_t)tl + (F.qos ? 2 : 0) + (uint32_t)F.size;
    size_t n = 0;
    c->tmpl[n++] = (uint8_t)((MQTT_PUBLISH << 4) | (F.qos << 1)); /* DUP=0 RETAIN=0 */
    n += enc_remlen(c->tmpl + n, rem);
    n += enc_str(c->tmpl + n, topic, (size_t)tl);
    c->pid_off = n;
    if (F.qos) {
        c->tmpl[n++] = 0;
        c->tmpl[n++] = 0;
    }
    make_payload(c->tmpl + n, c->idx);
    c->seq_off = n + P_SEQ;
    c->ts_off = n + P_TS;
    n += (size_t)F.size;
    c->tmpl_len = n;
    c->next_pid = 1;
}

static void pub_pump(thread_t *t, conn_t *c) {
    if (c->done) return;
    if (buf_pending(&c->out) && flush_out(c) < 0) {
        note("publisher %d: send: %s", c->idx, strerror(errno));
        pub_finish(c, 1);
        ep_set(t, c, EPOLLIN);
        return;
    }
    if (!buf_pending(&c->out) && c->sent < c->to_send) {
        uint64_t k = (uint64_t)F.batch_bytes / c->tmpl_len;
        if (k < 1) k = 1;
        if (k > c->to_send - c->sent) k = c->to_send - c->sent;
        if (F.qos) {
            uint64_t space = (uint64_t)(F.window - (int)c->inflight);
            /* refill only when at least --refill slots are free (or the
             * tail of the run fits), so PUBACK trickles do not each cost
             * a send() */
            if (space < (uint64_t)F.refill && space < c->to_send - c->sent) space = 0;
            if (k > space) k = space;
        }
        if (k > 0) {
            buf_reserve(&c->out, k * c->tmpl_len);
            uint64_t ts = now_ns(); /* one stamp per batch: one send() */
            uint8_t *w = c->out.p + c->out.len;
            for (uint64_t i = 0; i < k; i++) {
                memcpy(w, c->tmpl, c->tmpl_len);
                if (F.qos) {
                    w[c->pid_off] = (uint8_t)(c->next_pid >> 8);
                    w[c->pid_off + 1] = (uint8_t)c->next_pid;
                    if (++c->next_pid == 0) c->next_pid = 1;
                }
                put_dec(w + c->seq_off, c->sent + i, SEQ_W);
                put_dec(w + c->ts_off, ts, TS_W);
                w += c->tmpl_len;
            }
            c->out.len += k * c->tmpl_len;
            c->sent += k;
            if (F.qos) c->inflight += (uint32_t)k;
            if (flush_out(c) < 0) {
                note("publisher %d: send: %s", c->idx, strerror(errno));
                pub_finish(c, 1);
                ep_set(t, c, EPOLLIN);
                return;
            }
        }
    }
    if (F.qos == 0 && c->sent == c->to_send && !buf_pending(&c->out)) pub_finish(c, 0);
    uint32_t need = (uint32_t)F.refill;
    if (need > c->to_send - c->sent) need = (uint32_t)(c->to_send - c->sent);
    int more = c->sent < c->to_send && (F.qos == 0 || c->inflight + need <= (uint32_t)F.window);
    ep_set(t, c, EPOLLIN | ((buf_pending(&c->out) || (more && !c->done)) ? EPOLLOUT : 0));
}

static void pub_read(thread_t *t, conn_t *c) {
    buf_reserve(&c->in, 65536);
    ssize_t n = recv(c->fd, c->in.p + c->in.len, c->in.cap - c->in.len, 0);
    if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
        if (!c->done) note("publisher %d: connection closed by broker (%s)", c->idx,
                           n == 0 ? "EOF" : strerror(errno));
        pub_finish(c, !c->done);
        epoll_ctl(t->ep, EPOLL_CTL_DEL, c->fd, NULL);
        return;
    }
    if (n < 0) return;
    c->in.len += (size_t)n;
    for (;;) {
        uint8_t hdr;
        const uint8_t *body;
        uint32_t blen;
        size_t total;
        int r = parse_packet(c->in.p + c->in.off, buf_pending(&c->in), &hdr, &body, &blen, &total);
        if (r == 0) break;
        if (r < 0) {
            note("publisher %d: malformed packet", c->idx);
            pub_finish(c, 1);
            epoll_ctl(t->ep, EPOLL_CTL_DEL, c->fd, NULL);
            return;
        }
        if ((hdr >> 4) == MQTT_PUBACK) {
            if (c->inflight == 0) {
                note("publisher %d: unexpected PUBACK", c->idx);
                atomic_fetch_add(&n_errors, 1);
            } else {
                c->inflight--;
                c->acked++;
            }
        }
        c->in.off += total;
    }
    if (c->in.off == c->in.len) c->in.off = c->in.len = 0;
    if (F.qos && c->acked == c->to_send && !c->done) pub_finish(c, 0);
    pub_pump(t, c);
}

static void sub_handle_publish(uint8_t hdr, const uint8_t *body, uint32_t blen, uint64_t t_now) {
    int q = (hdr >> 1) & 3;
    if (blen < 2) { n_bad++; return; }
    uint32_t tl = ((uint32_t)body[0] << 8) | body[1];
    if (2 + tl + (q ? 2u : 0u) > blen) { n_bad++; return; }
    const uint8_t *pl = body + 2 + tl;
    uint32_t plen = blen - 2 - tl;
    if (q) {
        uint8_t ack[4] = {MQTT_PUBACK << 4, 2, pl[0], pl[1]};
        buf_reserve(&sub.out, 4);
        memcpy(sub.out.p + sub.out.len, ack, 4);
        sub.out.len += 4;
        pl += 2;
        plen -= 2;
    }
    n_recv++;
    uint64_t dev, seq, ts;
    if (plen != (uint32_t)F.size || get_dec(pl + P_DEV, DEV_W, &dev) ||
        get_dec(pl + P_SEQ, SEQ_W, &seq) || get_dec(pl + P_TS, TS_W, &ts) ||
        dev >= (uint64_t)F.npubs || seq >= per_pub_count[dev]) {
        n_bad++;
        return;
    }
    uint8_t *bm = seen[dev];
    uint8_t bit = (uint8_t)(1u << (seq & 7));
    if (bm[seq >> 3] & bit) {
        n_dup++;
        return;
    }
    bm[seq >> 3] |= bit;
    lat[nlat++] = t_now > ts ? t_now - ts : 0;
    if (!t_first_recv) t_first_recv = t_now;
    t_last_recv = t_now;
}

static void sub_read(thread_t *t, conn_t *c) {
    for (int rounds = 0; rounds < 4; rounds++) {
        buf_reserve(&c->in, 256 * 1024);
        ssize_t n = recv(c->fd, c->in.p + c->in.len, c->in.cap - c->in.len, 0);
        if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
            note("subscriber: connection closed by broker (%s)", n == 0 ? "EOF" : strerror(errno));
            atomic_fetch_add(&n_errors, 1);
            epoll_ctl(t->ep, EPOLL_CTL_DEL, c->fd, NULL);
            finish_run();
            return;
        }
        if (n < 0) break;
        uint64_t t_now = now_ns(); /* one stamp per recv() */
        c->in.len += (size_t)n;
        for (;;) {
            uint8_t hdr;
            const uint8_t *body;
            uint32_t blen;
            size_t total;
            int r = parse_packet(c->in.p + c->in.off, buf_pending(&c->in), &hdr, &body, &blen, &total);
            if (r == 0) break;
            if (r < 0) {
                note("subscriber: malformed packet");
                atomic_fetch_add(&n_errors, 1);
                finish_run();
                return;
            }
            if ((hdr >> 4) == MQTT_PUBLISH) sub_handle_publish(hdr, body, blen, t_now);
            c->in.off += total;
        }
        if (c->in.off == c->in.len) c->in.off = c->in.len = 0;
        if ((size_t)n < 256 * 1024 / 2) break; /* socket probably drained */
    }
    if (buf_pending(&c->out) && flush_out(c) < 0) {
        note("subscriber: send: %s", strerror(errno));
        atomic_fetch_add(&n_errors, 1);
        finish_run();
        return;
    }
    ep_set(t, c, EPOLLIN | (buf_pending(&c->out) ? EPOLLOUT : 0));
}

/* take the end-of-window samples once, then tell every thread to stop */
static atomic_int finished_once;
static void finish_run(void) {
    if (atomic_exchange(&finished_once, 1)) return;
    t_stop = now_ns();
    cpu1_self = cpu_self_s();
    cpu1_broker = cpu_pids_s(F.broker_pids);
    atomic_store(&stop_flag, 1);
}

/* CPU samples taken while traffic flows (every 100 ms at most), so that a
 * run that ends by waiting out --drain (messages lost) reports CPU over
 * the active part only */
static uint64_t act_t, act_nlat = UINT64_MAX;
static double act_self, act_broker;

static void check_done(void) {
    uint64_t now = now_ns();
    if (now - act_t >= 100000000ull && (nlat != act_nlat || atomic_load(&pubs_done) < F.npubs)) {
        act_t = now;
        act_nlat = nlat;
        act_self = cpu_self_s();
        act_broker = cpu_pids_s(F.broker_pids);
    }
    int finished = 0, drained = 0;
    if (nlat == F.total) finished = 1;
    else if (atomic_load(&pubs_done) == F.npubs) {
        uint64_t last = t_last_recv;
        for (int i = 0; i < F.npubs; i++)
            if (pubs[i].t_done > last) last = pubs[i].t_done;
        if (now - last > (uint64_t)(F.drain_s * 1e9)) finished = drained = 1;
    }
    if (!finished && now - t_start > (uint64_t)(F.timeout_s * 1e9)) {
        finished = 1;
        timed_out = 1;
        note("time limit of %.0f s reached", F.timeout_s);
    }
    if (!finished) return;
    if (drained && act_t && !atomic_exchange(&finished_once, 1)) {
        t_stop = act_t;
        cpu1_self = act_self;
        cpu1_broker = act_broker;
        atomic_store(&stop_flag, 1);
        return;
    }
    finish_run();
}

static void *flow_thread(void *arg) {
    thread_t *t = arg;
    struct epoll_event evs[64];
    uint64_t last_progress = now_ns();
    /* kick publishers */
    for (int i = 0; i < t->nconns; i++)
        if (t->conns[i]->kind == KIND_PUB) pub_pump(t, t->conns[i]);
    while (!atomic_load(&stop_flag)) {
        int n = epoll_wait(t->ep, evs, 64, 20);
        if (n < 0 && errno != EINTR) die("epoll_wait: %s", strerror(errno));
        for (int i = 0; i < n; i++) {
            conn_t *c = evs[i].data.ptr;
            uint32_t e = evs[i].events;
            if (c->kind == KIND_SUB) {
                if (e & (EPOLLIN | EPOLLERR | EPOLLHUP)) sub_read(t, c);
                else if ((e & EPOLLOUT) && !atomic_load(&stop_flag)) {
                    if (flush_out(c) < 0) {
                        atomic_fetch_add(&n_errors, 1);
                        finish_run();
                    } else
                        ep_set(t, c, EPOLLIN | (buf_pending(&c->out) ? EPOLLOUT : 0));
                }
            } else {
                if (e & (EPOLLIN | EPOLLERR | EPOLLHUP)) pub_read(t, c);
                else if (e & EPOLLOUT) pub_pump(t, c);
            }
        }
        if (t->id == 0) {
            check_done();
            uint64_t now = now_ns();
            if (now - last_progress > 2000000000ull && !atomic_load(&stop_flag)) {
                last_progress = now;
                uint64_t sent = 0;
                for (int i = 0; i < F.npubs; i++) sent += pubs[i].sent;
                note("progress: sent %" PRIu64 " received %" PRIu64 " of %" PRIu64, sent, nlat, F.total);
            }
        }
    }
    return NULL;
}

static int cmp_u64(const void *a, const void *b) {
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static double pct_ms(double p) {
    if (!nlat) return 0;
    size_t i = (size_t)(p * (double)(nlat - 1) + 0.5);
    return (double)lat[i] / 1e6;
}

static int run_flow(void) {
    if (!F.port) die("flow: --port is required");
    if (F.qos != 0 && F.qos != 1) die("flow: --qos must be 0 or 1");
    if (F.npubs < 1 || F.npubs > 9999) die("flow: --pubs out of range");
    if (F.total < (uint64_t)F.npubs) die("flow: --messages must be >= --pubs");
    if (F.window < 1 || F.window > 65535) die("flow: --window out of range");
    if (F.refill < 1) F.refill = 1;
    if (F.refill > F.window) F.refill = F.window;
    if (F.threads < 1) F.threads = 1;
    if (F.threads > F.npubs + 1) F.threads = F.npubs + 1;

    per_pub_count = calloc((size_t)F.npubs, sizeof *per_pub_count);
    seen = calloc((size_t)F.npubs, sizeof *seen);
    for (int i = 0; i < F.npubs; i++) {
        per_pub_count[i] = F.total / (uint64_t)F.npubs + ((uint64_t)i < F.total % (uint64_t)F.npubs);
        seen[i] = calloc(per_pub_count[i] / 8 + 1, 1);
    }
    lat = malloc(F.total * sizeof *lat);
    if (!lat) die("out of memory");

    /* subscriber: CONNECT, SUBSCRIBE aircon/# at the scenario QoS */
    memset(&sub, 0, sizeof sub);
    sub.kind = KIND_SUB;
    sub.fd = tcp_connect_blocking(F.port, opt_sockbuf);
    char sub_id[32];
    snprintf(sub_id, sizeof sub_id, "bench-sub-%d", (int)getpid());
    mqtt_connect_blocking(sub.fd, &sub.in, sub_id, 60);
    {
        uint8_t pkt[128];
        size_t n = build_subscribe(pkt, 1, "aircon/#", F.qos);
        write_all_blocking(sub.fd, pkt, n);
        uint8_t hdr;
        const uint8_t *body;
        uint32_t blen;
        size_t total = read_packet_blocking(sub.fd, &sub.in, &hdr, &body, &blen);
        if ((hdr >> 4) != MQTT_SUBACK || blen < 3) die("subscriber: expected SUBACK");
        if (body[2] == 0x80) die("subscriber: subscription refused");
        if ((int)body[2] != F.qos) note("subscriber: granted QoS %d (asked %d)", body[2], F.qos);
        sub.in.off += total;
    }
    /* publishers */
    pubs = calloc((size_t)F.npubs, sizeof *pubs);
    for (int i = 0; i < F.npubs; i++) {
        conn_t *c = &pubs[i];
        c->kind = KIND_PUB;
        c->idx = i;
        c->to_send = per_pub_count[i];
        c->fd = tcp_connect_blocking(F.port, opt_pub_sndbuf);
        char id[32];
        snprintf(id, sizeof id, "bench-pub-%d-%d", (int)getpid(), i);
        mqtt_connect_blocking(c->fd, &c->in, id, 60);
        pub_init_template(c);
    }
    note("connected 1 subscriber + %d publishers; qos %d, %" PRIu64 " messages of %d bytes, %d thread(s)",
         F.npubs, F.qos, F.total, F.size, F.threads);

    /* threads: with >= 2 threads the subscriber gets thread 0 alone and
     * publishers are spread over the others */
    thread_t *th = calloc((size_t)F.threads, sizeof *th);
    for (int i = 0; i < F.threads; i++) {
        th[i].id = i;
        th[i].ep = epoll_create1(EPOLL_CLOEXEC);
        th[i].conns = calloc((size_t)F.npubs + 1, sizeof(conn_t *));
    }
    struct epoll_event e;
    set_nonblock(sub.fd);
    sub.ev = EPOLLIN;
    e.events = EPOLLIN;
    e.data.ptr = &sub;
    epoll_ctl(th[0].ep, EPOLL_CTL_ADD, sub.fd, &e);
    th[0].conns[th[0].nconns++] = &sub;
    for (int i = 0; i < F.npubs; i++) {
        int ti = F.threads == 1 ? 0 : 1 + i % (F.threads - 1);
        conn_t *c = &pubs[i];
        set_nonblock(c->fd);
        c->ev = EPOLLIN;
        e.events = EPOLLIN;
        e.data.ptr = c;
        epoll_ctl(th[ti].ep, EPOLL_CTL_ADD, c->fd, &e);
        th[ti].conns[th[ti].nconns++] = c;
    }

    cpu0_broker = cpu_pids_s(F.broker_pids);
    cpu0_self = cpu_self_s();
    t_start = now_ns();
    pthread_t *tids = calloc((size_t)F.threads, sizeof *tids);
    for (int i = 1; i < F.threads; i++) pthread_create(&tids[i], NULL, flow_thread, &th[i]);
    flow_thread(&th[0]);
    for (int i = 1; i < F.threads; i++) pthread_join(tids[i], NULL);

    /* polite goodbye */
    uint8_t disc[2] = {MQTT_DISCONNECT << 4, 0};
    send(sub.fd, disc, 2, MSG_NOSIGNAL);
    close(sub.fd);
    for (int i = 0; i < F.npubs; i++) {
        send(pubs[i].fd, disc, 2, MSG_NOSIGNAL);
        close(pubs[i].fd);
    }

    uint64_t sent = 0, t_send_done = 0;
    for (int i = 0; i < F.npubs; i++) {
        sent += pubs[i].sent;
        if (pubs[i].t_done > t_send_done) t_send_done = pubs[i].t_done;
    }
    double elapsed = t_last_recv > t_start ? (double)(t_last_recv - t_start) / 1e9 : 0;
    double window = (double)(t_stop - t_start) / 1e9;
    double send_elapsed = t_send_done > t_start ? (double)(t_send_done - t_start) / 1e9 : 0;
    double rate = elapsed > 0 ? (double)nlat / elapsed : 0;
    double lg_cpu = window > 0 ? 100.0 * (cpu1_self - cpu0_self) / window : 0;
    double br_cpu = (cpu0_broker >= 0 && cpu1_broker >= 0 && window > 0)
                        ? 100.0 * (cpu1_broker - cpu0_broker) / window : -1;
    qsort(lat, nlat, sizeof *lat, cmp_u64);
    printf("result mode=flow qos=%d pubs=%d size=%d expected=%" PRIu64 " sent=%" PRIu64
           " received=%" PRIu64 " unique=%" PRIu64 " dup=%" PRIu64 " bad=%" PRIu64
           " lost=%" PRIu64 " elapsed=%.3f send_elapsed=%.3f rate=%.0f"
           " p50_ms=%.3f p90_ms=%.3f p99_ms=%.3f max_ms=%.3f"
           " lg_cpu_pct=%.0f lg_cpu_s=%.2f broker_cpu_pct=%.0f broker_cpu_s=%.2f window=%.3f"
           " threads=%d timed_out=%d errors=%d\n",
           F.qos, F.npubs, F.size, F.total, sent, n_recv, nlat, n_dup, n_bad, F.total - nlat,
           elapsed, send_elapsed, rate, pct_ms(0.50), pct_ms(0.90), pct_ms(0.99),
           nlat ? (double)lat[nlat - 1] / 1e6 : 0.0, lg_cpu, cpu1_self - cpu0_self, br_cpu,
           br_cpu >= 0 ? cpu1_broker - cpu0_broker : -1.0, window, F.threads, timed_out,
           atomic_load(&n_errors));
    fflush(stdout);
    return 0;
}

/* ------------------------------------------------------------------ */
/* idle mode                                                            */

enum { ST_FREE = 0, ST_TCP, ST_CONNACK, ST_READY, ST_DEAD };

typedef struct {
    int fd;
    uint8_t state, tries;
    uint8_t in[8];
    uint8_t inlen;
} idle_t;

static volatile sig_atomic_t got_signal;
static void on_signal(int s) { (void)s; got_signal = 1; }

static struct {
    int port, clients, keepalive, concurrency, src_ips;
    double hold_s, connect_timeout_s;
} I = {0, 10000, 600, 128, 8, 300, 120};

static int idle_start(int ep, idle_t *c, int i) {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        note("socket: %s (raise ulimit -n?)", strerror(errno));
        return -1;
    }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (I.src_ips > 0) {
        /* spread over 127.0.0.2.. so that local ports never run short;
         * the port is chosen at connect() time (IP_BIND_ADDRESS_NO_PORT) */
        setsockopt(fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one);
        struct sockaddr_in src = {0};
        src.sin_family = AF_INET;
        src.sin_addr.s_addr = htonl(0x7f000002u + (uint32_t)(i % I.src_ips));
        if (bind(fd, (struct sockaddr *)&src, sizeof src) < 0) {
            note("bind 127.0.0.x: %s", strerror(errno));
            close(fd);
            return -1;
        }
    }
    struct sockaddr_in sa = {0};
    sa.sin_family = AF_INET;
    sa.sin_port = htons((uint16_t)I.port);
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0 && errno != EINPROGRESS) {
        note("connect: %s", strerror(errno));
        close(fd);
        return -1;
    }
    c->fd = fd;
    c->state = ST_TCP;
    c->inlen = 0;
    struct epoll_event e = {.events = EPOLLOUT, .data.u64 = (uint64_t)i};
    if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &e) < 0) die("epoll_ctl: %s", strerror(errno));
    return 0;
}

static int run_idle(void) {
    if (!I.port) die("idle: --port is required");
    if (I.clients < 1) die("idle: --clients must be >= 1");
    struct sigaction sa = {0};
    sa.sa_handler = on_signal;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);

    idle_t *cs = calloc((size_t)I.clients, sizeof *cs);
    int ep = epoll_create1(EPOLL_CLOEXEC);
    int next = 0, pending = 0, connected = 0, failed = 0, retries = 0;
    uint64_t t0 = now_ns(), last_note = t0;
    struct epoll_event evs[256];

    while (connected + failed < I.clients && !got_signal) {
        while (pending < I.concurrency && next < I.clients) {
            if (idle_start(ep, &cs[next], next) < 0) {
                cs[next].state = ST_DEAD;
                failed++;
            } else
                pending++;
            next++;
        }
        if (now_ns() - t0 > (uint64_t)(I.connect_timeout_s * 1e9)) {
            note("connect phase time limit reached");
            break;
        }
        int n = epoll_wait(ep, evs, 256, 100);
        if (n < 0 && errno != EINTR) die("epoll_wait: %s", strerror(errno));
        for (int k = 0; k < n; k++) {
            int i = (int)evs[k].data.u64;
            idle_t *c = &cs[i];
            int fail = 0;
            if (c->state == ST_TCP) {
                int err = 0;
                socklen_t el = sizeof err;
                getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &el);
                if (err || (evs[k].events & (EPOLLERR | EPOLLHUP))) fail = 1;
                else {
                    char id[32];
                    uint8_t pkt[64];
                    snprintf(id, sizeof id, "bench-idle-%d-%06d", (int)getpid(), i);
                    size_t pl = build_connect(pkt, id, (uint16_t)I.keepalive);
                    if (send(c->fd, pkt, pl, MSG_NOSIGNAL) != (ssize_t)pl) fail = 1;
                    else {
                        c->state = ST_CONNACK;
                        struct epoll_event e = {.events = EPOLLIN, .data.u64 = (uint64_t)i};
                        epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &e);
                    }
                }
            } else if (c->state == ST_CONNACK) {
                ssize_t r = recv(c->fd, c->in + c->inlen, sizeof c->in - c->inlen, 0);
                if (r <= 0) {
                    if (r < 0 && errno == EAGAIN) continue;
                    fail = 1;
                } else {
                    c->inlen += (uint8_t)r;
                    if (c->inlen >= 4) {
                        if ((c->in[0] >> 4) == MQTT_CONNACK && c->in[1] == 2 && c->in[3] == 0) {
                            c->state = ST_READY;
                            connected++;
                            pending--;
                        } else {
                            note("client %d: CONNACK refused (code %d)", i, c->in[3]);
                            close(c->fd);
                            c->state = ST_DEAD;
                            failed++;
                            pending--;
                        }
                    }
                }
            }
            if (fail) {
                epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
                close(c->fd);
                if (++c->tries < 3) {
                    retries++;
                    if (idle_start(ep, c, i) == 0) continue;
                }
                c->state = ST_DEAD;
                failed++;
                pending--;
            }
        }
        uint64_t now = now_ns();
        if (now - last_note > 2000000000ull) {
            last_note = now;
            note("idle: %d connected, %d failed", connected, failed);
        }
    }
    double secs = (double)(now_ns() - t0) / 1e9;
    printf("ready connected=%d failed=%d retries=%d seconds=%.2f\n", connected, failed, retries, secs);
    fflush(stdout);
    note("idle: %d connections up in %.2f s (%d failed, %d retried); holding", connected, secs, failed, retries);

    /* hold: keep reading (the broker should send nothing) */
    int lost = 0;
    uint64_t t_hold = now_ns();
    while (!got_signal && now_ns() - t_hold < (uint64_t)(I.hold_s * 1e9)) {
        int n = epoll_wait(ep, evs, 256, 200);
        for (int k = 0; k < n; k++) {
            idle_t *c = &cs[evs[k].data.u64];
            uint8_t tmp[256];
            ssize_t r = recv(c->fd, tmp, sizeof tmp, 0);
            if (r == 0 || (r < 0 && errno != EAGAIN && errno != EINTR)) {
                epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
                close(c->fd);
                c->state = ST_DEAD;
                lost++;
            }
        }
    }
    if (lost) note("idle: broker closed %d connections while held", lost);
    return 0;
}

/* ------------------------------------------------------------------ */

static int run_freeport(void) {
    srand((unsigned)(now_ns() ^ (uint64_t)getpid()));
    for (int tries = 0; tries < 500; tries++) {
        int port = 20000 + rand() % 12000;
        int fd = socket(AF_INET, SOCK_STREAM, 0);
        struct sockaddr_in sa = {0};
        sa.sin_family = AF_INET;
        sa.sin_port = htons((uint16_t)port);
        sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        int ok = bind(fd, (struct sockaddr *)&sa, sizeof sa) == 0;
        close(fd);
        if (ok) {
            printf("%d\n", port);
            return 0;
        }
    }
    die("no free port found");
    return 1;
}

static const char *need(int argc, char **argv, int *i) {
    if (*i + 1 >= argc) die("option %s needs a value", argv[*i]);
    return argv[++*i];
}

int main(int argc, char **argv) {
    if (argc < 2) die("usage: mqttload freeport | flow [opts] | idle [opts] (see source header)");
    signal(SIGPIPE, SIG_IGN);
    const char *mode = argv[1];
    if (!strcmp(mode, "freeport")) return run_freeport();
    int flow = !strcmp(mode, "flow"), idle = !strcmp(mode, "idle");
    if (!flow && !idle) die("unknown mode %s", mode);
    for (int i = 2; i < argc; i++) {
        const char *o = argv[i];
        if (!strcmp(o, "--port")) F.port = I.port = atoi(need(argc, argv, &i));
        else if (flow && !strcmp(o, "--qos")) F.qos = atoi(need(argc, argv, &i));
        else if (flow && !strcmp(o, "--pubs")) F.npubs = atoi(need(argc, argv, &i));
        else if (flow && !strcmp(o, "--messages")) F.total = strtoull(need(argc, argv, &i), NULL, 10);
        else if (flow && !strcmp(o, "--size")) F.size = atoi(need(argc, argv, &i));
        else if (flow && !strcmp(o, "--window")) F.window = atoi(need(argc, argv, &i));
        else if (flow && !strcmp(o, "--refill")) F.refill = atoi(need(argc, argv, &i));
        else if (flow && !strcmp(o, "--threads")) F.threads = atoi(need(argc, argv, &i));
        else if (flow && !strcmp(o, "--timeout")) F.timeout_s = atof(need(argc, argv, &i));
        else if (flow && !strcmp(o, "--drain")) F.drain_s = atof(need(argc, argv, &i));
        else if (flow && !strcmp(o, "--batch-bytes")) F.batch_bytes = atoi(need(argc, argv, &i));
        else if (flow && !strcmp(o, "--sockbuf")) opt_sockbuf = atoi(need(argc, argv, &i));
        else if (flow && !strcmp(o, "--pub-sndbuf")) opt_pub_sndbuf = atoi(need(argc, argv, &i));
        else if (flow && !strcmp(o, "--broker-pids")) F.broker_pids = need(argc, argv, &i);
        else if (idle && !strcmp(o, "--clients")) I.clients = atoi(need(argc, argv, &i));
        else if (idle && !strcmp(o, "--keepalive")) I.keepalive = atoi(need(argc, argv, &i));
        else if (idle && !strcmp(o, "--hold")) I.hold_s = atof(need(argc, argv, &i));
        else if (idle && !strcmp(o, "--concurrency")) I.concurrency = atoi(need(argc, argv, &i));
        else if (idle && !strcmp(o, "--src-ips")) I.src_ips = atoi(need(argc, argv, &i));
        else if (idle && !strcmp(o, "--connect-timeout")) I.connect_timeout_s = atof(need(argc, argv, &i));
        else die("unknown option %s for %s", o, mode);
    }
    if (F.size > 400) die("--size must be <= 400");
    return flow ? run_flow() : run_idle();
}
