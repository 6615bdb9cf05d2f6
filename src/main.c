// main.c - the skillcert program: hands the command line to cli.c.
#include "cli.h"

int
main(int argc, char **argv)
{
    return sc_cli_main(argc, argv);
}
