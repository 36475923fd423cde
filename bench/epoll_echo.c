/* epoll_echo: the benchmark's upper bound, an echo server in plain C on epoll.
 *   epoll_echo [PORT]     (0, the default, picks a free port)
 * Prints "listening on 127.0.0.1:PORT" first. Level-triggered epoll, TCP_NODELAY, one 64 KiB
 * buffer per connection for what the client has not yet taken back. */
#define _GNU_SOURCE /* accept4 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#define BUFFER_SIZE 65536

struct conn {
    int fd;
    size_t start, end; /* bytes [start, end) of data still to send back */
    char data[BUFFER_SIZE];
};

static void watch(int ep, int op, struct conn *c, unsigned events) {
    struct epoll_event ev;
    memset(&ev, 0, sizeof ev);
    ev.events = events;
    ev.data.ptr = c;
    epoll_ctl(ep, op, c->fd, &ev);
}

static void drop(struct conn *c) {
    close(c->fd);
    free(c);
}

int main(int argc, char **argv) {
    struct sockaddr_in where;
    struct epoll_event events[256];
    struct conn listener;
    socklen_t len = sizeof where;
    int on = 1, ep;
    listener.fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    memset(&where, 0, sizeof where);
    where.sin_family = AF_INET;
    where.sin_port = htons((unsigned short)(argc > 1 ? atoi(argv[1]) : 0));
    where.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    setsockopt(listener.fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    if (bind(listener.fd, (struct sockaddr *)&where, sizeof where) < 0 || listen(listener.fd, 1024) < 0) {
        perror("epoll_echo");
        return 1;
    }
    getsockname(listener.fd, (struct sockaddr *)&where, &len);
    printf("listening on 127.0.0.1:%u\n", (unsigned)ntohs(where.sin_port));
    fflush(stdout);
    ep = epoll_create1(EPOLL_CLOEXEC);
    watch(ep, EPOLL_CTL_ADD, &listener, EPOLLIN);
    for (;;) {
        int n = epoll_wait(ep, events, 256, -1), i;
        if (n < 0 && errno != EINTR) return 1;
        for (i = 0; i < n; ++i) {
            struct conn *c = events[i].data.ptr;
            if (c == &listener) {
                int fd = accept4(listener.fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
                if (fd < 0) continue;
                setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
                c = malloc(sizeof *c);
                if (!c) {
                    close(fd);
                    continue;
                }
                c->fd = fd;
                c->start = c->end = 0;
                watch(ep, EPOLL_CTL_ADD, c, EPOLLIN);
                continue;
            }
            if (c->start == c->end) { /* nothing pending: read, then try to send it all back */
                ssize_t got = recv(c->fd, c->data, BUFFER_SIZE, 0);
                if (got == 0 || (got < 0 && errno != EAGAIN)) {
                    drop(c);
                    continue;
                }
                if (got < 0) continue;
                c->start = 0;
                c->end = (size_t)got;
            }
            while (c->start < c->end) {
                ssize_t sent = send(c->fd, c->data + c->start, c->end - c->start, MSG_NOSIGNAL);
                if (sent < 0) break;
                c->start += (size_t)sent;
            }
            if (c->start < c->end && errno != EAGAIN) {
                drop(c);
                continue;
            }
            /* Pending bytes: wait for room and stop reading; none: back to reading. */
            watch(ep, EPOLL_CTL_MOD, c, c->start < c->end ? EPOLLOUT : EPOLLIN);
        }
    }
}
