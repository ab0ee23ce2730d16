// STDIN: the quick brown fox
// Reads stdin to EOF in small reads, then prints the byte count and the text uppercased.
#include <ctype.h>
#include <stdio.h>
#include <unistd.h>

int main(void)
{
    char buf[4096];
    size_t len = 0;
    ssize_t n;
    while (len < sizeof buf && (n = read(0, buf + len, 5)) > 0)
        len += (size_t)n;
    if (n < 0) {
        perror("read");
        return 1;
    }
    printf("bytes=%zu\n", len);
    for (size_t i = 0; i < len; i++)
        putchar(toupper((unsigned char)buf[i]));
    return 0;
}
