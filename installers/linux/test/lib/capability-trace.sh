# Which capabilities the agent's processes ask the kernel for, measured with the kernel's
# capability:cap_capable tracepoint (Linux 6.14 and later; callers skip the measurement elsewhere).
# Every task started under a given pid is traced (set_event_pid with event-fork); the report keeps
# the tasks descended from an exec of the packaged Node (the service, its threads, its helper and
# its short-lived children such as getent), so the container's systemd and journald do not count.
# A capability checked is not proof it is needed (some checks are probes whose refusal is harmless),
# and a capability not checked in this run may still be needed by a control this run did not use:
# the unit's CapabilityBoundingSet is argued per capability in installers/linux/README.md.
TRACEFS=/sys/kernel/tracing
CAP_TRACE_EVENTS="capability/cap_capable sched/sched_process_fork sched/sched_process_exec"

cap_trace_available() {
  [ -d "$TRACEFS/events/capability/cap_capable" ] || mount -t tracefs nodev "$TRACEFS" 2> /dev/null || true
  [ -d "$TRACEFS/events/capability/cap_capable" ]
}

# cap_trace_start PID: traces PID and every task it starts from now on.
cap_trace_start() {
  echo 0 > "$TRACEFS/tracing_on"
  : > "$TRACEFS/trace"
  echo 65536 > "$TRACEFS/buffer_size_kb"
  echo 1 > "$TRACEFS/options/event-fork"
  echo "$1" > "$TRACEFS/set_event_pid"
  for event in $CAP_TRACE_EVENTS; do echo 1 > "$TRACEFS/events/$event/enable"; done
  echo 1 > "$TRACEFS/tracing_on"
}

# cap_trace_stop FILE: stops tracing, writes what was recorded to FILE and puts tracefs back.
cap_trace_stop() {
  echo 0 > "$TRACEFS/tracing_on"
  cat "$TRACEFS/trace" > "$1"
  for event in $CAP_TRACE_EVENTS; do echo 0 > "$TRACEFS/events/$event/enable"; done
  : > "$TRACEFS/set_event_pid"
  echo 0 > "$TRACEFS/options/event-fork"
  : > "$TRACEFS/trace"
  echo 1408 > "$TRACEFS/buffer_size_kb"
  echo 1 > "$TRACEFS/tracing_on"
}

# cap_trace_report FILE EXEC_PATH: one line per capability the tasks descended from an exec of
# EXEC_PATH asked for: "CAP_NAME granted=N refused=M by=comm,comm".
cap_trace_report() {
  awk -v root="$2" '
    BEGIN {
      split("CHOWN DAC_OVERRIDE DAC_READ_SEARCH FOWNER FSETID KILL SETGID SETUID SETPCAP LINUX_IMMUTABLE NET_BIND_SERVICE NET_BROADCAST NET_ADMIN NET_RAW IPC_LOCK IPC_OWNER SYS_MODULE SYS_RAWIO SYS_CHROOT SYS_PTRACE SYS_PACCT SYS_ADMIN SYS_BOOT SYS_NICE SYS_RESOURCE SYS_TIME SYS_TTY_CONFIG MKNOD LEASE AUDIT_WRITE AUDIT_CONTROL SETFCAP MAC_OVERRIDE MAC_ADMIN SYSLOG WAKE_ALARM BLOCK_SUSPEND AUDIT_READ PERFMON BPF CHECKPOINT_RESTORE", names, " ")
    }
    /sched_process_exec:/ {
      match($0, /filename=[^ ]+/); file = substr($0, RSTART + 9, RLENGTH - 9)
      match($0, / pid=[0-9]+/); pid = substr($0, RSTART + 5, RLENGTH - 5)
      if (file == root) agent[pid] = 1
      next
    }
    /sched_process_fork:/ {
      match($0, / pid=[0-9]+/); parent = substr($0, RSTART + 5, RLENGTH - 5)
      match($0, /child_pid=[0-9]+/); child = substr($0, RSTART + 10, RLENGTH - 10)
      if (parent in agent) agent[child] = 1; else delete agent[child]
      next
    }
    /cap_capable:/ {
      if (!match($0, /-[0-9]+ +\[/)) next
      task = substr($0, 1, RSTART - 1); sub(/^ +/, "", task)
      pid = substr($0, RSTART + 1, RLENGTH - 1); sub(/ +\[$/, "", pid)
      if (!(pid in agent)) next
      if (!match($0, /cap [0-9]+, ret -?[0-9]+/)) next
      split(substr($0, RSTART, RLENGTH), f, /[ ,]+/)
      cap = "CAP_" names[f[2] + 1]
      if (f[4] == 0) granted[cap]++; else refused[cap]++
      seen[cap] = 1
      if (index("," by[cap] ",", "," task ",") == 0) by[cap] = by[cap] (by[cap] == "" ? "" : ",") task
    }
    END { for (cap in seen) printf "%s granted=%d refused=%d by=%s\n", cap, granted[cap], refused[cap], by[cap] }
  ' "$1" | sort
}
