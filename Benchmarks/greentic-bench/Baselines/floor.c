/* The physical floor for a NATS client on this machine: one thread, two blocking TCP sockets,
 * the protocol written and read by hand with nothing in between. Same arguments and JSON output
 * as the other baselines: floor URL SMALL_COUNT LARGE_COUNT REQUESTS. */
#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static void die(const char *what) { perror(what); exit(1); }

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

static void write_all(int fd, const char *p, size_t n) {
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w <= 0) die("write");
        p += w;
        n -= (size_t)w;
    }
}

/* Reads until `marker` has arrived (the bytes before it are discarded). */
static void read_until(int fd, const char *marker) {
    char buf[65536];
    size_t have = 0, m = strlen(marker);
    for (;;) {
        ssize_t r = read(fd, buf + have, sizeof buf - have - 1);
        if (r <= 0) die("read");
        have += (size_t)r;
        buf[have] = 0;
        if (strstr(buf, marker)) return;
        if (have > m) { memmove(buf, buf + have - m, m); have = m; }
    }
}

/* Reads exactly n bytes. */
static void read_exactly(int fd, char *buf, size_t n) {
    while (n > 0) {
        ssize_t r = read(fd, buf, n);
        if (r <= 0) die("read");
        buf += r;
        n -= (size_t)r;
    }
}

static int dial(const char *host, int port) {
    int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;
    if (fd < 0) die("socket");
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    if (inet_pton(AF_INET, host, &a.sin_addr) != 1) die("address (an IPv4 address is expected)");
    if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0) die("connect");
    read_until(fd, "\r\n");
    const char *hello = "CONNECT {\"verbose\":false,\"pedantic\":false}\r\nPING\r\n";
    write_all(fd, hello, strlen(hello));
    read_until(fd, "PONG\r\n");
    return fd;
}

static double pubsub(const char *host, int port, long count, int size) {
    int pub = dial(host, port), sub = dial(host, port);
    char line[128];
    snprintf(line, sizeof line, "SUB floor.%d 1\r\nPING\r\n", size);
    write_all(sub, line, strlen(line));
    read_until(sub, "PONG\r\n");
    int header = snprintf(line, sizeof line, "PUB floor.%d %d\r\n", size, size);
    size_t frame = (size_t)header + (size_t)size + 2;
    size_t in_frame = (size_t)snprintf(line, sizeof line, "MSG floor.%d 1 %d\r\n", size, size) + (size_t)size + 2;
    enum { BATCH = 256, WINDOW = 8192 };
    char *batch = malloc(frame * BATCH), *in = malloc(1 << 20);
    for (int i = 0; i < BATCH; i++) {
        char *p = batch + frame * (size_t)i;
        snprintf(p, frame, "PUB floor.%d %d\r\n", size, size);
        memset(p + header, 'a', (size_t)size);
        memcpy(p + header + size, "\r\n", 2);
    }
    long sent = 0, received = 0;
    size_t in_bytes = 0;
    double start = now();
    while (received < count) {
        if (sent < count && sent - received < WINDOW) {
            long n = count - sent < BATCH ? count - sent : BATCH;
            write_all(pub, batch, frame * (size_t)n);
            sent += n;
            continue;
        }
        ssize_t r = read(sub, in, 1 << 20);
        if (r <= 0) die("read");
        in_bytes += (size_t)r;
        received = (long)(in_bytes / in_frame);
    }
    double elapsed = now() - start;
    close(pub);
    close(sub);
    free(batch);
    free(in);
    return count / elapsed;
}

static int compare(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double round_trip(const char *host, int port, int count) {
    int client = dial(host, port), server = dial(host, port);
    const char *s1 = "SUB floor.rr 1\r\nPING\r\n", *s2 = "SUB floor.inbox 1\r\nPING\r\n";
    write_all(server, s1, strlen(s1));
    read_until(server, "PONG\r\n");
    write_all(client, s2, strlen(s2));
    read_until(client, "PONG\r\n");
    const char *request = "PUB floor.rr floor.inbox 1\r\nx\r\n", *reply = "PUB floor.inbox 1\r\nx\r\n";
    char in[128];
    size_t request_in = strlen("MSG floor.rr 1 floor.inbox 1\r\nx\r\n"), reply_in = strlen("MSG floor.inbox 1 1\r\nx\r\n");
    double *samples = malloc(sizeof(double) * (size_t)count);
    for (int i = 0; i < count + 100; i++) {
        double start = now();
        write_all(client, request, strlen(request));
        read_exactly(server, in, request_in);
        write_all(server, reply, strlen(reply));
        read_exactly(client, in, reply_in);
        if (i >= 100) samples[i - 100] = (now() - start) * 1e6;
    }
    qsort(samples, (size_t)count, sizeof(double), compare);
    double median = samples[count / 2];
    free(samples);
    close(client);
    close(server);
    return median;
}

int main(int argc, char **argv) {
    if (argc != 5) {
        fprintf(stderr, "usage: floor nats://HOST:PORT SMALL_COUNT LARGE_COUNT REQUESTS\n");
        return 2;
    }
    char host[64];
    int port;
    if (sscanf(argv[1], "nats://%63[^:]:%d", host, &port) != 2) {
        fprintf(stderr, "floor: expected nats://HOST:PORT, got %s\n", argv[1]);
        return 2;
    }
    double small = pubsub(host, port, atol(argv[2]), 16);
    double large = pubsub(host, port, atol(argv[3]), 1024);
    double rtt = round_trip(host, port, atoi(argv[4]));
    printf("{\"small\":%.1f,\"large\":%.1f,\"rtt_us\":%.2f}\n", small, large, rtt);
    return 0;
}
