# shellcheck shell=bash
# local-cluster.d/storage.sh — storage: the default StorageClass (kubernetes.io/host-path, provisioned by the
# controller manager) and the hostpath-perms loop that opens new volume directories to every uid
# (docs/local-cluster.md, step 6).

# Where Kubernetes 1.20's hostpath provisioner creates volumes: fixed in its source (pkg/volume/hostpath:
# "/tmp/" + basePath "hostpath_pv", no flag), and its deleter only removes paths under /tmp.
HOSTPATH_ROOT=/tmp/hostpath_pv
STORAGE_CLASS=devloop-hostpath

storage_class_manifest() {
  cat <<EOF
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: $STORAGE_CLASS
  annotations:
    storageclass.kubernetes.io/is-default-class: "true"
provisioner: kubernetes.io/host-path
reclaimPolicy: Delete
volumeBindingMode: Immediate
EOF
}

storage_class_present() {
  [[ $(kubectl_admin get storageclass "$STORAGE_CLASS" \
    -o jsonpath='{.metadata.annotations.storageclass\.kubernetes\.io/is-default-class}' 2>/dev/null) == true ]]
}

# The default StorageClass (idempotent: kubectl apply); PVCs without a class get it via the DefaultStorageClass
# admission plugin, which 1.20 enables by default.
ensure_storage_class() {
  step "storage: default StorageClass $STORAGE_CLASS (kubernetes.io/host-path)" "$LOGS/kube-apiserver.log"
  storage_class_present && return 0
  storage_class_manifest | kubectl_admin apply -f - >/dev/null
}

# The hostpath provisioner creates each volume directory root-owned with mode 0750, so a container running as
# another user (redis as 999) cannot write its volume, and fsGroup does not apply to hostPath. This loop opens
# new volume directories to every user (mode 0777) within half a second; a pod can only mount the volume once
# the PersistentVolume is bound, which comes after the directory exists. Test bed only.
cmd_hostpath_perms() {
  trap - ERR
  mkdir -p "$HOSTPATH_ROOT"
  while true; do
    find "$HOSTPATH_ROOT" -mindepth 1 -maxdepth 1 -type d ! -perm 0777 -exec chmod 0777 {} + 2>/dev/null || true
    sleep 0.5
  done
}

start_hostpath_perms() {
  step "hostpath-perms: starting (opens new $HOSTPATH_ROOT volume directories to every uid)" "$LOGS/hostpath-perms.log"
  start hostpath-perms bash "$REPO/scripts/local-cluster" hostpath-perms
}
