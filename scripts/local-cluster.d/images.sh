# shellcheck shell=bash
# local-cluster.d/images.sh — the base images (runtime, node, go, redis, python), built offline from Debian's packages
# (docs/local-cluster.md, step 10).

# Base images: one debootstrap (minbase), variants derived by copying the rootfs and installing packages in a
# chroot, then `docker import`. Each rootfs is also kept as a tarball so a wiped /var/lib/docker re-imports fast.

image_exists() { docker image inspect "$1" >/dev/null 2>&1; }

chroot_install() {
  local root=$1
  shift
  cp /etc/resolv.conf "$root/etc/resolv.conf"
  printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"
  chmod 755 "$root/usr/sbin/policy-rc.d"
  mount -t proc proc "$root/proc"
  local rc=0
  chroot "$root" /usr/bin/env DEBIAN_FRONTEND=noninteractive sh -c \
    "apt-get update && apt-get install -y --no-install-recommends $* && apt-get clean" >>"$LOGS/images.log" 2>&1 || rc=$?
  umount "$root/proc" || umount -l "$root/proc" || true
  rm -f "$root/usr/sbin/policy-rc.d"
  : >"$root/etc/resolv.conf"
  return $rc
}

slim_rootfs() {
  local root=$1
  rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/*.bin "$root"/var/cache/apt/archives/*.deb \
    "$root"/usr/share/doc/* "$root"/usr/share/man/* "$root"/usr/share/info/* "$root"/var/log/*.log
}

image_tarball() { printf '%s/%s.tar' "$IMAGES_CACHE" "$(tr '/:' '__' <<<"$1")"; }

# import_image TAG ROOT DOCKER-CHANGES...
import_image() {
  local tag=$1 root=$2
  shift 2
  local tarball
  tarball=$(image_tarball "$tag")
  if [[ ! -s $tarball ]]; then
    tar --numeric-owner -C "$root" -cf "$tarball.tmp" .
    mv "$tarball.tmp" "$tarball"
  fi
  local changes=() c
  for c in "$@"; do changes+=(--change "$c"); done
  docker import "${changes[@]}" "$tarball" "$tag" >>"$LOGS/images.log" 2>&1
}

image_changes() {
  case $1 in
    "$NODE_IMAGE") printf '%s\n' 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' 'CMD ["node"]' ;;
    "$GO_IMAGE") printf '%s\n' 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' 'ENV GOPATH=/go' 'WORKDIR /go' 'CMD ["go", "version"]' ;;
    "$RUNTIME_IMAGE") printf '%s\n' 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' 'CMD ["/bin/sh"]' ;;
    "$PYTHON_IMAGE") printf '%s\n' 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' 'ENV PYTHONUNBUFFERED=1' 'CMD ["python3"]' ;;
    "$REDIS_IMAGE") printf '%s\n' 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' 'WORKDIR /data' 'VOLUME /data' 'EXPOSE 6379' 'USER 999' 'CMD ["redis-server", "--dir", "/data", "--protected-mode", "no"]' ;;
  esac
}

# Debian's redis-server keeps protected mode on, so with no password it refuses every client but loopback; the
# official redis image compiles it off. A `command:` override (as in compose.example.yml) drops the CMD's
# --protected-mode no, so the bed's image gets a redis-server wrapper on PATH that always turns it off.
REDIS_IMAGE_LABEL=dev.devloop.redis-protected-mode-off
redis_image_current() {
  [[ $(docker image inspect -f "{{index .Config.Labels \"$REDIS_IMAGE_LABEL\"}}" "$REDIS_IMAGE" 2>/dev/null) == 1 ]]
}

finish_redis_image() {
  local ctx
  ctx=$(mktemp -d)
  printf '#!/bin/sh\n# devloop bed: like the official redis image, no protected mode (see scripts/local-cluster).\nexec /usr/bin/redis-server "$@" --protected-mode no\n' >"$ctx/redis-server"
  chmod 755 "$ctx/redis-server"
  printf 'FROM %s\nCOPY redis-server /usr/local/bin/redis-server\nLABEL %s=1\n' "$REDIS_IMAGE" "$REDIS_IMAGE_LABEL" >"$ctx/Dockerfile"
  DOCKER_BUILDKIT=0 docker build -q -t "$REDIS_IMAGE" "$ctx" >>"$LOGS/images.log" 2>&1
  rm -rf "$ctx"
}

ensure_base_images() {
  local tags=("$RUNTIME_IMAGE" "$NODE_IMAGE" "$GO_IMAGE" "$REDIS_IMAGE" "$PYTHON_IMAGE") tag missing=()
  for tag in "${tags[@]}"; do image_exists "$tag" || missing+=("$tag"); done
  if image_exists "$REDIS_IMAGE" && ! redis_image_current; then
    step "images: adding the redis-server wrapper (protected mode off) to $REDIS_IMAGE" "$LOGS/images.log"
    finish_redis_image
  fi
  ((${#missing[@]} == 0)) && return 0
  mkdir -p "$IMAGES_CACHE"
  local rootfs=$IMAGES_CACHE/rootfs
  for tag in "${missing[@]}"; do
    local tarball changes=()
    tarball=$(image_tarball "$tag")
    mapfile -t changes < <(image_changes "$tag")
    if [[ -s $tarball ]]; then
      step "images: importing $tag from $tarball" "$LOGS/images.log"
      import_image "$tag" /nonexistent "${changes[@]}"
      if [[ $tag == "$REDIS_IMAGE" ]]; then finish_redis_image; fi
      continue
    fi
    if [[ ! -f $rootfs/base/.devloop-complete ]]; then
      step "images: debootstrap --variant=minbase bookworm (about 2 min)" "$LOGS/images.log"
      rm -rf "$rootfs/base"
      mkdir -p "$rootfs"
      debootstrap --variant=minbase bookworm "$rootfs/base" "$(mirror_uri)" >>"$LOGS/images.log" 2>&1
      # A sources.list the chroot's apt can use (debootstrap writes one for main only).
      printf 'deb %s bookworm main\ndeb %s bookworm-updates main\n' "$(mirror_uri)" "$(mirror_uri)" >"$rootfs/base/etc/apt/sources.list"
      touch "$rootfs/base/.devloop-complete"
    fi
    local root=$rootfs/work
    rm -rf "$root"
    step "images: building $tag" "$LOGS/images.log"
    cp -a "$rootfs/base" "$root"
    rm -f "$root/.devloop-complete"
    case $tag in
      "$NODE_IMAGE")
        chroot_install "$root" nodejs npm
        ;;
      "$GO_IMAGE")
        chroot_install "$root" golang-go ca-certificates git
        mkdir -p "$root/go" && chmod 1777 "$root/go"
        ;;
      "$REDIS_IMAGE")
        chroot_install "$root" redis-server redis-tools
        # The official image's layout: uid 999 owns /data.
        mkdir -p "$root/data" && chown 999:999 "$root/data"
        ;;
      "$RUNTIME_IMAGE")
        chroot_install "$root" ca-certificates
        ;;
      "$PYTHON_IMAGE")
        # python3 with its standard library (http.server, sqlite3): the real-world Python fixtures need no pip.
        chroot_install "$root" python3
        ;;
    esac
    slim_rootfs "$root"
    import_image "$tag" "$root" "${changes[@]}"
    if [[ $tag == "$REDIS_IMAGE" ]]; then finish_redis_image; fi
    rm -rf "$root"
  done
}
