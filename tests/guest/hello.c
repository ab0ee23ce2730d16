// The smallest program: used by the demo and the benchmarks.
#include <stdio.h>

int main(void)
{
    puts("hello, world");
    return 0;
}
