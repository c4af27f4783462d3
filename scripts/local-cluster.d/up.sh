# shellcheck shell=bash
# local-cluster.d/up.sh — the commands that change the bed: `up [--nodes 2]` (every step in order, or the fast
# "already running" path), `images`, `down`, `down-node2`.

# Node 1 after the PKI: the control plane, the node, storage and DNS, in this order (docs/local-cluster.md steps 5–8).
start_node1() {
  local bip=$1
  if ! running etcd; then wipe_stale_cluster_state; fi
  start_etcd
  start_apiserver "$bip"
  ensure_storage_class
  start_controller_manager
  start_scheduler
  start_kubelet "$bip"
  start_kube_proxy "$bip"
  start_dnsmasq "$bip"
  start_hostpath_perms
  start_dns_watcher
}

wait_usable() {
  step "kubelet: waiting for node $(node_name) to be Ready" "$LOGS/kubelet.log"
  wait_until 120 "node $(node_name) Ready" node_ready
  expect_alive kubelet
  step "kube-controller-manager: waiting for the default ServiceAccount" "$LOGS/kube-controller-manager.log"
  wait_until 60 "serviceaccount default/default and its token" sa_token_ready
  expect_alive kube-controller-manager
  CURRENT_LOG=$LOGS/kube-scheduler.log
  expect_alive kube-scheduler
  CURRENT_LOG=$LOGS/kube-proxy.log
  expect_alive kube-proxy
  step "dns-watcher: waiting for its first write of the hosts file" "$LOGS/dns-watcher.log"
  wait_until 30 "the dns-watcher's first write of $STATE/dns/hosts" hosts_written
  expect_alive dns-watcher
}

all_up() {
  local c tag
  for c in "${COMPONENTS[@]}"; do running "$c" || return 1; done
  same_cmdline kube-controller-manager "${CONTROLLER_MANAGER_CMD[@]}" || return 1
  tr '\0' ' ' <"/proc/$(pid_of dns-watcher)/cmdline" | grep -q -- "--code-hash $(dns_watcher_code_hash)" || return 1
  storage_class_present || return 1
  redis_image_current || return 1
  for tag in "$NODE_IMAGE" "$GO_IMAGE" "$RUNTIME_IMAGE" "$REDIS_IMAGE" "$PYTHON_IMAGE" "$PAUSE_IMAGE"; do image_exists "$tag" || return 1; done
  node_ready
}

cmd_up() {
  need_root
  local nodes=1
  while (($# > 0)); do
    case $1 in
      # A missing value is '' (refused below); shifting only what is there ends the loop.
      --nodes) nodes=${2:-}; shift $(($# >= 2 ? 2 : 1)) ;;
      --nodes=*) nodes=${1#--nodes=}; shift ;;
      *) say "unknown argument to up: $1 (expected --nodes 1|2)"; exit 2 ;;
    esac
  done
  if [[ $nodes != 1 && $nodes != 2 ]]; then say "--nodes must be 1 or 2, found '$nodes'"; exit 2; fi
  local t0=$SECONDS
  take_lock
  if [[ -x $BIN/kubectl && -f $STATE/admin.kubeconfig ]] && all_up; then
    if ((nodes == 1)); then
      say "already running; node $(node_name) Ready"
      return 0
    fi
    if node2_all_up; then
      say "already running; nodes $(node_name) and $(node2_name) Ready, registry on $REGISTRY_ADDR"
      return 0
    fi
    # Node 1 is up: add node 2 and the registry beside it, touching nothing of node 1.
    ensure_node2
    CURRENT_STEP="done"
    say "node $(node2_name) and the registry ready in $((SECONDS - t0))s. Use it with: eval \"\$($REPO/scripts/local-cluster env)\""
    return 0
  fi
  ensure_packages
  ensure_docker
  local bip
  bip=$(bridge_ip)
  [[ -n $bip ]] || fail "docker0 has no IPv4 address"
  # Cold start: debootstrap the base images (network and disk bound) while Kubernetes compiles (CPU bound).
  local images_pid=""
  if ! have_binaries; then
    say "images: building the base images in the background during the Kubernetes build (log: $LOGS/images.log)"
    (ensure_base_images) </dev/null >>"$LOGS/images.log" 2>&1 &
    images_pid=$!
  fi
  ensure_binaries
  if [[ -n $images_pid ]]; then
    step "images: waiting for the background base-image build" "$LOGS/images.log"
    wait "$images_pid" || fail "building the base images failed"
  fi
  ensure_pause_image
  ensure_pki "$bip"
  start_node1 "$bip"
  wait_usable
  ensure_base_images
  if ((nodes == 2)); then ensure_node2; fi
  CURRENT_STEP="done"
  say "ready in $((SECONDS - t0))s. Use it with: eval \"\$($REPO/scripts/local-cluster env)\""
}

cmd_images() {
  need_root
  take_lock
  ensure_packages
  ensure_docker
  ensure_base_images
  CURRENT_STEP="done"
}

cmd_down() {
  need_root
  take_lock
  local i
  stop_node2
  for ((i = ${#COMPONENTS[@]} - 1; i >= 0; i--)); do
    local c=${COMPONENTS[$i]}
    if [[ $c == dockerd ]] && running dockerd; then
      # Pod containers outlive the kubelet; remove them while dockerd still answers.
      remove_pod_containers docker
    fi
    stop "$c"
  done
}

cmd_down_node2() {
  need_root
  take_lock
  stop_node2
}
