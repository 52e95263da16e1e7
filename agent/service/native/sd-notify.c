/* systemd's notification protocol for the agent (Type=notify, WatchdogSec): Node has no Unix
 * datagram sockets, so the agent runs this mode for each message (READY=1, WATCHDOG=1,
 * STOPPING=1). One datagram with STATE goes to $NOTIFY_SOCKET (a path, or '@' for an abstract
 * socket), as sd_notify(3) describes the protocol.
 *
 * The datagram carries SCM_CREDENTIALS naming our parent, the agent, as the sender (as systemd's
 * own sd_pid_notify does): systemd finds the unit of a message by the sender's pid, and this short
 * process may be gone before systemd reads it; the agent is not, and it is the unit's main pid.
 * Naming another pid needs CAP_SYS_ADMIN; without it the message goes out as our own.
 * Prints one JSON line: {"type":"notified","pid":<the pid systemd sees>} or ok 0 with a message. */
#define _GNU_SOURCE
#include "sd-notify.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "output.h"

#define MAX_STATE_BYTES 1024

static int answer(int ok, pid_t pid, const char *message, int status) {
    struct json j;
    json_begin(&j);
    json_string(&j, "type", "notified");
    json_u64(&j, "ok", ok ? 1 : 0);
    if (ok) json_i64(&j, "pid", pid);
    else json_string(&j, "message", message);
    if (json_end(&j) == 0) fwrite(j.text, 1, j.len, stdout);
    json_free(&j);
    return status;
}

/* $NOTIFY_SOCKET as an address: "/path" or "@abstract". Returns the address length, or 0. */
static socklen_t notify_address(const char *target, struct sockaddr_un *addr) {
    size_t len = strlen(target);
    if ((target[0] != '/' && target[0] != '@') || len < 2 || len >= sizeof addr->sun_path) return 0;
    memset(addr, 0, sizeof *addr);
    addr->sun_family = AF_UNIX;
    memcpy(addr->sun_path, target, len);
    /* Abstract: a leading NUL, and the length says where the name ends (no trailing NUL). */
    if (target[0] == '@') addr->sun_path[0] = '\0';
    return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len + (target[0] == '/' ? 1 : 0));
}

static ssize_t send_state(int fd, struct sockaddr_un *addr, socklen_t addr_len, const char *state, const struct ucred *as) {
    struct iovec iov = {.iov_base = (void *)state, .iov_len = strlen(state)};
    union {
        struct cmsghdr align;
        char bytes[CMSG_SPACE(sizeof(struct ucred))];
    } control;
    memset(&control, 0, sizeof control);
    struct msghdr msg = {.msg_name = addr, .msg_namelen = addr_len, .msg_iov = &iov, .msg_iovlen = 1};
    if (as) {
        msg.msg_control = control.bytes;
        msg.msg_controllen = sizeof control.bytes;
        struct cmsghdr *cmsg = CMSG_FIRSTHDR(&msg);
        cmsg->cmsg_level = SOL_SOCKET;
        cmsg->cmsg_type = SCM_CREDENTIALS;
        cmsg->cmsg_len = CMSG_LEN(sizeof(struct ucred));
        memcpy(CMSG_DATA(cmsg), as, sizeof *as);
    }
    return sendmsg(fd, &msg, MSG_NOSIGNAL);
}

int run_sd_notify_mode(const char *state) {
    size_t state_len = strlen(state);
    if (state_len == 0 || state_len > MAX_STATE_BYTES || !strchr(state, '=')) return answer(0, 0, "STATE must be KEY=VALUE (at most 1024 bytes)", 2);
    const char *target = getenv("NOTIFY_SOCKET");
    if (!target || !target[0]) return answer(0, 0, "NOTIFY_SOCKET is not set (not started by systemd with Type=notify)", 3);
    struct sockaddr_un addr;
    socklen_t addr_len = notify_address(target, &addr);
    if (addr_len == 0) return answer(0, 0, "NOTIFY_SOCKET is not a Unix socket path or @abstract name", 3);
    int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return answer(0, 0, strerror(errno), 1);
    struct ucred agent = {.pid = getppid(), .uid = getuid(), .gid = getgid()};
    pid_t seen_as = agent.pid;
    ssize_t sent = send_state(fd, &addr, addr_len, state, &agent);
    if (sent < 0 && errno == EPERM) {
        seen_as = getpid();
        sent = send_state(fd, &addr, addr_len, state, NULL);
    }
    int send_errno = errno;
    close(fd);
    if (sent != (ssize_t)state_len) return answer(0, 0, sent < 0 ? strerror(send_errno) : "short send", 1);
    return answer(1, seen_as, NULL, 0);
}
