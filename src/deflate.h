// deflate.h - cairo's Flate streams compressed by libdeflate (issue 15).
//
// cairo 1.16 compresses every PDF stream it writes (page contents, font subsets, CMaps, images
// without JPEG data) through zlib's deflateInit(), deflate() and deflateEnd() at zlib's default
// level, and offers no setting for it.  A split file's font subset (27 KB of glyphs) took 0.88 ms
// of zlib's time, a quarter of an electronic certificate's.  deflate.c defines those three zlib
// functions for the program: a stream begun at zlib's default level on a thread between
// sc_deflate_begin() and sc_deflate_end() is gathered whole and compressed in one call by
// libdeflate at the same level (the same subset: 0.35 ms, and a few bytes smaller); it is a zlib
// stream as any other to its reader.  Every other stream (libpng's, another level, another
// thread's) is zlib's, unchanged.  A small stream whose bytes were compressed lately is copied
// from that time (deflate.c: REPEAT_MAX).
#ifndef SC_DEFLATE_H
#define SC_DEFLATE_H

// Streams begun from now on, on this thread, at zlib's default level, are compressed by
// libdeflate.  Calls nest.
void sc_deflate_begin(void);

// The end of the last sc_deflate_begin() on this thread.
void sc_deflate_end(void);

// A share: the streams of one reference page kept, and later streams that repeat a long run of
// one of them at the same place (split files' font subsets: the glyphs of the template's fixed
// text) made with that run's blocks compressed once (deflate.c says how).  A stream's bytes
// depend only on its own and the reference's: the same page comes out the same whichever thread
// makes it.  Threads wait for the reference before using it (sc_deflate_share_done()).
typedef struct sc_deflate_share sc_deflate_share;

sc_deflate_share *sc_deflate_share_new(void);
void sc_deflate_share_free(sc_deflate_share *share);

// This thread's streams use SHARE (NULL: none) from now on.
void sc_deflate_share_use(sc_deflate_share *share);

// This thread's streams from now on are SHARE's reference, until sc_deflate_share_done().
void sc_deflate_share_record(sc_deflate_share *share);

// SHARE's reference is complete (or will never be: then it has none); the threads waiting for
// it go on.  Idempotent; SHARE may be NULL.
void sc_deflate_share_done(sc_deflate_share *share);

#endif
