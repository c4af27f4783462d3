# shellcheck shell=bash
# local-cluster.d/status.sh — the read-only commands: `status` (one line per component; exit 0 only when all is
# well) and `env` (the shell exports). Neither needs root.

cmd_status() {
  local c all=0 pid
  for c in "${COMPONENTS[@]}"; do
    if running "$c"; then
      pid=$(pid_of "$c")
      printf '%-24s running  pid %-8s log %s\n' "$c" "$pid" "$LOGS/$c.log"
    else
      printf '%-24s stopped\n' "$c"
      all=1
    fi
  done
  if [[ -x $BIN/kubectl && -f $STATE/admin.kubeconfig ]] && node_ready; then
    printf '%-24s Ready\n' "node/$(node_name)"
  else
    printf '%-24s not ready\n' "node/$(node_name)"
    all=1
  fi
  local tag
  for tag in "$NODE_IMAGE" "$GO_IMAGE" "$RUNTIME_IMAGE" "$REDIS_IMAGE" "$PYTHON_IMAGE" "$PAUSE_IMAGE"; do
    if ! docker_ok; then printf '%-24s unknown (dockerd not answering)\n' "image $tag"; all=1; continue; fi
    if image_exists "$tag"; then printf '%-24s present\n' "image $tag"; else printf '%-24s missing\n' "image $tag"; fi
  done
  # Node 2 and the registry are optional (`up --nodes 2`): listed when any part of them runs.
  local c2 any2=0
  for c2 in "${NODE2_COMPONENTS[@]}"; do if running "$c2"; then any2=1; fi; done
  if ((any2 == 1)); then
    for c2 in "${NODE2_COMPONENTS[@]}"; do
      if running "$c2"; then
        printf '%-24s running  pid %-8s log %s\n' "$c2" "$(pid_of "$c2")" "$LOGS/$c2.log"
      else
        printf '%-24s stopped\n' "$c2"
        all=1
      fi
    done
    if [[ -x $BIN/kubectl && -f $STATE/admin.kubeconfig ]] && node2_ready; then
      printf '%-24s Ready (taint %s)\n' "node/$(node2_name)" "$NODE2_TAINT"
    else
      printf '%-24s not ready\n' "node/$(node2_name)"
      all=1
    fi
    if registry_ok; then printf '%-24s answering\n' "registry $REGISTRY_ADDR"; else printf '%-24s not answering\n' "registry $REGISTRY_ADDR"; all=1; fi
  fi
  printf 'kubeconfig               %s\n' "$STATE/admin.kubeconfig"
  return $all
}

cmd_env() {
  printf 'export KUBECONFIG=%q\n' "$STATE/admin.kubeconfig"
  printf 'export NODE_IMAGE=%q\n' "$NODE_IMAGE"
  printf 'export GO_IMAGE=%q\n' "$GO_IMAGE"
  printf 'export RUNTIME_IMAGE=%q\n' "$RUNTIME_IMAGE"
  printf 'export REDIS_IMAGE=%q\n' "$REDIS_IMAGE"
  printf 'export PYTHON_IMAGE=%q\n' "$PYTHON_IMAGE"
  printf 'export DEVLOOP_CLUSTER_STATE=%q\n' "$STATE"
  # Only while the bed's registry runs (`up --nodes 2`): a daemon pushes to it when the cluster does not share its
  # build engine, or when DEVLOOP_IMAGE_DELIVERY=registry.
  if running docker-registry; then
    printf 'export DEVLOOP_REGISTRY=%q\n' "$REGISTRY_ADDR"
    printf 'export DEVLOOP_BED_NODE2=%q\n' "$(node2_name)"
    printf 'export DEVLOOP_BED_NODE2_TAINT=%q\n' "$NODE2_TAINT_KEY"
    printf 'export DEVLOOP_BED_NODE2_DOCKER_HOST=%q\n' "unix://$NODE2_RUN/docker.sock"
  fi
}
