/* PAL terminal queries.  Only fixed, read-only ioctls: the guest never picks
 * an ioctl request or argument the host kernel would act on. */
#include <asm/termbits.h>   /* the kernel's struct termios (36 bytes), which TCGETS writes */
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>
#include "calls.h"
#include "core/pal_server.h"
#include "kvm/guest_mem.h"
#include "hypercall.h"

static int64_t hc_tty(struct vm *vm, int fd, const uint64_t a[6])
{
    switch (a[1]) {
    case HC_TTY_TCGETS: {
        struct termios t;
        if (ioctl(fd, TCGETS, &t))
            return -errno;
        return gva_write(vm, a[2], &t, sizeof t);
    }
    case HC_TTY_WINSZ: {
        struct winsize w;
        if (ioctl(fd, TIOCGWINSZ, &w))
            return -errno;
        return gva_write(vm, a[2], &w, sizeof w);
    }
    case HC_TTY_ISATTY: {
        struct termios t;
        return ioctl(fd, TCGETS, &t) == 0;
    }
    default:
        return -EINVAL;
    }
}

void pal_tty_setup(void)
{
    pal_register_fd(HC_TTY, hc_tty);
}
