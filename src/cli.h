// cli.h - the skillcert command line: subcommands, options, error reporting, exit statuses
// (DESIGN.md "Command line": 0 success, 1 bad input, 2 usage, 3 environment).
#ifndef SC_CLI_H
#define SC_CLI_H

// Run skillcert with ARGV; returns the exit status.  The only place that prints.
int sc_cli_main(int argc, char **argv);

#endif
