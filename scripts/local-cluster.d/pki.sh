# shellcheck shell=bash
# local-cluster.d/pki.sh — the cluster CA, the certificates (apiserver, admin, nodes, service accounts) and the
# kubeconfigs (docs/local-cluster.md, step 4).

# cert NAME SUBJECT [SAN]: a key + certificate signed by the cluster CA (skipped when present).
cert() {
  local name=$1 subj=$2 san=${3:-} ext
  [[ -s $PKI/$name.crt && -s $PKI/$name.key ]] && return 0
  ext=$(mktemp)
  if [[ -n $san ]]; then
    printf 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth,clientAuth\nsubjectAltName=%s\n' "$san" >"$ext"
  else
    printf 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=clientAuth\n' >"$ext"
  fi
  openssl genrsa -out "$PKI/$name.key" 2048 2>/dev/null
  openssl req -new -key "$PKI/$name.key" -subj "$subj" -out "$PKI/$name.csr" 2>/dev/null
  openssl x509 -req -in "$PKI/$name.csr" -CA "$PKI/ca.crt" -CAkey "$PKI/ca.key" -CAcreateserial \
    -days 3650 -sha256 -extfile "$ext" -out "$PKI/$name.crt" 2>/dev/null
  rm -f "$ext" "$PKI/$name.csr"
}

kubeconfig() {
  local file=$1 user=$2 server=$3
  cat >"$file.tmp" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: devloop-local
  cluster:
    server: $server
    certificate-authority-data: $(base64 -w0 <"$PKI/ca.crt")
users:
- name: $user
  user:
    client-certificate-data: $(base64 -w0 <"$PKI/$user.crt")
    client-key-data: $(base64 -w0 <"$PKI/$user.key")
contexts:
- name: devloop-local
  context:
    cluster: devloop-local
    user: $user
    namespace: default
current-context: devloop-local
EOF
  chmod 600 "$file.tmp"
  if cmp -s "$file.tmp" "$file"; then rm -f "$file.tmp"; else mv "$file.tmp" "$file"; fi
}

ensure_pki() {
  step "pki: certificates and kubeconfigs in $PKI"
  local bip node
  bip=$1
  node=$(node_name)
  mkdir -p "$PKI"
  chmod 700 "$PKI"
  if [[ ! -s $PKI/ca.crt ]]; then
    openssl genrsa -out "$PKI/ca.key" 2048 2>/dev/null
    openssl req -x509 -new -nodes -key "$PKI/ca.key" -subj "/CN=devloop-local-ca" -days 3650 -sha256 \
      -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign,digitalSignature" \
      -out "$PKI/ca.crt" 2>/dev/null
    rm -f "$PKI"/apiserver.* "$PKI"/admin.* "$PKI"/node.*
  fi
  # The serving certificate names the bridge IP, which could change between machines: regenerate on change.
  if [[ -s $PKI/apiserver.crt ]] && ! openssl x509 -in "$PKI/apiserver.crt" -noout -ext subjectAltName 2>/dev/null | grep -q "IP Address:$bip\b"; then
    rm -f "$PKI"/apiserver.*
  fi
  cert apiserver "/CN=kube-apiserver" \
    "IP:127.0.0.1,IP:10.0.0.1,IP:$bip,DNS:localhost,DNS:$node,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local"
  cert admin "/O=system:masters/CN=devloop-admin"
  if [[ -s $PKI/node.crt ]] && ! openssl x509 -in "$PKI/node.crt" -noout -subject | grep -q "system:node:$node"; then
    rm -f "$PKI"/node.*
  fi
  cert node "/O=system:nodes/CN=system:node:$node"
  if [[ ! -s $PKI/sa.key ]]; then
    openssl genrsa -out "$PKI/sa.key" 2048 2>/dev/null
    openssl rsa -in "$PKI/sa.key" -pubout -out "$PKI/sa.pub" 2>/dev/null
  fi
  kubeconfig "$STATE/admin.kubeconfig" admin "https://127.0.0.1:6443"
  kubeconfig "$STATE/kubelet.kubeconfig" node "https://127.0.0.1:6443"
}
