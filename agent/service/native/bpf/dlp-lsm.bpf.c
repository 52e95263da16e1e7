// SPDX-License-Identifier: GPL-2.0
/* The helper's second kernel mechanism, where the host runs the BPF LSM (issue 12): hooks that see
 * what fanotify cannot, in every namespace.
 *
 * fanotify judges content but only on the file systems the helper could mark; it has no event for
 * an exec from the kernel's internal mounts (memfd), for a file system created in a user namespace
 * before the scanner marks it, for a user's FUSE mount root may not mark, or for a process mapping
 * a file as code itself. These hooks answer synchronously from maps the helper fills and never wait
 * for user space:
 *   - exec of a file on an internal kernel mount (memfd, SysV shm): refused;
 *   - exec, or a mapping as code, of a file on a file system the helper has not marked, when that
 *     file system was created in a user namespace or is FUSE: refused until it is marked, after
 *     which fanotify judges it by content (which file systems are marked is learnt here, from the
 *     helper's own fanotify_mark calls through the path_notify hook, keyed by the superblock);
 *   - a mapping as code (mmap/mprotect with PROT_EXEC) of a file the helper has already refused by
 *     its content or rule (known-blocked map, keyed by device and inode, checked against ctime so
 *     a rewritten file is judged again): refused, whoever maps it (a loader written in Python).
 * Every refusal (or would-refuse, in monitor mode) goes to the helper on a ring buffer. */
#include "vmlinux.h"
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "dlp-lsm.h"

char LICENSE[] SEC("license") = "GPL";

#define EPERM 1
#define PROT_EXEC 0x4
#define SB_KERNMOUNT (1UL << 22)
#define FUSE_SUPER_MAGIC 0x65735546

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, 1);
    __type(key, __u32);
    __type(value, struct dlp_lsm_config);
} dlp_config SEC(".maps");

/* Superblocks the helper has marked: super_block address → s_dev (checked too, against a reused address). */
struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __uint(max_entries, LSM_MAX_MARKED);
    __type(key, __u64);
    __type(value, __u32);
} dlp_marked SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __uint(max_entries, LSM_MAX_KNOWN_BLOCKED);
    __type(key, struct dlp_lsm_inode_key);
    __type(value, struct dlp_lsm_known_blocked);
} dlp_known_blocked SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_RINGBUF);
    __uint(max_entries, 256 * 1024);
} dlp_events SEC(".maps");

/* Reports the ring buffer had no room for (the helper reads this into its stats). */
struct {
    __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
    __uint(max_entries, 1);
    __type(key, __u32);
    __type(value, __u64);
} dlp_dropped SEC(".maps");

/* Kernels before 6.11 kept ctime as a timespec64 (`__i_ctime` from 6.6, `i_ctime` before). */
struct inode___timespec_ctime {
    struct timespec64 __i_ctime;
} __attribute__((preserve_access_index));
struct inode___plain_ctime {
    struct timespec64 i_ctime;
} __attribute__((preserve_access_index));

static __always_inline void inode_ctime(struct inode *inode, __s64 *sec, __u32 *nsec) {
    if (bpf_core_field_exists(inode->i_ctime_sec)) {
        *sec = BPF_CORE_READ(inode, i_ctime_sec);
        *nsec = BPF_CORE_READ(inode, i_ctime_nsec);
    } else if (bpf_core_field_exists(((struct inode___timespec_ctime *)inode)->__i_ctime)) {
        struct inode___timespec_ctime *old = (void *)inode;
        *sec = BPF_CORE_READ(old, __i_ctime.tv_sec);
        *nsec = (__u32)BPF_CORE_READ(old, __i_ctime.tv_nsec);
    } else {
        struct inode___plain_ctime *old = (void *)inode;
        *sec = BPF_CORE_READ(old, i_ctime.tv_sec);
        *nsec = (__u32)BPF_CORE_READ(old, i_ctime.tv_nsec);
    }
}

static __always_inline struct dlp_lsm_config *active_config(void) {
    __u32 zero = 0;
    struct dlp_lsm_config *cfg = bpf_map_lookup_elem(&dlp_config, &zero);
    if (!cfg || !cfg->active) return 0;
    /* The helper's own work (hashing, marking) is never judged here. */
    if ((__u32)(bpf_get_current_pid_tgid() >> 32) == cfg->helper_tgid) return 0;
    return cfg;
}

static __always_inline int is_marked(struct super_block *sb) {
    __u64 key = (__u64)sb;
    __u32 *dev = bpf_map_lookup_elem(&dlp_marked, &key);
    return dev && *dev == BPF_CORE_READ(sb, s_dev);
}

/* Why this file may not run as code here, or 0. */
static __always_inline __u32 judge(struct file *file, __u32 hook, __u32 *rule_slot) {
    struct inode *inode = BPF_CORE_READ(file, f_inode);
    struct super_block *sb = BPF_CORE_READ(inode, i_sb);
    if (!inode || !sb) return 0;
    /* memfd and SysV shm: files on the kernel's internal mounts, which nobody can mark, with no name
     * in any directory (an unhashed dentry). The rootfs of an initramfs is an internal mount too, but
     * its files have names. Only exec is refused: some runtimes (.NET, libffi) map memfd code they
     * wrote themselves, like anonymous JIT memory. */
    if (hook == LSM_HOOK_EXEC && (BPF_CORE_READ(sb, s_flags) & SB_KERNMOUNT) && !BPF_CORE_READ(file, f_path.dentry, d_hash.pprev))
        return LSM_REASON_ANONYMOUS;
    if (!is_marked(sb)) {
        if (BPF_CORE_READ(sb, s_user_ns, level) > 0) return LSM_REASON_USERNS_FILESYSTEM;
        if (BPF_CORE_READ(sb, s_magic) == FUSE_SUPER_MAGIC) return LSM_REASON_UNMARKED_FUSE;
    }
    struct dlp_lsm_inode_key key = {.dev = BPF_CORE_READ(sb, s_dev), .ino = BPF_CORE_READ(inode, i_ino)};
    struct dlp_lsm_known_blocked *known = bpf_map_lookup_elem(&dlp_known_blocked, &key);
    if (known) {
        __s64 sec;
        __u32 nsec;
        inode_ctime(inode, &sec, &nsec);
        if (known->ctime_sec == sec && known->ctime_nsec == nsec) {
            *rule_slot = known->rule_slot;
            return LSM_REASON_KNOWN_BLOCKED;
        }
    }
    return 0;
}

static __always_inline int refuse_or_report(struct dlp_lsm_config *cfg, struct file *file, __u32 hook, __u32 reason,
                                            __u32 rule_slot, const char *exec_name) {
    struct dlp_lsm_event *event = bpf_ringbuf_reserve(&dlp_events, sizeof(*event), 0);
    if (event) {
        __u64 pid_tgid = bpf_get_current_pid_tgid();
        struct inode *inode = BPF_CORE_READ(file, f_inode);
        struct super_block *sb = BPF_CORE_READ(inode, i_sb);
        event->tgid = (__u32)(pid_tgid >> 32);
        event->uid = (__u32)bpf_get_current_uid_gid();
        event->reason = reason;
        event->hook = hook;
        event->denied = cfg->enforce;
        event->rule_slot = rule_slot;
        event->dev = BPF_CORE_READ(sb, s_dev);
        event->ino = BPF_CORE_READ(inode, i_ino);
        bpf_get_current_comm(event->comm, sizeof(event->comm));
        const char *fstype = BPF_CORE_READ(sb, s_type, name);
        bpf_probe_read_kernel_str(event->fstype, sizeof(event->fstype), fstype);
        if (exec_name) {
            bpf_probe_read_kernel_str(event->name, sizeof(event->name), exec_name);
        } else {
            const unsigned char *name = BPF_CORE_READ(file, f_path.dentry, d_name.name);
            bpf_probe_read_kernel_str(event->name, sizeof(event->name), name);
        }
        bpf_ringbuf_submit(event, 0);
    } else {
        __u32 zero = 0;
        __u64 *count = bpf_map_lookup_elem(&dlp_dropped, &zero);
        if (count) *count += 1;
    }
    return cfg->enforce ? -EPERM : 0;
}

SEC("lsm/bprm_check_security")
int BPF_PROG(dlp_exec, struct linux_binprm *bprm, int ret) {
    if (ret) return ret;
    struct dlp_lsm_config *cfg = active_config();
    if (!cfg) return 0;
    struct file *file = BPF_CORE_READ(bprm, file);
    __u32 rule_slot = 0;
    __u32 reason = file ? judge(file, LSM_HOOK_EXEC, &rule_slot) : 0;
    return reason ? refuse_or_report(cfg, file, LSM_HOOK_EXEC, reason, rule_slot, BPF_CORE_READ(bprm, filename)) : 0;
}

SEC("lsm/mmap_file")
int BPF_PROG(dlp_mmap, struct file *file, unsigned long reqprot, unsigned long prot, unsigned long flags, int ret) {
    if (ret) return ret;
    if (!file || !(prot & PROT_EXEC)) return 0;
    struct dlp_lsm_config *cfg = active_config();
    if (!cfg) return 0;
    __u32 rule_slot = 0;
    __u32 reason = judge(file, LSM_HOOK_MMAP, &rule_slot);
    return reason ? refuse_or_report(cfg, file, LSM_HOOK_MMAP, reason, rule_slot, 0) : 0;
}

SEC("lsm/file_mprotect")
int BPF_PROG(dlp_mprotect, struct vm_area_struct *vma, unsigned long reqprot, unsigned long prot, int ret) {
    if (ret) return ret;
    if (!(prot & PROT_EXEC)) return 0;
    struct file *file = BPF_CORE_READ(vma, vm_file);
    if (!file) return 0;
    struct dlp_lsm_config *cfg = active_config();
    if (!cfg) return 0;
    __u32 rule_slot = 0;
    __u32 reason = judge(file, LSM_HOOK_MPROTECT, &rule_slot);
    return reason ? refuse_or_report(cfg, file, LSM_HOOK_MPROTECT, reason, rule_slot, 0) : 0;
}

/* The helper's fanotify_mark(FAN_MARK_FILESYSTEM) of a file system: from now on fanotify judges it. */
SEC("lsm/path_notify")
int BPF_PROG(dlp_path_notify, const struct path *path, __u64 mask, unsigned int obj_type, int ret) {
    if (ret) return ret;
    __u32 zero = 0;
    struct dlp_lsm_config *cfg = bpf_map_lookup_elem(&dlp_config, &zero);
    if (!cfg || (__u32)(bpf_get_current_pid_tgid() >> 32) != cfg->helper_tgid) return 0;
    if (obj_type != bpf_core_enum_value(enum fsnotify_obj_type, FSNOTIFY_OBJ_TYPE_SB)) return 0;
    struct super_block *sb = BPF_CORE_READ(path, dentry, d_sb);
    if (!sb) return 0;
    __u64 key = (__u64)sb;
    __u32 dev = BPF_CORE_READ(sb, s_dev);
    bpf_map_update_elem(&dlp_marked, &key, &dev, BPF_ANY);
    return 0;
}

/* A superblock going away: a new one may get its address. */
SEC("lsm/sb_free_security")
int BPF_PROG(dlp_sb_free, struct super_block *sb) {
    __u64 key = (__u64)sb;
    bpf_map_delete_elem(&dlp_marked, &key);
    return 0;
}
