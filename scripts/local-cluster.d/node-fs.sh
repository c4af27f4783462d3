# shellcheck shell=bash
# local-cluster.d/node-fs.sh — each node's kubelet root directory (where its pods' emptyDir volumes live) on a
# journaled ext4 of its own (docs/local-cluster.md, "The kubelets' filesystem").
#
# This machine's root filesystem is ext4 without a journal. Without a journal, ext4 does not reuse an inode freed in
# the last 60 s, or 360 s while that inode's table block is still dirty (fs/ext4/ialloc.c, recently_deleted(), called
# from find_inode_bit() only when there is no journal handle). After a mass delete every new file scans past the freed
# inodes, one buffer-cache lookup each, in the kernel: `tar -x` of a 20,000-file tree took 0.8 s, then 6.7 s and 11.2 s
# in the same directory after each `rm -rf` (perf: 60 % of the time in recently_deleted and find_get_block_common),
# against 0.84–0.97 s every time on a journaled ext4. Pods that come and go with big emptyDirs are exactly that
# pattern, and a real node's filesystem has a journal: so the kubelets' roots get one.

# The image files are sparse and mounted with discard: they take only what the pods hold.
NODE_FS_SIZE=${DEVLOOP_NODE_FS_SIZE:-64G}

# node_fs_mounted DIR: DIR is the root of a loop-mounted ext4 with a journal.
node_fs_mounted() {
  local dir=$1 source
  mountpoint -q "$dir" || return 1
  source=$(findmnt -n -o SOURCE --mountpoint "$dir" | tail -n 1)
  [[ $source == /dev/loop* ]] && [[ $(findmnt -n -o FSTYPE --mountpoint "$dir" | tail -n 1) == ext4 ]]
}

# ensure_node_fs DIR: mounts DIR's own filesystem (the image DIR.ext4 beside it, made on first use) unless it is
# mounted already. Call it only while the kubelet that uses DIR is stopped: the mount hides what DIR held before
# (an earlier session's pod directories; the kubelet makes its plugin, pod-resources and serving-cert files again).
ensure_node_fs() {
  local dir=$1 img=$1.ext4
  node_fs_mounted "$dir" && return 0
  step "node-fs: $dir on a journaled ext4 ($img, sparse, up to $NODE_FS_SIZE)"
  mkdir -p "$dir"
  if [[ ! -f $img ]] || ! dumpe2fs -h "$img" 2>/dev/null | grep -q has_journal; then
    rm -f "$img"
    truncate -s "$NODE_FS_SIZE" "$img"
    mkfs.ext4 -q -F -O has_journal -E nodiscard -L devloop-kubelet "$img"
  fi
  mount -o loop,discard "$img" "$dir"
  node_fs_mounted "$dir" || fail "$dir: the loop mount of $img did not take"
}
