/* libevent_echo: a plain libevent echo server, the benchmark's peer.
 *   libevent_echo [PORT]     (0, the default, picks a free port)
 * Prints "listening on 127.0.0.1:PORT" first. A bufferevent per connection: what arrives in
 * its input buffer moves to its output buffer. TCP_NODELAY on, as in the course's server. */
#include <arpa/inet.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

static void on_read(struct bufferevent *bev, void *ctx) {
    (void)ctx;
    evbuffer_add_buffer(bufferevent_get_output(bev), bufferevent_get_input(bev));
}

static void on_event(struct bufferevent *bev, short what, void *ctx) {
    (void)ctx;
    if (what & (BEV_EVENT_EOF | BEV_EVENT_ERROR)) bufferevent_free(bev);
}

static void on_accept(struct evconnlistener *listener, evutil_socket_t fd, struct sockaddr *peer, int len,
                      void *ctx) {
    int on = 1;
    struct bufferevent *bev =
        bufferevent_socket_new(evconnlistener_get_base(listener), fd, BEV_OPT_CLOSE_ON_FREE);
    (void)peer;
    (void)len;
    (void)ctx;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
    bufferevent_setcb(bev, on_read, NULL, on_event, NULL);
    bufferevent_enable(bev, EV_READ | EV_WRITE);
}

int main(int argc, char **argv) {
    struct sockaddr_in where;
    socklen_t len = sizeof where;
    struct event_base *base;
    struct evconnlistener *listener;
    signal(SIGPIPE, SIG_IGN); /* a client gone with echo unsent: an error to handle, not a death */
    base = event_base_new();
    memset(&where, 0, sizeof where);
    where.sin_family = AF_INET;
    where.sin_port = htons((unsigned short)(argc > 1 ? atoi(argv[1]) : 0));
    where.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    listener = evconnlistener_new_bind(base, on_accept, NULL, LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE, 1024,
                                       (struct sockaddr *)&where, sizeof where);
    if (!listener) {
        perror("libevent_echo");
        return 1;
    }
    getsockname(evconnlistener_get_fd(listener), (struct sockaddr *)&where, &len);
    printf("listening on 127.0.0.1:%u\n", (unsigned)ntohs(where.sin_port));
    fflush(stdout);
    event_base_dispatch(base);
    return 0;
}
