/* The guest's own string and formatting routines (it never links a libc). */
#include "klib.h"

void *memcpy(void *dst, const void *src, size_t n)
{
    void *ret = dst;
    __asm__ volatile("rep movsb" : "+D"(dst), "+S"(src), "+c"(n) : : "memory");
    return ret;
}

void *memmove(void *dst, const void *src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;
    if (d <= s || d >= s + n)
        return memcpy(dst, src, n);
    while (n--)
        d[n] = s[n];
    return dst;
}

void *memset(void *dst, int c, size_t n)
{
    void *ret = dst;
    __asm__ volatile("rep stosb" : "+D"(dst), "+c"(n) : "a"(c) : "memory");
    return ret;
}

int memcmp(const void *a, const void *b, size_t n)
{
    const unsigned char *x = a, *y = b;
    for (size_t i = 0; i < n; i++)
        if (x[i] != y[i])
            return x[i] - y[i];
    return 0;
}

size_t strlen(const char *s)
{
    size_t n = 0;
    while (s[n])
        n++;
    return n;
}

size_t strnlen(const char *s, size_t max)
{
    size_t n = 0;
    while (n < max && s[n])
        n++;
    return n;
}

int strcmp(const char *a, const char *b)
{
    while (*a && *a == *b)
        a++, b++;
    return (unsigned char)*a - (unsigned char)*b;
}

int strncmp(const char *a, const char *b, size_t n)
{
    for (; n; n--, a++, b++) {
        if (*a != *b)
            return (unsigned char)*a - (unsigned char)*b;
        if (!*a)
            return 0;
    }
    return 0;
}

char *strchr(const char *s, int c)
{
    for (;; s++) {
        if (*s == (char)c)
            return (char *)s;
        if (!*s)
            return NULL;
    }
}

char *strrchr(const char *s, int c)
{
    const char *last = NULL;
    for (;; s++) {
        if (*s == (char)c)
            last = s;
        if (!*s)
            return (char *)last;
    }
}

size_t strlcpy(char *dst, const char *src, size_t size)
{
    size_t len = strlen(src);
    if (size) {
        size_t n = len < size - 1 ? len : size - 1;
        memcpy(dst, src, n);
        dst[n] = 0;
    }
    return len;
}

size_t strlcat(char *dst, const char *src, size_t size)
{
    size_t dlen = strnlen(dst, size);
    if (dlen == size)
        return size + strlen(src);
    return dlen + strlcpy(dst + dlen, src, size - dlen);
}

/* Output sink for vsnprintf: counts everything, stores what fits. */
struct sink {
    char *buf;
    size_t size, len;
};

static void put(struct sink *s, char c)
{
    if (s->len + 1 < s->size)
        s->buf[s->len] = c;
    s->len++;
}

static void put_padded(struct sink *s, const char *str, size_t n, int width, bool left, char pad)
{
    int fill = width > (int)n ? width - (int)n : 0;
    if (!left && pad == '0' && n && (*str == '-')) {
        put(s, *str++);
        n--;
    }
    if (!left)
        while (fill--)
            put(s, pad);
    while (n--)
        put(s, *str++);
    if (left)
        while (fill-- > 0)
            put(s, ' ');
}

static size_t format_number(char *out, unsigned long long v, unsigned base, bool upper, bool neg)
{
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char tmp[24];
    size_t n = 0, len = 0;
    do {
        tmp[n++] = digits[v % base];
        v /= base;
    } while (v);
    if (neg)
        out[len++] = '-';
    while (n)
        out[len++] = tmp[--n];
    return len;
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    struct sink s = { buf, size, 0 };
    for (; *fmt; fmt++) {
        if (*fmt != '%') {
            put(&s, *fmt);
            continue;
        }
        fmt++;
        bool left = false;
        char pad = ' ';
        for (;; fmt++) {
            if (*fmt == '-')
                left = true;
            else if (*fmt == '0')
                pad = '0';
            else
                break;
        }
        int width = 0, prec = -1;
        if (*fmt == '*') {
            width = va_arg(ap, int);
            fmt++;
        }
        while (*fmt >= '0' && *fmt <= '9')
            width = width * 10 + (*fmt++ - '0');
        if (*fmt == '.') {
            fmt++;
            prec = 0;
            if (*fmt == '*') {
                prec = va_arg(ap, int);
                fmt++;
            }
            while (*fmt >= '0' && *fmt <= '9')
                prec = prec * 10 + (*fmt++ - '0');
        }
        int lng = 0;
        while (*fmt == 'l' || *fmt == 'z' || *fmt == 'h') {
            if (*fmt != 'h')
                lng++;
            fmt++;
        }
        char num[32];
        unsigned long long u;
        switch (*fmt) {
        case 'd':
        case 'i': {
            long long v = lng ? va_arg(ap, long long) : va_arg(ap, int);
            u = v < 0 ? -(unsigned long long)v : (unsigned long long)v;
            put_padded(&s, num, format_number(num, u, 10, false, v < 0), width, left, pad);
            break;
        }
        case 'u':
        case 'x':
        case 'X':
        case 'o':
            u = lng ? va_arg(ap, unsigned long long) : va_arg(ap, unsigned int);
            put_padded(&s, num,
                       format_number(num, u, *fmt == 'u' ? 10 : *fmt == 'o' ? 8 : 16, *fmt == 'X', false),
                       width, left, pad);
            break;
        case 'p':
            u = (uintptr_t)va_arg(ap, void *);
            num[0] = '0';
            num[1] = 'x';
            put_padded(&s, num, 2 + format_number(num + 2, u, 16, false, false), width, left, ' ');
            break;
        case 'c':
            num[0] = (char)va_arg(ap, int);
            put_padded(&s, num, 1, width, left, ' ');
            break;
        case 's': {
            const char *str = va_arg(ap, const char *);
            if (!str)
                str = "(null)";
            put_padded(&s, str, prec >= 0 ? strnlen(str, prec) : strlen(str), width, left, ' ');
            break;
        }
        case '%':
            put(&s, '%');
            break;
        default:
            put(&s, '%');
            if (*fmt)
                put(&s, *fmt);
            else
                fmt--;
        }
    }
    if (size)
        buf[s.len < size ? s.len : size - 1] = 0;
    return (int)s.len;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}
