// Dies of SIGABRT: the harness expects exit status 128 + 6 = 134.
#include <stdio.h>
#include <stdlib.h>

int main(void)
{
    puts("about to abort");
    fflush(stdout);   /* abort() does not flush stdio */
    abort();
}
