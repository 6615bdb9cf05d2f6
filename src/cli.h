// cli.h - the skillcert command line: subcommands, options, error reporting, exit statuses
// (DESIGN.md "Command line": 0 success, 1 bad input, 2 usage, 3 environment).
#ifndef SC_CLI_H
#define SC_CLI_H

#include <glib.h>

// Run skillcert with ARGV; returns the exit status.  The only place that prints.
int sc_cli_main(int argc, char **argv);

// For the command files (cli.c, cli_ledger.c).

// Parse a subcommand's options; the remaining arguments stay in ARGV.  Returns 0, or the exit
// status to stop with (2 for usage, 0 after --help).  WANT_ARGS: how many arguments must remain
// (-1: any).  USAGE, SUMMARY and the entries' texts are untranslated (N_()): GOption translates
// them when it shows them.
int sc_cli_parse_options(const char *usage, const char *summary, GOptionEntry *entries, int *argc,
                         char ***argv, int want_args);

// Print ERROR ("skillcert: message") and free it; returns its exit status.
int sc_cli_report(GError *error);

// The subcommands (cli_job.c, cli_print.c, cli_ledger.c); each returns the exit status.
int sc_cli_render(int argc, char **argv);
int sc_cli_preview(int argc, char **argv);
int sc_cli_check(int argc, char **argv);
int sc_cli_calibrate(int argc, char **argv);
int sc_cli_number(int argc, char **argv);
int sc_cli_register(int argc, char **argv);
int sc_cli_void(int argc, char **argv);
int sc_cli_show(int argc, char **argv);
int sc_cli_report_cmd(int argc, char **argv);
int sc_cli_import(int argc, char **argv);
int sc_cli_spoil(int argc, char **argv);
int sc_cli_key(int argc, char **argv);    // cli_trust.c
int sc_cli_verify(int argc, char **argv); // cli_trust.c

#endif
