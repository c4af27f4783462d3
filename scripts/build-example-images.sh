#!/usr/bin/env bash
# STOPGAP until devloop's build controller lands (daemon/src/build + the dockerode ImageBuilder): builds the
# images of every service with `build:` in a compose project with plain `docker build`, so that
# `devloop up` finds them on the node. Delete this script (and its calls in scripts/quickstart and
# daemon/test/integration/example-up.integ.test.ts) once `devloop up` builds images itself.
#
#   scripts/build-example-images.sh [-f compose.yml]... [-p project]   (default: -f compose.example.yml)
#
# Context, dockerfile and build args come from the compose file as devloop resolves it (`devloop config`,
# interpolated with the current environment, e.g. the NODE_IMAGE/GO_IMAGE/RUNTIME_IMAGE that
# `scripts/local-cluster env` exports); the tag is the image translate puts in the manifests (`devloop render`).
set -euo pipefail
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
args=("$@")
if ((${#args[@]} == 0)); then args=(-f "$REPO/compose.example.yml"); fi
command -v jq >/dev/null || { echo "build-example-images: jq is required" >&2; exit 1; }

config=$(node "$REPO/bin/devloop.js" config "${args[@]}" --format json)
manifests=$(node "$REPO/bin/devloop.js" render "${args[@]}" -o json)

mapfile -t services < <(jq -r '.services | to_entries[] | select(.value.build != null) | .key' <<<"$config")
for svc in "${services[@]}"; do
  build=$(jq -c --arg s "$svc" '.services[$s].build' <<<"$config")
  tag=$(jq -r --arg s "$svc" '[.items[] | select((.kind == "Deployment" or .kind == "Job") and .metadata.labels["devloop.dev/service"] == $s)
    | .spec.template.spec.containers[] | select(.name == $s) | .image][0] // empty' <<<"$manifests")
  if [[ -z $tag ]]; then
    echo "build-example-images: $svc has build: but no workload in the rendered manifests; skipped" >&2
    continue
  fi
  context=$(jq -r '.context' <<<"$build")
  dockerfile=$(jq -r '.dockerfile // "Dockerfile"' <<<"$build")
  [[ $dockerfile == /* ]] || dockerfile=$context/$dockerfile
  build_args=()
  while IFS= read -r kv; do [[ -n $kv ]] && build_args+=(--build-arg "$kv"); done < <(jq -r '(.args // {}) | to_entries[] | select(.value != null) | "\(.key)=\(.value)"' <<<"$build")
  target=()
  t=$(jq -r '.target // empty' <<<"$build")
  [[ -n $t ]] && target=(--target "$t")
  echo "build-example-images: $svc -> $tag (docker build $context)" >&2
  start=$SECONDS
  # The legacy builder's deprecation banner goes to stderr on every build: shown only when the build fails.
  if ! out=$(DOCKER_BUILDKIT=0 docker build -q -t "$tag" -f "$dockerfile" "${build_args[@]}" "${target[@]}" "$context" 2>&1); then
    printf '%s\n' "$out" >&2
    echo "build-example-images: docker build for $svc failed" >&2
    exit 1
  fi
  echo "build-example-images: $svc built in $((SECONDS - start))s" >&2
done
