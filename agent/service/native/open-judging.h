/* Loader and script opens (FAN_OPEN_PERM). A file the dynamic loader run directly
 * (`ld-linux-x86-64.so.2 ./prog`) or a known interpreter (`sh x.sh`, `python3 x.py`) opens is
 * judged exactly like an exec of it; every other process's open is allowed at once, without a
 * hash. Processes are classified by their executable (/proc/PID/exe: one stat per event, then a
 * table keyed by the executable's device and inode, so a pid reused or an execve is never misread). */
#ifndef DLP_OPEN_JUDGING_H
#define DLP_OPEN_JUDGING_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define OPEN_MAX_INTERPRETERS 256
#define OPEN_CLASS_SLOTS 1024
#define OPEN_RECENT_EXECS 64

enum opener_class { OPENER_OTHER = 0, OPENER_LOADER, OPENER_INTERPRETER };

struct known_interpreter {
    uint64_t device, inode;
    char path[128];
};

struct class_slot {
    uint64_t device, inode; /* of the executable; 0/0: empty */
    enum opener_class kind;
    char path[128];
};

/* An exec raises FAN_OPEN_EXEC_PERM and then, once allowed, FAN_OPEN_PERM for the same open: the
 * second is the same exec (already judged), not a script read by the old program image. */
struct recent_exec {
    pid_t pid;
    uint64_t device, inode;
};

struct open_judging {
    int enabled; /* JUDGE_OPENS received: marks carry FAN_OPEN_PERM */
    struct known_interpreter interpreters[OPEN_MAX_INTERPRETERS];
    size_t interpreter_count;
    struct class_slot classes[OPEN_CLASS_SLOTS];
    struct recent_exec recent[OPEN_RECENT_EXECS];
    size_t recent_next;
};

struct guard;
struct fanotify_event_metadata;

/* `INTERPRETER <path>`: returns 0, or -1 with a reason. */
int open_judging_add_interpreter(struct open_judging *o, const char *path, char *error, size_t error_len);
/* Remembers an exec so its FAN_OPEN_PERM twin is allowed at once. */
struct stat;
void open_judging_note_exec(struct open_judging *o, pid_t pid, const struct stat *st);
/* Handles one FAN_OPEN_PERM event. */
void guard_handle_open(struct guard *g, const struct fanotify_event_metadata *meta);
/* Whether a file an interpreter opens looks like a script, for allowlist mode (see README). */
int looks_like_script(int fd, const char *path, mode_t mode);

#endif
