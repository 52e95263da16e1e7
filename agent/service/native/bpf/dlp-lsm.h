/* Shared by the BPF program (dlp-lsm.bpf.c) and the helper (lsm-guard.c): map layouts and the
 * ring-buffer event. Plain fixed-width types only (both sides compile it). */
#ifndef DLP_LSM_H
#define DLP_LSM_H

#define LSM_MAX_MARKED 8192
#define LSM_MAX_KNOWN_BLOCKED 16384

enum dlp_lsm_hook { LSM_HOOK_EXEC = 1, LSM_HOOK_MMAP = 2, LSM_HOOK_MPROTECT = 3 };

enum dlp_lsm_reason {
    LSM_REASON_ANONYMOUS = 1,         /* exec of memfd / internal shm */
    LSM_REASON_USERNS_FILESYSTEM = 2, /* a file system created in a user namespace, not yet marked */
    LSM_REASON_UNMARKED_FUSE = 3,     /* a FUSE mount the helper could not mark */
    LSM_REASON_KNOWN_BLOCKED = 4,     /* content or a rule the helper already refused */
};

struct dlp_lsm_config {
    __u32 helper_tgid;
    __u32 active;  /* marks in force: judge */
    __u32 enforce; /* 0: monitor mode, report only */
    __u32 pad;
};

struct dlp_lsm_inode_key {
    __u64 dev; /* the kernel's dev_t: major << 20 | minor */
    __u64 ino;
};

struct dlp_lsm_known_blocked {
    __s64 ctime_sec;
    __u32 ctime_nsec;
    __u32 rule_slot; /* the helper's own index of the refusal (rule id and path) */
};

struct dlp_lsm_event {
    __u32 tgid, uid, reason, hook, denied, rule_slot;
    __u64 dev, ino;
    char comm[16];
    char fstype[16];
    char name[160];
};

#endif
