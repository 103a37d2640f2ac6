#ifndef C_ONECALL_REACTOR_H
#define C_ONECALL_REACTOR_H

// The few Linux calls that the broker's own reactor needs and that Swift's Glibc module does not
// export: epoll, eventfd, accept4, a thread-local "current loop" and thread names.

#ifdef __linux__
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>

/// accept4 with SOCK_NONBLOCK | SOCK_CLOEXEC.
int onecall_accept(int fd);

/// The loop running on this thread (set by the loop's thread), or NULL.
void *onecall_current_loop(void);
void onecall_set_current_loop(void *loop);

/// Names the calling thread (at most 15 characters are kept).
void onecall_set_thread_name(const char *name);

/// epoll_event's data as u64 (the struct is packed on x86_64).
static inline uint64_t onecall_epoll_data(const struct epoll_event *event) { return event->data.u64; }
static inline uint32_t onecall_epoll_events(const struct epoll_event *event) { return event->events; }
int onecall_epoll_ctl(int epfd, int op, int fd, uint32_t events, uint64_t data);
#endif

#endif
