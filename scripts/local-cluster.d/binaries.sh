# shellcheck shell=bash
# local-cluster.d/binaries.sh — Kubernetes binaries, built from Debian's source package and cached by version in
# $BIN, and the pause image (docs/local-cluster.md, step 3).

K8S_BINARIES=(kube-apiserver kube-controller-manager kube-scheduler kubelet kube-proxy kubectl)

have_binaries() {
  local b
  for b in "${K8S_BINARIES[@]}" pause; do [[ -x $BIN/$b ]] || return 1; done
}

ensure_binaries() {
  if have_binaries; then return 0; fi
  local out=$BUILD_DIR/_output/local/bin/linux/amd64
  mkdir -p "$BIN"
  local b built=1
  for b in "${K8S_BINARIES[@]}"; do [[ -x $out/$b ]] || built=0; done
  if ((built == 0)); then
    if [[ -f $SRC_DIR/build.lock ]] && kill -0 "$(<"$SRC_DIR/build.lock")" 2>/dev/null; then
      fail "a Kubernetes build is already running in $BUILD_DIR; wait for it to finish and re-run"
    fi
    build_kubernetes
  fi
  step "binaries: caching Kubernetes $K8S_VERSION binaries in $BIN"
  for b in "${K8S_BINARIES[@]}"; do install -m 755 "$out/$b" "$BIN/$b.tmp" && mv "$BIN/$b.tmp" "$BIN/$b"; done
  step "binaries: compiling the pause container"
  gcc -Os -static -DVERSION=3.2 -o "$BIN/pause.tmp" "$BUILD_DIR/build/pause/linux/pause.c"
  mv "$BIN/pause.tmp" "$BIN/pause"
}

find_orig() {
  local f
  for f in "$SRC_DIR"/kubernetes_*+really"$K8S_VERSION".orig.tar.gz; do
    if [[ -f $f ]]; then printf '%s' "$f"; return 0; fi
  done
  return 0
}

build_kubernetes() {
  local log=$LOGS/k8s-build.log
  mkdir -p "$SRC_DIR/build"
  if [[ ! -f $BUILD_DIR/Makefile ]]; then
    step "k8s source: downloading Debian's kubernetes source package" "$log"
    local orig
    orig=$(find_orig)
    if [[ -z $orig ]]; then
      if ! grep -rqs '^Types: deb-src' /etc/apt/sources.list.d/ && ! grep -qs '^deb-src' /etc/apt/sources.list; then
        cat >/etc/apt/sources.list.d/devloop-src.sources <<EOF
Types: deb-src
URIs: $(mirror_uri)
Suites: bookworm
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
        apt-get update >>"$log" 2>&1
      fi
      (cd "$SRC_DIR" && apt-get source --download-only kubernetes) >>"$log" 2>&1
      orig=$(find_orig)
      [[ -n $orig ]] || fail "apt-get source did not produce a kubernetes_*+really$K8S_VERSION.orig.tar.gz in $SRC_DIR"
    fi
    step "k8s source: unpacking $(basename "$orig")" "$log"
    rm -rf "$BUILD_DIR.tmp"
    mkdir -p "$BUILD_DIR.tmp"
    tar -xzf "$orig" -C "$BUILD_DIR.tmp" --strip-components=1
    mv "$BUILD_DIR.tmp" "$BUILD_DIR"
  fi
  step "k8s build: compiling Kubernetes $K8S_VERSION (about 10 min on 2 cores; log: $log)" "$log"
  echo $$ >"$SRC_DIR/build.lock"
  (
    trap - ERR
    cd "$BUILD_DIR"
    export GOPATH=$PWD/.go
    mkdir -p .go/src/k8s.io "$SRC_DIR/home"
    ln -sfn ../../.. .go/src/k8s.io/kubernetes
    HOME=$SRC_DIR/home CGO_ENABLED=0 make WHAT="cmd/kube-apiserver cmd/kube-controller-manager cmd/kube-scheduler cmd/kubelet cmd/kube-proxy cmd/kubectl"
  ) </dev/null >>"$log" 2>&1
  rm -f "$SRC_DIR/build.lock"
}

ensure_pause_image() {
  if docker image inspect "$PAUSE_IMAGE" >/dev/null 2>&1; then return 0; fi
  step "images: building $PAUSE_IMAGE" "$LOGS/images.log"
  local ctx
  ctx=$(mktemp -d)
  cp "$BIN/pause" "$ctx/pause"
  printf 'FROM scratch\nCOPY pause /pause\nENTRYPOINT ["/pause"]\n' >"$ctx/Dockerfile"
  docker build -q -t "$PAUSE_IMAGE" "$ctx" >>"$LOGS/images.log" 2>&1
  rm -rf "$ctx"
}
