#ifndef HAVEN_CLIBPQ_SHIM_H
#define HAVEN_CLIBPQ_SHIM_H
#include <libpq-fe.h>
#ifdef __linux__
/* The readiness API PostgresClient's reactor drives libpq's non-blocking calls with. */
#include <sys/epoll.h>
#include <sys/eventfd.h>
#endif
#endif
