// ARGS: 7
// Exits with the status given as argument, after output that stdio must flush at exit.
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
    int status = argc > 1 ? atoi(argv[1]) : 0;
    printf("exiting with %d\n", status);
    exit(status);
}
