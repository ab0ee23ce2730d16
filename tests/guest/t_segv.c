// Dies of SIGSEGV on a NULL store: the harness expects exit status 128 + 11 = 139.
#include <stdio.h>

int main(void)
{
    volatile int *volatile p = NULL;   /* a real store the compiler cannot drop or turn into a trap */
    puts("about to fault");
    fflush(stdout);
    *p = 1;
    puts("still alive");
    return 0;
}
