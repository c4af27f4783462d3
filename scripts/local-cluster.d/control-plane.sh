# shellcheck shell=bash
# local-cluster.d/control-plane.sh — kube-apiserver, kube-controller-manager and kube-scheduler, all on the admin
# kubeconfig, no leader election (docs/local-cluster.md, step 6).

SERVICE_CIDR=10.0.0.0/24

# --enable-hostpath-provisioner: PVCs of the default StorageClass below get a directory under $HOSTPATH_ROOT.
CONTROLLER_MANAGER_CMD=("$BIN/kube-controller-manager"
  --kubeconfig="$STATE/admin.kubeconfig"
  --authentication-kubeconfig="$STATE/admin.kubeconfig" --authorization-kubeconfig="$STATE/admin.kubeconfig"
  --bind-address=127.0.0.1 --port=0
  --controllers='*,-nodeipam' --leader-elect=false
  --root-ca-file="$PKI/ca.crt" --service-account-private-key-file="$PKI/sa.key"
  --use-service-account-credentials=true
  --cluster-signing-cert-file="$PKI/ca.crt" --cluster-signing-key-file="$PKI/ca.key"
  --enable-hostpath-provisioner)

# start_apiserver BRIDGE-IP: the advertise address (a loopback address is refused for the kubernetes endpoint).
start_apiserver() {
  local bip=$1
  step "kube-apiserver: starting" "$LOGS/kube-apiserver.log"
  start kube-apiserver "$BIN/kube-apiserver" \
    --etcd-servers=http://127.0.0.1:2379 \
    --bind-address=0.0.0.0 --secure-port=6443 --insecure-port=0 --advertise-address="$bip" \
    --client-ca-file="$PKI/ca.crt" \
    --tls-cert-file="$PKI/apiserver.crt" --tls-private-key-file="$PKI/apiserver.key" \
    --kubelet-client-certificate="$PKI/admin.crt" --kubelet-client-key="$PKI/admin.key" \
    --kubelet-preferred-address-types=InternalIP,Hostname \
    --service-account-key-file="$PKI/sa.pub" --service-account-signing-key-file="$PKI/sa.key" \
    --service-account-issuer=https://kubernetes.default.svc.cluster.local \
    --service-cluster-ip-range="$SERVICE_CIDR" \
    --authorization-mode=Node,RBAC --allow-privileged=true \
    --enable-admission-plugins=NodeRestriction
  wait_until 90 "kube-apiserver /readyz" healthz --cacert "$PKI/ca.crt" --cert "$PKI/admin.crt" --key "$PKI/admin.key" https://127.0.0.1:6443/readyz
  expect_alive kube-apiserver
}

start_controller_manager() {
  step "kube-controller-manager: starting" "$LOGS/kube-controller-manager.log"
  mkdir -p "$HOSTPATH_ROOT"
  start kube-controller-manager "${CONTROLLER_MANAGER_CMD[@]}"
}

start_scheduler() {
  step "kube-scheduler: starting" "$LOGS/kube-scheduler.log"
  start kube-scheduler "$BIN/kube-scheduler" \
    --kubeconfig="$STATE/admin.kubeconfig" \
    --authentication-kubeconfig="$STATE/admin.kubeconfig" --authorization-kubeconfig="$STATE/admin.kubeconfig" \
    --bind-address=127.0.0.1 --port=0 --leader-elect=false
}

# On 1.20 pods are refused ("No API token found") until the ServiceAccount's token Secret exists.
sa_token_ready() {
  [[ -n $(kubectl_admin -n default get serviceaccount default -o jsonpath='{.secrets[0].name}' 2>/dev/null) ]]
}
