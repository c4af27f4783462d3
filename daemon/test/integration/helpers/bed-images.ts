// The base images scripts/local-cluster builds (debootstrap + docker import); `scripts/local-cluster env` exports them.
export interface BedImages {
  readonly node: string;
  readonly go: string;
  readonly runtime: string;
  readonly redis: string;
  readonly python: string;
  readonly pause: string;
}

export function bedImages(): BedImages {
  const env = process.env;
  return {
    node: env["NODE_IMAGE"]?.startsWith("devloop/") ? env["NODE_IMAGE"] : "devloop/node:18-bookworm",
    go: env["GO_IMAGE"]?.startsWith("devloop/") ? env["GO_IMAGE"] : "devloop/go:1.19-bookworm",
    runtime: env["RUNTIME_IMAGE"]?.startsWith("devloop/") ? env["RUNTIME_IMAGE"] : "devloop/runtime:bookworm",
    redis: env["REDIS_IMAGE"]?.startsWith("devloop/") ? env["REDIS_IMAGE"] : "devloop/redis:7-bookworm",
    python: env["PYTHON_IMAGE"]?.startsWith("devloop/") ? env["PYTHON_IMAGE"] : "devloop/python:3.11-bookworm",
    pause: "k8s.gcr.io/pause:3.2",
  };
}
