# shellcheck shell=bash
# local-cluster.d/process.sh — starting, checking and stopping the bed's long-running processes by pid file.

# Process bookkeeping: every long-running process is started with setsid, stdin from /dev/null and both output
# streams to its own log, so nothing keeps the caller's terminal or pipe open. Its pid goes to $RUN/NAME.pid.

pid_of() {
  local f=$RUN/$1.pid
  [[ -f $f ]] || return 1
  local pid
  pid=$(<"$f")
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  printf '%s' "$pid"
}

# running NAME: the pid file names a live process whose command line still matches (guards against pid reuse).
running() {
  local name=$1 pid expect
  pid=$(pid_of "$name") || return 1
  [[ -r /proc/$pid/cmdline ]] || return 1
  alive "$pid" || return 1
  if [[ $name == dns-watcher ]]; then
    tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q -- "cluster-dns-watcher.ts" || return 1
  elif [[ $name == hostpath-perms ]]; then
    tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q -- "local-cluster hostpath-perms" || return 1
  else
    expect=$(tr '\0' '\n' <"/proc/$pid/cmdline" | head -n 1)
    # dockerd-node2 and kubelet-node2 run dockerd and kubelet.
    [[ ${expect##*/} == "${name%-node2}" ]] || return 1
  fi
}

# same_cmdline NAME CMD...: the running NAME was started with exactly CMD (same binary, same flags).
same_cmdline() {
  local name=$1 pid want
  shift
  pid=$(pid_of "$name") || return 1
  want=$(printf '%s\n' "$@")
  [[ $(tr '\0' '\n' <"/proc/$pid/cmdline") == "$want" ]]
}

# start NAME CMD...: starts CMD in the background unless NAME already runs with the same command line; a NAME
# running with other flags (an older version of this script) is restarted, except dockerd (that would kill
# every pod). Clears stale pid files. LAUNCH_PREFIX (an array, if set) runs before CMD and must exec it, so the
# pid and the command line are CMD's (node 2's unshare/nsenter).
start() {
  local name=$1
  shift
  if running "$name"; then
    if [[ $name == dockerd* ]] || same_cmdline "$name" "$@"; then
      verbose "$name already running (pid $(pid_of "$name"))"
      return 0
    fi
    say "$name runs with other flags than this script's; restarting it"
    stop "$name"
  fi
  rm -f "$RUN/$name.pid"
  printf '\n===== %s starting %s =====\n' "$(date -u +%FT%TZ)" "$name" >>"$LOGS/$name.log"
  # fd 9 is the `up` lock: the daemons must not inherit (and so hold) it.
  setsid ${LAUNCH_PREFIX[@]+"${LAUNCH_PREFIX[@]}"} "$@" </dev/null >>"$LOGS/$name.log" 2>&1 9>&- &
  echo $! >"$RUN/$name.pid"
  verbose "started $name (pid $!)"
}

# alive PID: exists and is not a zombie waiting for its (re)parent to reap it.
alive() {
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  stat=${stat##*) }
  [[ ${stat%% *} != Z ]]
}

# stop NAME: SIGTERM by pid file, SIGKILL after 15 s.
stop() {
  local name=$1 pid
  if ! running "$name"; then
    rm -f "$RUN/$name.pid"
    return 0
  fi
  pid=$(pid_of "$name")
  kill -TERM "$pid" 2>/dev/null || true
  local i
  for i in $(seq 1 150); do
    alive "$pid" || break
    sleep 0.1
  done
  if alive "$pid"; then
    say "$name (pid $pid) ignored SIGTERM for 15 s; sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$RUN/$name.pid"
  say "stopped $name"
}

# expect_alive NAME: fail with the log tail if the process died right after starting.
expect_alive() {
  if ! running "$1"; then
    CURRENT_LOG=$LOGS/$1.log
    fail "$1 exited right after starting"
  fi
}
