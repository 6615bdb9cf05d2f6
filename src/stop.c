// stop.c - stopping cleanly on SIGINT, SIGTERM and SIGHUP (see stop.h).
#include "stop.h"

#include <pthread.h>
#include <signal.h>
#include <unistd.h>

static void
stop_signals(sigset_t *set)
{
    sigemptyset(set);
    sigaddset(set, SIGINT);
    sigaddset(set, SIGTERM);
    sigaddset(set, SIGHUP);
}

// The watcher: the first signal raises the flag; a second one ends the process at once, as an
// impatient user expects.
static gpointer
watch(gpointer data)
{
    gint *flag = data;
    sigset_t set;
    stop_signals(&set);
    for (;;) {
        int signo = 0;
        if (sigwait(&set, &signo) != 0)
            continue;
        if (g_atomic_int_get(flag) != 0)
            _exit(128 + signo);
        g_atomic_int_set(flag, signo);
    }
    return NULL;
}

const gint *
sc_stop_watch(void)
{
    sigset_t set;
    stop_signals(&set);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    // Lives as long as the process, like the thread that writes it.
    gint *flag = g_new0(gint, 1);
    g_thread_unref(g_thread_new("skillcert-stop", watch, flag));
    return flag;
}
