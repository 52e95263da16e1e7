/* A FUSE server for kernel tests (built by fuse-fixture.ts; run as nobody): what a user can mount.
 *   /prog   content read from BACKING at every read, but stat fields that never change (size,
 *           mtime, ctime, inode), as a hostile server may report them
 *   /stall  the same content; every read sleeps STALL seconds first (a hung server)
 * usage: fuse-fixture BACKING STALL_SECONDS MOUNTPOINT [fuse options] */
#define FUSE_USE_VERSION 31
#include <errno.h>
#include <fcntl.h>
#include <fuse.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *backing;
static unsigned stall_seconds;
static off_t fixed_size;

static int fixture_getattr(const char *path, struct stat *st, struct fuse_file_info *fi) {
    (void)fi;
    memset(st, 0, sizeof(*st));
    if (strcmp(path, "/") == 0) {
        st->st_mode = S_IFDIR | 0755;
        st->st_nlink = 2;
        return 0;
    }
    if (strcmp(path, "/prog") != 0 && strcmp(path, "/stall") != 0) return -ENOENT;
    st->st_mode = S_IFREG | 0755;
    st->st_nlink = 1;
    st->st_ino = strcmp(path, "/prog") == 0 ? 1001 : 1002;
    st->st_uid = getuid();
    st->st_gid = getgid();
    st->st_size = fixed_size;
    st->st_mtim.tv_sec = st->st_ctim.tv_sec = st->st_atim.tv_sec = 1000000000;
    return 0;
}

static int fixture_readdir(const char *path, void *buf, fuse_fill_dir_t fill, off_t offset, struct fuse_file_info *fi,
                           enum fuse_readdir_flags flags) {
    (void)offset, (void)fi, (void)flags;
    if (strcmp(path, "/") != 0) return -ENOENT;
    fill(buf, ".", NULL, 0, 0);
    fill(buf, "..", NULL, 0, 0);
    fill(buf, "prog", NULL, 0, 0);
    fill(buf, "stall", NULL, 0, 0);
    return 0;
}

static int fixture_open(const char *path, struct fuse_file_info *fi) {
    if (strcmp(path, "/prog") != 0 && strcmp(path, "/stall") != 0) return -ENOENT;
    fi->keep_cache = 0; /* every open reads the backing file anew */
    return 0;
}

static int fixture_read(const char *path, char *buf, size_t size, off_t offset, struct fuse_file_info *fi) {
    (void)fi;
    if (strcmp(path, "/stall") == 0 && stall_seconds) sleep(stall_seconds);
    int fd = open(backing, O_RDONLY);
    if (fd < 0) return -errno;
    ssize_t got = pread(fd, buf, size, offset);
    close(fd);
    return got < 0 ? -errno : (int)got;
}

static void *fixture_init(struct fuse_conn_info *conn, struct fuse_config *config) {
    (void)conn;
    config->use_ino = 1;
    config->attr_timeout = 0;
    config->entry_timeout = 0;
    return NULL;
}

static const struct fuse_operations operations = {
    .init = fixture_init, .getattr = fixture_getattr, .readdir = fixture_readdir, .open = fixture_open, .read = fixture_read};

int main(int argc, char **argv) {
    if (argc < 4) return 2;
    backing = argv[1];
    stall_seconds = (unsigned)atoi(argv[2]);
    struct stat st;
    if (stat(backing, &st) != 0) return 2;
    fixed_size = st.st_size;
    /* fuse_main gets: program name, mount point, options (foreground, attributes never cached). */
    char *fuse_argv[16] = {argv[0], argv[3], "-f"};
    int fuse_argc = 3;
    for (int i = 4; i < argc && fuse_argc < 15; i++) fuse_argv[fuse_argc++] = argv[i];
    /* use_ino: the inode numbers above are what the kernel reports. */
    return fuse_main(fuse_argc, fuse_argv, &operations, NULL);
}
