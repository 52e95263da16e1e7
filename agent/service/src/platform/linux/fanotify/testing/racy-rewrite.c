/* An employee's attempt on a file system with coarse timestamps (racy-rewrite.test.ts): write an
 * allowed program, run it, turn its last byte into the blocked version's, run it again, all within
 * one timestamp step, so the file keeps its (device, inode, ctime, size). Runs as nobody.
 *   racy-rewrite ALLOWED_FILE TARGET MARKER TRIES
 * Prints "allowed-ran N" for each allowed run and whatever the second run prints (MARKER if the
 * blocked content ran). Exit 0. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static int run(const char *file, const char *arg) {
    pid_t pid = fork();
    if (pid == 0) {
        char *args[] = {(char *)file, (char *)arg, NULL};
        execv(file, args);
        _exit(126); /* refused */
    }
    int status = 0;
    waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

int main(int argc, char **argv) {
    if (argc != 5) return 2;
    int source = open(argv[1], O_RDONLY);
    struct stat st;
    if (source < 0 || fstat(source, &st) != 0) return 2;
    char *content = malloc((size_t)st.st_size);
    if (!content || read(source, content, (size_t)st.st_size) != st.st_size) return 2;
    int tries = atoi(argv[4]), allowed = 0;
    for (int i = 0; i < tries; i++) {
        unlink(argv[2]);
        int fd = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC, 0755);
        if (fd < 0 || write(fd, content, (size_t)st.st_size) != st.st_size) return 2;
        close(fd);
        if (run(argv[2], "allowed-ran") == 0) allowed++;
        fd = open(argv[2], O_WRONLY);
        if (fd < 0 || pwrite(fd, "A", 1, st.st_size - 1) != 1) return 2;
        close(fd);
        fflush(stdout);
        run(argv[2], argv[3]);
    }
    printf("allowed runs: %d of %d\n", allowed, tries);
    return 0;
}
