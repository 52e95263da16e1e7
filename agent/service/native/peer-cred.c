/* The agent's local socket is open to every local user; what a peer may do depends on who it is.
 * Node has no SO_PEERCRED, so the agent hands each accepted connection to this mode as stdin and
 * reads one JSON line: the kernel's record of the peer (pid, uid, gid at connect time, translated
 * into our user namespace). Nothing is read from or written to the socket itself. The account name
 * is the agent's to look up (`getent passwd`, with the system's NSS: files, LDAP, sssd): the
 * packaged helper is static (Makefile, DLP_STATIC) and a static glibc cannot load NSS modules. */
#define _GNU_SOURCE
#include "peer-cred.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "output.h"

static void print_line(struct json *j) {
    if (json_end(j) == 0) fwrite(j->text, 1, j->len, stdout);
    json_free(j);
}

int run_peer_cred_mode(void) {
    struct ucred cred;
    socklen_t len = sizeof cred;
    struct json j;
    json_begin(&j);
    json_string(&j, "type", "peer");
    if (getsockopt(STDIN_FILENO, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0 || len != sizeof cred) {
        json_u64(&j, "ok", 0);
        json_string(&j, "message", strerror(errno));
        print_line(&j);
        return 1;
    }
    json_u64(&j, "ok", 1);
    json_i64(&j, "pid", cred.pid);
    json_u64(&j, "uid", cred.uid);
    json_u64(&j, "gid", cred.gid);
    print_line(&j);
    return 0;
}
