/* What the PAL tells the library OS at its start (pal_state), made from the
 * monitor's boot-info page, and kept true across a fork. */
#include "pal_kvm.h"
#include "layout.h"

const struct pal_public_state *pal_state;
const struct bootinfo *pal_bootinfo;
static struct pal_public_state state;

/* The library OS's view of the boot-info page.  Its pointers are guest
 * addresses, which are the library OS's addresses too (VA == PA). */
void pal_state_init(const struct bootinfo *bi)
{
    pal_bootinfo = bi;
    state = (struct pal_public_state){
        .log_level = (int)bi->log_level,
        .entrypoint = (const char *)bi->entrypoint,
        .argv = (char *const *)bi->argv,
        .envp = (char *const *)bi->envp,
        .start_dir = (const char *)bi->start_dir,
        .stack_size = bi->stack_size,
        .brk_max_size = bi->brk_max_size,
        .umask = (unsigned int)bi->umask,
        .aslr = bi->aslr != 0,
        .end_with_first = bi->end_with_first != 0,
        .first_pid = (int)bi->first_pid,
        .host_uid = (unsigned int)bi->host_uid,
        .host_gid = (unsigned int)bi->host_gid,
        .ram_size = bi->ram_size,
        .shared_size = bi->shared_size,
        .image_start = GPA_IMAGE,
        .image_end = GPA_IMAGE_LIMIT,
        .boot_realtime_ns = bi->boot_realtime_ns,
        .boot_monotonic_ns = bi->boot_monotonic_ns,
        .tsc_khz = bi->tsc_khz,
    };
    /* The monitor's page is only read: a release without its NUL is cut. */
    memcpy(state.host_release, bi->host_release, sizeof(state.host_release) - 1);
    for (unsigned long long i = 0; i < bi->nmounts && i < PAL_MAX_MOUNTS; i++) {
        const struct bootinfo_mount *m = &bi->mounts[i];
        state.mounts[state.nmounts++] = (struct pal_mount){
            .path = (const char *)m->guest_path, .uri = (const char *)m->host_uri,
            .type = m->type == MOUNT_CHROOT ? PAL_MOUNT_HOST : m->type == MOUNT_TMPFS ? PAL_MOUNT_TMPFS : 0,
            .writable = (int)m->writable };
    }
    pal_state_after_fork();
    pal_state = &state;
}

void pal_state_after_fork(void)
{
    state.pid = pal_bootinfo->pid ? (int)pal_bootinfo->pid : 1;
    state.ppid = (int)pal_bootinfo->ppid;
}
