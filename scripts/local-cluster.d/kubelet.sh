# shellcheck shell=bash
# local-cluster.d/kubelet.sh — node 1's kubelet (dockershim on node 1's engine) and the KubeletConfiguration both nodes
# share (docs/local-cluster.md, step 7).

# kubelet_config DNS-IP: the KubeletConfiguration both nodes share (node 2 appends its ports and cgroup root).
kubelet_config() {
  local bip=$1
  cat <<EOF
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
authentication:
  anonymous: {enabled: false}
  webhook: {enabled: true}
  x509: {clientCAFile: "$PKI/ca.crt"}
authorization: {mode: Webhook}
cgroupDriver: cgroupfs
failSwapOn: false
clusterDomain: cluster.local
clusterDNS: ["$bip"]
readOnlyPort: 0
serializeImagePulls: false
# Locally built images are never pulled again: keep image GC from deleting them.
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
evictionHard: {memory.available: "100Mi", nodefs.available: "1%", nodefs.inodesFree: "1%", imagefs.available: "1%"}
EOF
}

# start_kubelet BRIDGE-IP: the node IP and the cluster DNS address (dnsmasq listens there).
start_kubelet() {
  local bip=$1 node
  node=$(node_name)
  if ! running kubelet; then ensure_node_fs "$STATE/kubelet"; fi
  step "kubelet: starting (dockershim)" "$LOGS/kubelet.log"
  kubelet_config "$bip" >"$STATE/kubelet-config.yaml"
  start kubelet "$BIN/kubelet" \
    --config="$STATE/kubelet-config.yaml" --kubeconfig="$STATE/kubelet.kubeconfig" \
    --root-dir="$STATE/kubelet" --cert-dir="$STATE/kubelet/pki" \
    --container-runtime=docker --pod-infra-container-image="$PAUSE_IMAGE" \
    --hostname-override="$node" --node-ip="$bip"
}

node_ready() {
  [[ $(kubectl_admin get node "$(node_name)" -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}' 2>/dev/null) == True ]]
}
