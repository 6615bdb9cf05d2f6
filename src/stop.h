// stop.h - stopping cleanly on SIGINT (Ctrl-C), SIGTERM and SIGHUP: the signals are taken by one
// thread, which raises a flag the batch reads between pages and before issuing, so a stopped run
// removes its temporaries and issues nothing.  A second signal ends the process at once (the
// next run into the same place removes the temporaries left).
#ifndef SC_STOP_H
#define SC_STOP_H

#include <glib.h>

// Block SIGINT, SIGTERM and SIGHUP in this thread and those it starts from now on, and start the
// thread that waits for them.  Returns the flag: 0 until a signal arrives, then its number.  Call
// once, before any other thread is started; the flag lives as long as the process.
const gint *sc_stop_watch(void);

#endif
