/* The backstop: a second watchdog for the helper, in a process of its own (see backstop.c). */
#ifndef DLP_BACKSTOP_H
#define DLP_BACKSTOP_H

/* The shared state file (little-endian 64-bit words), one per agent:
 *   0  heartbeat   CLOCK_MONOTONIC ns: written by the helper's decision loop, and by the agent
 *                  when it starts watching a new helper
 *   8  pid         the helper to watch (0: none): written by the agent, zeroed here before a kill
 *   16 limit       ns a heartbeat may be old before the helper counts as hung: written by the agent
 *   24 kills       helpers killed: written only here */
#define BACKSTOP_STATE_BYTES 32

/* Runs until the agent (our parent) is gone; returns the exit status. */
int run_backstop_mode(int state_fd, long check_ms);

#endif
