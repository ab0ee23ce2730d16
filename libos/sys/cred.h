/* The ids the program runs as, inside the application only (cred.c): the
 * host user that runs picovm never changes. */
#ifndef PICOVM_LIBOS_CRED_H
#define PICOVM_LIBOS_CRED_H

#include "libos.h"

struct cred {
    unsigned int ruid, euid, suid, fsuid;
    unsigned int rgid, egid, sgid, fsgid;
};

const struct cred *cred(void);
/* Whether gid is the file-system gid or a supplementary group, for permission checks. */
bool cred_in_group(unsigned int gid);
/* access(2) checks with the real ids, as Linux does by overriding the
 * credentials for the call: cred_fs_real saves the fs ids into *saved and
 * puts the real ones in their place; cred_fs_restore puts them back. */
void cred_fs_real(struct cred *saved);
void cred_fs_restore(const struct cred *saved);

/* Capabilities (caps.c): whether the effective set holds cap (CAP_*); the
 * user ids changed from old, or a new program runs, and they follow as on
 * Linux; /proc/self/status's Cap* lines, as snprintf. */
bool cred_capable(int cap);
void cred_uids_changed(const struct cred *old);
void cred_exec(void);
int cred_status_text(char *buf, size_t size);
/* prctl's capability options: PR_CAPBSET_READ/DROP, PR_CAP_AMBIENT, PR_GET/SET_SECUREBITS. */
long cred_cap_prctl(int option, unsigned long arg2, unsigned long arg3, unsigned long arg4, unsigned long arg5);

#endif
