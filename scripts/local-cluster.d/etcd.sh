# shellcheck shell=bash
# local-cluster.d/etcd.sh — etcd, and the wipe of an earlier session's cluster state on a cold start
# (docs/local-cluster.md, steps 5 and 6).

# A cold start (etcd not running) wipes the cluster's state: etcd data, pod containers and kubelet pod dirs left
# by an earlier session. Each session gets a clean, predictable cluster; caches, PKI and images are kept.
wipe_stale_cluster_state() {
  step "state: clearing the previous session's cluster state (etcd, pod containers, kubelet pods)"
  remove_pod_containers docker
  if [[ -d $STATE/kubelet ]]; then
    awk -v root="$STATE/kubelet/" 'index($2, root) == 1 {print $2}' /proc/mounts | sort -r | while read -r m; do
      umount -l "$m" 2>/dev/null || true
    done
    rm -rf "$STATE/kubelet/pods"
  fi
  rm -rf "$STATE/etcd"
  # The PersistentVolumes that pointed at these directories were in etcd.
  rm -rf "${HOSTPATH_ROOT:?}"/*
}

start_etcd() {
  step "etcd: starting" "$LOGS/etcd.log"
  mkdir -p "$STATE/etcd"
  chmod 700 "$STATE/etcd"
  start etcd etcd --name devloop --data-dir "$STATE/etcd" \
    --listen-client-urls http://127.0.0.1:2379 --advertise-client-urls http://127.0.0.1:2379 \
    --listen-peer-urls http://127.0.0.1:2380 --initial-advertise-peer-urls http://127.0.0.1:2380 \
    --initial-cluster devloop=http://127.0.0.1:2380
  wait_until 30 "etcd health" healthz http://127.0.0.1:2379/health
  expect_alive etcd
}
