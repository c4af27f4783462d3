# shellcheck shell=bash
# local-cluster.d/dockerd.sh — node 1's Docker engine with the oom_score_adj-clamping runtime (docs/local-cluster.md,
# step 2).

# The sandbox forbids lowering oom_score_adj even as root; runc fails every container that asks for a negative
# score, and the kubelet asks for -998 on every pod sandbox. The wrapper rewrites negative scores to 0.

RUNTIME_NAME=devloop-runc
RUNTIME_WRAPPER=/usr/local/bin/devloop-runc

# runtime_wrapper_text: prints the wrapper script. Every runc call passes through it, an exec probe's `runc exec`
# included, so its common path starts no process: only create/run/restore (--bundle) and exec (--process) read a
# file, with one grep, and only a file that holds a negative score starts jq (~17 ms of CPU each on the bed;
# docs/local-cluster.md, step 2).
runtime_wrapper_text() {
  local runc_path jq_path grep_path
  runc_path=$(command -v runc || echo /usr/sbin/runc)
  jq_path=$(command -v jq || echo /usr/bin/jq)
  grep_path=$(command -v grep || echo /bin/grep)
  cat <<EOF
#!/bin/sh
# Written by devloop's scripts/local-cluster. Clamps a negative oomScoreAdj to 0 in the OCI bundle (and in an
# exec's process.json), because this sandbox forbids lowering oom_score_adj; then runs runc unchanged.
clamp() {
  [ -f "\$1" ] || return 0
  $grep_path -q '"oomScoreAdj" *: *-' "\$1" 2>/dev/null || return 0
  tmp="\$1.devloop.\$\$"
  if $jq_path 'if (.process.oomScoreAdj // .oomScoreAdj // 0) >= 0 then . elif has("process") then .process.oomScoreAdj = 0 else .oomScoreAdj = 0 end' "\$1" >"\$tmp"; then
    mv "\$tmp" "\$1"
  else
    rm -f "\$tmp"
  fi
}
cmd=""
prev=""
for a in "\$@"; do
  case "\$prev" in
    --root|--log|--log-format|--criu|--rootless) prev=""; continue ;;
  esac
  case "\$a" in
    -*) prev="\$a" ;;
    *) cmd="\$a"; break ;;
  esac
done
case "\$cmd" in
  create|run|restore|exec) ;;
  *) exec $runc_path "\$@" ;;
esac
bundle=""
process=""
prev=""
for a in "\$@"; do
  case "\$prev" in
    --bundle|-b) bundle="\$a" ;;
    --process|-p) process="\$a" ;;
  esac
  case "\$a" in
    --bundle=*) bundle="\${a#--bundle=}" ;;
    --process=*) process="\${a#--process=}" ;;
  esac
  prev="\$a"
done
[ -n "\$bundle" ] && clamp "\$bundle/config.json"
[ -n "\$process" ] && clamp "\$process"
exec $runc_path "\$@"
EOF
}

ensure_docker_config() {
  mkdir -p /etc/docker "$(dirname "$RUNTIME_WRAPPER")"
  local wrapper
  wrapper=$(runtime_wrapper_text)
  if [[ ! -f $RUNTIME_WRAPPER ]] || [[ $(<"$RUNTIME_WRAPPER") != "$wrapper" ]]; then
    printf '%s\n' "$wrapper" >"$RUNTIME_WRAPPER.tmp"
    chmod 755 "$RUNTIME_WRAPPER.tmp"
    mv "$RUNTIME_WRAPPER.tmp" "$RUNTIME_WRAPPER"
  fi
  # userland-proxy=false makes Docker set hairpin_mode on the bridge ports: a pod reaching its own Service.
  local want='{"runtimes":{"'$RUNTIME_NAME'":{"path":"'$RUNTIME_WRAPPER'"}},"default-runtime":"'$RUNTIME_NAME'","userland-proxy":false}'
  local current="{}" merged
  if [[ -s /etc/docker/daemon.json ]]; then current=$(cat /etc/docker/daemon.json); fi
  if command -v jq >/dev/null 2>&1; then
    merged=$(jq -S --argjson want "$want" '. * $want' <<<"$current")
    if [[ $(jq -S . <<<"$current") != "$merged" ]]; then printf '%s\n' "$merged" >/etc/docker/daemon.json; fi
  elif [[ $current == "{}" ]]; then
    printf '%s\n' "$want" >/etc/docker/daemon.json
  fi
}

docker_ok() { docker info >/dev/null 2>&1; }

# clear_stale_pidfiles EXEC-ROOT DOCKERD-PIDFILE: before a dockerd starts. /var/run here survives a machine restart,
# and its pid files with it: a dockerd whose containerd.pid names a live pid (any process, after pid reuse) waits for
# that containerd's socket and fails after 60 s; one whose own pid file names a live pid refuses to start. Removes
# each file unless its pid is still the process it names (this exec root's containerd, a dockerd).
clear_stale_pidfiles() {
  local exec_root=$1 docker_pidfile=$2 pid
  if [[ -f $exec_root/containerd/containerd.pid ]]; then
    pid=$(<"$exec_root/containerd/containerd.pid")
    if ! { [[ $pid =~ ^[0-9]+$ ]] && tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline" | grep -qF "$exec_root/containerd/"; }; then
      verbose "removing the stale $exec_root/containerd/containerd.pid (pid $pid is not its containerd)"
      rm -f "$exec_root/containerd/containerd.pid"
    fi
  fi
  if [[ -f $docker_pidfile ]]; then
    pid=$(<"$docker_pidfile")
    if ! { [[ $pid =~ ^[0-9]+$ ]] && [[ $(tr '\0' '\n' 2>/dev/null <"/proc/$pid/cmdline" | head -n 1) == *dockerd ]]; }; then
      verbose "removing the stale $docker_pidfile (pid $pid is not a dockerd)"
      rm -f "$docker_pidfile"
    fi
  fi
}

# remove_pod_containers DOCKER-COMMAND: removes every container a kubelet made on that engine (pod sandboxes and their
# containers carry the label io.kubernetes.docker.type); `docker` for node 1, `docker2` for node 2. Never fails.
remove_pod_containers() {
  local ids
  ids=$("$@" ps -aq --filter label=io.kubernetes.docker.type 2>/dev/null || true)
  # shellcheck disable=SC2086 # one argument per container id
  if [[ -n $ids ]]; then "$@" rm -f $ids >/dev/null 2>&1 || true; fi
}

ensure_docker() {
  step "docker: starting dockerd with the $RUNTIME_NAME runtime" "$LOGS/dockerd.log"
  ensure_docker_config
  if ! running dockerd && docker_ok; then
    # A dockerd this script did not start (e.g. the package's init script). Use it only if it clamps oom scores.
    local rt
    rt=$(docker info --format '{{.DefaultRuntime}}' 2>/dev/null || true)
    if [[ $rt != "$RUNTIME_NAME" ]]; then
      fail "a dockerd not started by this script is running with default runtime '$rt'; stop it and re-run (hint: it must use $RUNTIME_WRAPPER, see /etc/docker/daemon.json)"
    fi
    verbose "using the already running dockerd"
    return 0
  fi
  running dockerd || clear_stale_pidfiles /var/run/docker /var/run/docker.pid
  start dockerd dockerd
  wait_until 60 "dockerd to answer" docker_ok
  expect_alive dockerd
  local rt
  rt=$(docker info --format '{{.DefaultRuntime}}')
  [[ $rt == "$RUNTIME_NAME" ]] || fail "dockerd default runtime is '$rt', expected $RUNTIME_NAME"
}

bridge_ip() {
  ip -4 -o addr show dev docker0 2>/dev/null | awk '{split($4, a, "/"); print a[1]; exit}'
}
