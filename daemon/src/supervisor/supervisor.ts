/**
 * Restarting a container's process without restarting the container (which would lose the writable layer and
 * walk into the kubelet's CrashLoopBackOff after a few edits). A service whose develop.watch has `sync+restart` or
 * `restart`, or that has an x-devloop.compile spec, runs its command under this small sh supervisor:
 *
 *   sh -c SUPERVISOR devloop-supervisor <argv…>
 *
 * It starts argv in the background, writes its pid to /.devloop/pid and waits. When the process exits and
 * /.devloop/restart exists, it starts argv again; otherwise it exits with the process's status (the container ends
 * as it would have without the supervisor). SIGTERM/SIGINT are passed on, so `kubectl delete pod` stays graceful,
 * and as PID 1 the shell reaps zombies. `restartProcessCommand` (run over exec) asks for a restart: it marks
 * the restart, sends SIGTERM (SIGKILL after killAfterMs), and returns once the new process's pid is written.
 *
 * /.devloop is a small memory emptyDir (`runVolume`), so the supervisor needs only a POSIX sh in the image.
 * Pure: strings only.
 */

/** Directory of the supervisor's pid and restart marker in the container. */
export const runDir = "/.devloop";
/** Pod volume name of runDir (a memory emptyDir). */
export const runVolume = "devloop-run";
/** Annotation on a pod template whose argv the engine must complete from the built image's ENTRYPOINT/CMD. */
export const superviseImageCommandAnnotation = "devloop.dev/supervise-image-command";

/**
 * The supervisor's sh script; `dir` is only changed by tests (the container always uses runDir). `first`: a line run
 * once before argv first starts, with the signal trap set (engine/bind-wait.ts: the wait for the bind fill), so one
 * shell does both.
 */
export const supervisorScriptIn = (dir: string, first?: string): string => [
  `d='${dir}'; child=`,
  `trap 'if [ -n "$child" ]; then kill -TERM "$child" 2>/dev/null; wait "$child"; exit $?; fi; exit 143' TERM INT`,
  ...(first === undefined ? [] : [first]),
  `while :; do`,
  `  "$@" & child=$!`,
  `  echo "$child" > "$d/pid.tmp" && mv -f "$d/pid.tmp" "$d/pid"`,
  `  wait "$child"; code=$?`,
  `  if [ -e "$d/restart" ]; then rm -f "$d/restart"; continue; fi`,
  `  exit "$code"`,
  `done`,
].join("\n");

export const supervisorScript = supervisorScriptIn(runDir);

/** The $0 of the supervisor's sh -c: how a container already under it is recognized. */
export const supervisorName = "devloop-supervisor";

/** The container's command and args that run argv under the supervisor (after `first`, when given: supervisorScriptIn). */
export const supervised = (argv: readonly string[], first?: string): { command: string[]; args: string[] } => ({
  command: ["/bin/sh", "-c", first === undefined ? supervisorScript : supervisorScriptIn(runDir, first), supervisorName],
  args: [...argv],
});

/**
 * Exit status 3: no supervisor (no pid file); 4: the new process did not start within 10 s of the kill.
 * Prints the new pid on success. One loop polls the pid file every 10 ms with builtins only (`read`, no `cat`
 * subshell): the new pid appears once the old process has exited and the supervisor started argv again, so
 * waiting for the old one to die first would only add a poll interval (measured: 50 ms polls cost ~50 ms a restart).
 */
export const restartProcessCommand = (killAfterMs = 5_000, dir = runDir): string[] => {
  const killAt = Math.max(1, Math.ceil(killAfterMs / 10));
  return [
    "/bin/sh",
    "-c",
    [
      `d='${dir}'`,
      `old=; read -r old 2>/dev/null < "$d/pid"; [ -n "$old" ] || exit 3`,
      `touch "$d/restart"`,
      `kill -TERM "$old" 2>/dev/null`,
      `i=0`,
      `while :; do`,
      `  new=; read -r new 2>/dev/null < "$d/pid"; [ -n "$new" ] && [ "$new" != "$old" ] && break`,
      `  i=$((i+1)); [ "$i" -eq ${killAt} ] && kill -KILL "$old" 2>/dev/null; [ "$i" -gt ${killAt + 1000} ] && exit 4`,
      `  sleep 0.01`,
      `done`,
      `echo "$new"`,
    ].join("\n"),
  ];
};
