/* The employee's attempts, run inside the BPF LSM test VM (bpf-lsm.vm.test.ts) as nobody. Static,
 * so the guest needs no libraries. Each prints one line the test reads:
 *   attempts memfd-exec FILE      copy FILE into a memfd and exec it from there
 *   attempts map-code FILE        open FILE and map it PROT_EXEC (a loader of one's own)
 *   attempts userns-exec FILE     new user + mount namespace, a fresh tmpfs, copy FILE there, exec it at once
 *   attempts userns-exec-after MS FILE   the same, waiting MS milliseconds before the exec
 *   attempts userns-exec-retry MS FILE   the same, trying the exec every 250 ms until it runs, for at most MS
 *   attempts as-nobody CMD ...    drop to uid/gid 65534, then exec CMD
 *   attempts exec-loop N FILE     fork+exec FILE N times; prints "exec-loop median_us p99_us" (the bench) */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int copy_into(int out, const char *path) {
    int in = open(path, O_RDONLY);
    if (in < 0) return -1;
    char buffer[65536];
    ssize_t n;
    while ((n = read(in, buffer, sizeof(buffer))) > 0) {
        if (write(out, buffer, (size_t)n) != n) return -1;
    }
    close(in);
    return n < 0 ? -1 : 0;
}

static int memfd_exec(const char *path) {
    int fd = memfd_create("payload", 0);
    if (fd < 0 || copy_into(fd, path) != 0) {
        printf("memfd-exec setup failed: %s\n", strerror(errno));
        return 2;
    }
    char self[64];
    snprintf(self, sizeof(self), "/proc/self/fd/%d", fd);
    char *argv[] = {"payload", NULL};
    execv(self, argv);
    printf("memfd-exec refused: %s\n", strerror(errno));
    return 1;
}

static int map_code(const char *path) {
    int fd = open(path, O_RDONLY);
    if (fd < 0) {
        printf("map-code open failed: %s\n", strerror(errno));
        return 2;
    }
    void *code = mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE, fd, 0);
    if (code == MAP_FAILED) printf("map-code mmap refused: %s\n", strerror(errno));
    else printf("map-code mmap mapped as code\n");
    /* The mprotect route: a read-only mapping turned executable. */
    void *data = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, fd, 0);
    if (data == MAP_FAILED) printf("map-code read mapping failed: %s\n", strerror(errno));
    else if (mprotect(data, 4096, PROT_READ | PROT_EXEC) != 0) printf("map-code mprotect refused: %s\n", strerror(errno));
    else printf("map-code mprotect mapped as code\n");
    return 0;
}

static void write_file(const char *path, const char *text) {
    int fd = open(path, O_WRONLY);
    if (fd >= 0) {
        if (write(fd, text, strlen(text)) < 0) perror(path);
        close(fd);
    }
}

static int userns_exec(const char *path, unsigned wait_ms, unsigned retry_ms) {
    uid_t uid = getuid();
    gid_t gid = getgid();
    if (unshare(CLONE_NEWUSER | CLONE_NEWNS) != 0) {
        printf("userns-exec unshare failed: %s\n", strerror(errno));
        return 2;
    }
    char map[64];
    write_file("/proc/self/setgroups", "deny");
    snprintf(map, sizeof(map), "0 %u 1", (unsigned)uid);
    write_file("/proc/self/uid_map", map);
    snprintf(map, sizeof(map), "0 %u 1", (unsigned)gid);
    write_file("/proc/self/gid_map", map);
    if (mount("none", "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0 || mount("tmpfs", "/mnt", "tmpfs", 0, "mode=0755") != 0) {
        printf("userns-exec mount failed: %s\n", strerror(errno));
        return 2;
    }
    int out = open("/mnt/copy", O_WRONLY | O_CREAT | O_TRUNC, 0755);
    if (out < 0 || copy_into(out, path) != 0) {
        printf("userns-exec copy failed: %s\n", strerror(errno));
        return 2;
    }
    close(out);
    /* 0: at once, before any scanner can see the new file system; else give the helper's scanner time. */
    if (wait_ms) usleep(wait_ms * 1000u);
    char *argv[] = {"copy", NULL};
    if (retry_ms) {
        /* Until it runs (a refused exec is tried again every 250 ms), for at most retry_ms. */
        for (unsigned waited = 0;; waited += 250) {
            pid_t child = fork();
            if (child == 0) {
                execv("/mnt/copy", argv);
                _exit(errno == EPERM ? 101 : 102);
            }
            int status = 0;
            waitpid(child, &status, 0);
            if (!WIFEXITED(status) || WEXITSTATUS(status) != 101) return 0;
            if (waited >= retry_ms) break;
            usleep(250000);
        }
    } else {
        execv("/mnt/copy", argv);
    }
    printf("userns-exec refused: %s\n", strerror(errno));
    return 1;
}

static int compare_u64(const void *a, const void *b) {
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static uint64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int exec_loop(int count, const char *path) {
    uint64_t *samples = calloc((size_t)count, sizeof(*samples));
    if (!samples || count < 1) return 2;
    for (int i = 0; i < count; i++) {
        uint64_t start = now_ns();
        pid_t child = fork();
        if (child == 0) {
            char *argv[] = {(char *)path, NULL};
            execv(path, argv);
            _exit(127);
        }
        int status = 0;
        waitpid(child, &status, 0);
        samples[i] = now_ns() - start;
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
            printf("exec-loop failed: status %d\n", status);
            return 1;
        }
    }
    qsort(samples, (size_t)count, sizeof(*samples), compare_u64);
    printf("exec-loop %.1f %.1f\n", samples[count / 2] / 1000.0, samples[(count * 99) / 100] / 1000.0);
    return 0;
}

int main(int argc, char **argv) {
    setvbuf(stdout, NULL, _IONBF, 0);
    if (argc >= 3 && strcmp(argv[1], "memfd-exec") == 0) return memfd_exec(argv[2]);
    if (argc >= 4 && strcmp(argv[1], "exec-loop") == 0) return exec_loop(atoi(argv[2]), argv[3]);
    if (argc >= 3 && strcmp(argv[1], "map-code") == 0) return map_code(argv[2]);
    if (argc >= 3 && strcmp(argv[1], "userns-exec") == 0) return userns_exec(argv[2], 0, 0);
    if (argc >= 4 && strcmp(argv[1], "userns-exec-after") == 0) return userns_exec(argv[3], (unsigned)atoi(argv[2]), 0);
    if (argc >= 4 && strcmp(argv[1], "userns-exec-retry") == 0) return userns_exec(argv[3], 0, (unsigned)atoi(argv[2]));
    if (argc >= 3 && strcmp(argv[1], "as-nobody") == 0) {
        if (setgroups(0, NULL) != 0 || setgid(65534) != 0 || setuid(65534) != 0) {
            perror("as-nobody");
            return 2;
        }
        execv(argv[2], argv + 2);
        perror(argv[2]);
        return 2;
    }
    fprintf(stderr, "usage: attempts memfd-exec|map-code|userns-exec FILE | userns-exec-after|userns-exec-retry MS FILE | exec-loop N FILE | as-nobody CMD...\n");
    return 2;
}
