import { describe, expect, it } from "vitest";
import type { KubeManifest } from "../../daemon/src/translate/types.js";
import { oneOffPod, splitShellWords } from "./one-off-pod.js";

const deployment: KubeManifest = {
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name: "web", labels: { "devloop.dev/service": "web", "devloop.dev/project": "shop" } },
  spec: {
    template: {
      metadata: { labels: { "devloop.dev/service": "web", "devloop.dev/project": "shop", "app.kubernetes.io/name": "web", "net.devloop.dev/front": "true" } },
      spec: {
        initContainers: [{ name: "devloop-seed", image: "shop-web:dl-1" }, { name: "devloop-bind", image: "busybox", securityContext: { runAsUser: 1000 }, resources: { limits: { cpu: "1" } }, volumeMounts: [{ name: "src", mountPath: "/app" }, { name: "devloop-bind-signal", mountPath: "/.devloop-bind" }] }],
        containers: [
          { name: "web", image: "shop-web:dl-1", command: ["/.devloop/supervise"], args: ["node", "server.js"], env: [{ name: "A", value: "1" }], readinessProbe: { exec: {} }, ports: [{ containerPort: 3000 }] },
          { name: "log", image: "fluent" },
        ],
        volumes: [{ name: "data", persistentVolumeClaim: { claimName: "data" } }],
        restartPolicy: "Always",
      },
    },
  },
};

const base = { manifests: [deployment], project: "shop", service: "web", namespace: "shop-me", command: [], env: [], tty: false, suffix: "x1" };

interface PodShape {
  metadata: { name: string; namespace: string; labels: Record<string, string> };
  spec: { restartPolicy: string; volumes: unknown[]; initContainers?: { name: string }[]; containers: { name: string; image: string; command?: string[]; args?: string[]; env?: { name: string; value: string }[]; readinessProbe?: unknown; ports?: unknown; workingDir?: string; securityContext?: { runAsUser: number }; tty?: boolean; stdin?: boolean }[] };
}
const shape = (m: KubeManifest): PodShape => m as unknown as PodShape;

describe("the one-off pod of devloop run", () => {
  it("has the service's image, env, volumes and network labels, one container, no probes, never restarts", () => {
    const { pod, container } = oneOffPod({ ...base, command: ["npm", "run", "migrate"] });
    const p = shape(pod);
    expect(container).toBe("web");
    expect(p.metadata).toEqual({ name: "shop-web-run-x1", namespace: "shop-me", labels: { "net.devloop.dev/front": "true", "app.kubernetes.io/managed-by": "devloop", "devloop.dev/project": "shop", "devloop.dev/run": "web" } });
    expect(p.spec.restartPolicy).toBe("Never");
    expect(p.spec.volumes).toEqual([{ name: "data", persistentVolumeClaim: { claimName: "data" } }]);
    // devloop-bind stays: the daemon's live loop puts the bind-mounted source there before the command starts.
    expect(p.spec.initContainers?.map((c) => c.name)).toEqual(["devloop-seed", "devloop-bind"]);
    // Beside the command's container, devloop-run-binds: the binds the daemon syncs and pulls through, ending once it
    // has looked at them after the command ended.
    expect(p.spec.containers.map((x) => x.name)).toEqual(["web", "devloop-run-binds"]);
    expect(p.spec.containers[1]).toEqual({
      name: "devloop-run-binds", image: "busybox", command: ["/bin/sh", "-c", "until [ -e /.devloop-bind/done ]; do sleep 0.2 2>/dev/null || sleep 1; done"],
      resources: { requests: { cpu: "10m", memory: "16Mi" }, limits: { cpu: "1" } }, securityContext: { runAsUser: 1000 },
      volumeMounts: [{ name: "src", mountPath: "/app" }, { name: "devloop-bind-signal", mountPath: "/.devloop-bind" }],
    });
    const c = p.spec.containers[0];
    expect(c).toMatchObject({ name: "web", image: "shop-web:dl-1", args: ["npm", "run", "migrate"], env: [{ name: "A", value: "1" }] });
    expect(c?.command).toBeUndefined();
    expect(c?.readinessProbe).toBeUndefined();
    expect(c?.ports).toBeUndefined();
  });

  it("without CMD runs the service's compose command; --entrypoint replaces the entrypoint and drops the command", () => {
    expect(shape(oneOffPod({ ...base, composeCommand: ["node", "server.js"] }).pod).spec.containers[0]).toMatchObject({ args: ["node", "server.js"] });
    const c = shape(oneOffPod({ ...base, composeCommand: ["node", "server.js"], entrypoint: ["sh", "-c"] }).pod).spec.containers[0];
    expect(c?.command).toEqual(["sh", "-c"]);
    expect(c?.args).toEqual([]);
  });

  it("-e adds or replaces variables, -w sets the working directory, -u a numeric runAsUser; a TTY asks for stdin", () => {
    const c = shape(oneOffPod({ ...base, env: ["A=2", "B=x=y"], workdir: "/app", user: "1000", tty: true }).pod).spec.containers[0];
    expect(c?.env).toEqual([{ name: "A", value: "2" }, { name: "B", value: "x=y" }]);
    expect(c).toMatchObject({ workingDir: "/app", securityContext: { runAsUser: 1000 }, tty: true, stdin: true });
    expect(() => oneOffPod({ ...base, user: "node" })).toThrow('-u expects a numeric user id on Kubernetes (runAsUser); got "node"');
  });

  it("a service without directory binds gets only the command's container", () => {
    const template = (deployment.spec as { template: { spec: Record<string, unknown> } }).template;
    const plain: KubeManifest = { ...deployment, spec: { template: { ...template, spec: { ...template.spec, initContainers: [{ name: "devloop-seed", image: "shop-web:dl-1" }] } } } };
    expect(shape(oneOffPod({ ...base, manifests: [plain] }).pod).spec.containers.map((x) => x.name)).toEqual(["web"]);
  });

  it("a sidecar service is pointed to exec", () => {
    const host: KubeManifest = { ...deployment, metadata: { ...deployment.metadata, annotations: { "devloop.dev/sidecars": "log" } } };
    expect(() => oneOffPod({ ...base, manifests: [host], service: "log" })).toThrow("log runs as a sidecar of web; run a command in it with devloop exec log instead");
  });

  it("splits --entrypoint as a shell would", () => {
    expect(splitShellWords(`sh -c "echo hi there" 'a b'`)).toEqual(["sh", "-c", "echo hi there", "a b"]);
  });
});
