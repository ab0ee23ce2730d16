// sendfile: a file to a file and to a pipe, from the file's position (which
// moves) or from an offset (which moves instead of the position), at the
// end of the file, and Linux's errors for descriptors that cannot take part.
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdlib.h>
#include <sys/sendfile.h>
#include <unistd.h>

#include "check.h"
#include "scratch.h"

static int same(int fd, const char *want, size_t len)
{
    char buf[256];
    return pread(fd, buf, sizeof buf, 0) == (ssize_t)len && !memcmp(buf, want, len);
}

int main(void)
{
    char dir[PATH_MAX], src[PATH_MAX], dst[PATH_MAX];
    static const char text[] = "0123456789abcdefghij";
    scratch_dir(dir, "T_RW", "t_sendfile.d");
    int in = open(path_join(src, dir, "in"), O_RDWR | O_CREAT | O_TRUNC, 0644);
    int out = open(path_join(dst, dir, "out"), O_RDWR | O_CREAT | O_TRUNC, 0644);
    CHECK("setup", in >= 0 && out >= 0 && write(in, text, 20) == 20 && lseek(in, 0, SEEK_SET) == 0);

    CHECK("from-position", sendfile(out, in, NULL, 8) == 8 && lseek(in, 0, SEEK_CUR) == 8);
    off_t off = 15;
    CHECK("from-offset", sendfile(out, in, &off, 100) == 5 && off == 20 && lseek(in, 0, SEEK_CUR) == 8);
    CHECK("out-file-holds", same(out, "01234567fghij", 13));
    off = 20;
    CHECK("at-end-zero", sendfile(out, in, &off, 10) == 0 && off == 20);

    int p[2];
    char buf[16];
    CHECK("to-pipe", pipe(p) == 0 && sendfile(p[1], in, NULL, 4) == 4 && read(p[0], buf, 16) == 4 &&
                     !memcmp(buf, "89ab", 4));
    CHECK("bad-in-ebadf", FAILS_WITH(sendfile(out, 999, NULL, 4), EBADF));
    CHECK("bad-out-ebadf", FAILS_WITH(sendfile(999, in, NULL, 4), EBADF));
    int ro = open(src, O_RDONLY);
    CHECK("out-read-only-ebadf", FAILS_WITH(sendfile(ro, in, NULL, 4), EBADF));
    int wo = open(dst, O_WRONLY);
    CHECK("in-write-only-ebadf", FAILS_WITH(sendfile(out, wo, NULL, 4), EBADF));
    off = -1;
    CHECK("negative-offset-einval", FAILS_WITH(sendfile(out, in, &off, 4), EINVAL));
    CHECK("bad-offset-pointer-efault", FAILS_WITH(sendfile(out, in, (off_t *)8, 4), EFAULT));
    close(ro);
    close(wo);
    close(p[0]);
    close(p[1]);
    close(in);
    close(out);
    remove_tree(dir);
    return check_exit_status();
}
