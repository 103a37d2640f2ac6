#ifdef __linux__
#define _GNU_SOURCE
#include "COneCallReactor.h"

#include <pthread.h>
#include <sys/socket.h>

static __thread void *current_loop;

int onecall_accept(int fd) { return accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC); }

void *onecall_current_loop(void) { return current_loop; }

void onecall_set_current_loop(void *loop) { current_loop = loop; }

void onecall_set_thread_name(const char *name) { pthread_setname_np(pthread_self(), name); }

int onecall_epoll_ctl(int epfd, int op, int fd, uint32_t events, uint64_t data) {
    struct epoll_event event = {0};
    event.events = events;
    event.data.u64 = data;
    return epoll_ctl(epfd, op, fd, &event);
}
#endif
