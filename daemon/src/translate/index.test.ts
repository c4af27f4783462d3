import { describe, expect, it } from "vitest";
import { toManifests } from "./index.js";
import { Labels } from "./labels.js";
import { project, service } from "../compose/test-project.js";
import type { KubeManifest } from "./types.js";

const find = (manifests: readonly KubeManifest[], kind: string, name: string): KubeManifest => {
  const hit = manifests.find((m) => m.kind === kind && m.metadata.name === name);
  if (!hit) throw new Error(`no ${kind}/${name} in ${manifests.map((m) => `${m.kind}/${m.metadata.name}`).join(", ")}`);
  return hit;
};
/** The value at a dotted path ("spec.template.spec.containers.0"). */
const get = (value: unknown, path: string): unknown =>
  path.split(".").reduce<unknown>((v, key) => (typeof v === "object" && v !== null ? (v as Record<string, unknown>)[key] : undefined), value);
const container = (m: KubeManifest): unknown => get(m, "spec.template.spec.containers.0");

describe("toManifests", () => {
  it("emits Namespace, Deployment and Service in a stable order with devloop labels", () => {
    const p = project([service("web", { ports: [{ target: 3000, published: 8080, protocol: "tcp" }] })]);
    const { manifests } = toManifests(p, { namespace: "shop-dev" });
    expect(manifests.map((m) => `${m.kind}/${m.metadata.name}`)).toEqual(["Namespace/shop-dev", "Service/web", "Deployment/web"]);
    const deployment = find(manifests, "Deployment", "web");
    expect(get(deployment, "metadata.labels")).toMatchObject({
      "app.kubernetes.io/name": "web",
      "app.kubernetes.io/part-of": "shop",
      "app.kubernetes.io/managed-by": "devloop",
      [Labels.service]: "web",
    });
    expect(get(deployment, "spec.selector.matchLabels")).toEqual({ [Labels.project]: "shop", [Labels.service]: "web" });
    const svc = find(manifests, "Service", "web");
    expect(get(svc, "spec.ports")).toEqual([{ name: "tcp-3000", port: 3000, targetPort: 3000, protocol: "TCP" }]);
    // The published port is the engine's port-forward (from the loaded project), not written on the objects.
    expect(get(svc, "metadata.annotations")).toBeUndefined();
  });

  it("runs a service waited on with service_completed_successfully as a Job", () => {
    const p = project([
      service("migrate", { restart: "no" }),
      service("web", { dependsOn: { migrate: { condition: "service_completed_successfully", required: true, restart: false } } }),
    ]);
    const { manifests, dependencies } = toManifests(p, { namespace: "ns" });
    const job = find(manifests, "Job", "migrate");
    expect(job.apiVersion).toBe("batch/v1");
    expect(get(job, "spec.backoffLimit")).toBe(0);
    expect(get(job, "spec.template.spec.restartPolicy")).toBe("Never");
    expect(manifests.some((m) => m.kind === "Service" && m.metadata.name === "migrate")).toBe(false);
    expect(dependencies).toEqual([{ service: "web", dependsOn: "migrate", condition: "service_completed_successfully", required: true, restart: false }]);
    expect(get(find(manifests, "Deployment", "web"), "metadata.annotations")).toMatchObject({ "devloop.dev/depends-on": "migrate:service_completed_successfully" });
  });

  it("gives an on-failure Job a backoffLimit from max attempts", () => {
    const p = project([
      service("seed", { restart: "on-failure", deploy: { resources: {}, labels: {}, restartPolicy: { condition: "on-failure", maxAttempts: 3 } } }),
      service("web", { dependsOn: { seed: { condition: "service_completed_successfully", required: true, restart: false } } }),
    ]);
    const job = find(toManifests(p, { namespace: "ns" }).manifests, "Job", "seed");
    expect(get(job, "spec.backoffLimit")).toBe(3);
    expect(get(job, "spec.template.spec.restartPolicy")).toBe("OnFailure");
  });

  it("maps healthcheck to a readinessProbe, never a livenessProbe", () => {
    const p = project([
      service("db", { healthcheck: { test: ["CMD-SHELL", "pg_isready"], interval: 2000, timeout: 1500, retries: 5, startPeriod: 10_000, disable: false } }),
    ]);
    const c = container(find(toManifests(p, { namespace: "ns" }).manifests, "Deployment", "db"));
    expect(get(c, "readinessProbe")).toEqual({
      exec: { command: ["/bin/sh", "-c", "pg_isready"] },
      initialDelaySeconds: 10,
      periodSeconds: 2,
      timeoutSeconds: 2,
      failureThreshold: 5,
      successThreshold: 1,
    });
    expect(get(c, "livenessProbe")).toBeUndefined();
  });

  it("keeps env_file values and secret-looking names out of plain env", () => {
    const p = project([
      service("api", {
        environment: { MODE: "dev", DB_PASSWORD: "hunter2", FROM_FILE: "x", PRICE: "$(5)" },
        environmentSources: { MODE: "environment", DB_PASSWORD: "environment", FROM_FILE: "/src/shop/api.env", PRICE: "environment" },
      }),
    ]);
    const { manifests } = toManifests(p, { namespace: "ns" });
    const c = container(find(manifests, "Deployment", "api"));
    expect(get(c, "env")).toEqual([
      { name: "MODE", value: "dev" },
      { name: "DB_PASSWORD", valueFrom: { secretKeyRef: { name: "api-env", key: "DB_PASSWORD" } } },
      { name: "FROM_FILE", valueFrom: { secretKeyRef: { name: "api-env", key: "FROM_FILE" } } },
      { name: "PRICE", value: "$$(5)" },
    ]);
    expect(get(find(manifests, "Secret", "api-env"), "stringData")).toEqual({ DB_PASSWORD: "hunter2", FROM_FILE: "x" });
    expect(JSON.stringify(manifests.filter((m) => m.kind !== "Secret"))).not.toContain("hunter2");
  });

  it("turns named volumes into PVCs, tmpfs into memory emptyDirs and source binds into synced emptyDirs", () => {
    const p = project(
      [
        service("db", {
          volumes: [
            { type: "volume", source: "data", target: "/var/lib/data", readOnly: false, nocopy: false },
            { type: "bind", source: "/src/shop/app", target: "/app", readOnly: true, createHostPath: true },
            { type: "tmpfs", target: "/scratch", readOnly: false, size: 64 * 1024 * 1024 },
          ],
          tmpfs: ["/run"],
        }),
      ],
      { volumes: { data: { name: "shop_data", driverOpts: {}, external: false, labels: {}, extensions: { "x-devloop": { size: "5Gi" } } } } },
    );
    const result = toManifests(p, { namespace: "ns" });
    expect(get(find(result.manifests, "PersistentVolumeClaim", "data"), "spec.resources.requests.storage")).toBe("5Gi");
    const deployment = find(result.manifests, "Deployment", "db");
    expect(get(deployment, "spec.strategy")).toEqual({ type: "Recreate" });
    expect(get(deployment, "spec.template.spec.volumes")).toEqual([
      { name: "vol-data", persistentVolumeClaim: { claimName: "data" } },
      { name: "sync-app", emptyDir: {} },
      { name: "tmpfs-scratch", emptyDir: { medium: "Memory", sizeLimit: "64Mi" } },
      { name: "tmpfs-run", emptyDir: { medium: "Memory" } },
      { name: "devloop-bind-signal", emptyDir: { medium: "Memory", sizeLimit: "1Mi" } },
    ]);
    // The named volume is seeded once from the image; the bind waits in devloop-bind until devloop has put the tree.
    expect((get(deployment, "spec.template.spec.initContainers") as { name: string }[]).map((c) => c.name)).toEqual(["devloop-seed", "devloop-bind"]);
    expect(result.live["db"]?.rules.map((r) => [r.id, r.localRoot, r.targetDir])).toEqual([["db:bind[0]", "/src/shop/app", "/app"]]);
    expect(JSON.stringify(result.manifests)).not.toContain("hostPath");
    expect(result.syncMappings).toEqual([{ service: "db", source: "/src/shop/app", target: "/app", volumeName: "sync-app", readOnly: true }]);
  });

  it("uses hostPath only when x-devloop.hostPath lists the target", () => {
    const p = project([
      service("agent", {
        volumes: [{ type: "bind", source: "/var/run/docker.sock", target: "/var/run/docker.sock", readOnly: false, createHostPath: false }],
        extensions: { "x-devloop": { hostPath: ["/var/run/docker.sock"] } },
      }),
    ]);
    const result = toManifests(p, { namespace: "ns" });
    expect(get(find(result.manifests, "Deployment", "agent"), "spec.template.spec.volumes")).toEqual([
      { name: "host-var-run-docker-sock", hostPath: { path: "/var/run/docker.sock" } },
    ]);
    expect(result.syncMappings).toEqual([]);
  });

  it("maps entrypoint → command, command → args, and the security and pod keys", () => {
    const p = project([
      service("worker", {
        entrypoint: ["/bin/entry"],
        command: ["run", "--fast"],
        user: "1000:2000",
        workingDir: "/work",
        hostname: "w1",
        stopGracePeriod: 12.5,
        init: true,
        tty: true,
        stdinOpen: true,
        capAdd: ["CAP_NET_ADMIN"],
        capDrop: ["ALL"],
        privileged: true,
        readOnly: true,
        extraHosts: [
          { host: "a.local", ip: "10.0.0.1" },
          { host: "b.local", ip: "10.0.0.1" },
        ],
        deploy: { replicas: 3, resources: { limits: { cpus: 0.5, memory: 256 * 1024 * 1024 }, reservations: { cpus: 2, memory: 1000 } }, labels: {} },
        replicas: 3,
      }),
    ]);
    const d = find(toManifests(p, { namespace: "ns" }).manifests, "Deployment", "worker");
    expect(get(d, "spec.replicas")).toBe(3);
    expect(get(d, "spec.template.spec")).toMatchObject({
      hostname: "w1",
      shareProcessNamespace: true,
      terminationGracePeriodSeconds: 13,
      hostAliases: [{ ip: "10.0.0.1", hostnames: ["a.local", "b.local"] }],
    });
    expect(container(d)).toMatchObject({
      command: ["/bin/entry"],
      args: ["run", "--fast"],
      workingDir: "/work",
      tty: true,
      stdin: true,
      resources: { limits: { cpu: "500m", memory: "256Mi" }, requests: { cpu: "2", memory: "1000" } },
      securityContext: {
        runAsUser: 1000,
        runAsGroup: 2000,
        privileged: true,
        readOnlyRootFilesystem: true,
        capabilities: { add: ["NET_ADMIN"], drop: ["ALL"] },
      },
    });
  });

  it("warns about a user name, located through the source map", () => {
    const p = project([service("web", { user: "node" })], { sourceMap: { "services.web.user": { file: "compose.yml", line: 7, column: 11 } } });
    const { warnings } = toManifests(p, { namespace: "ns" });
    expect(warnings).toEqual([
      expect.objectContaining({ code: "DL-TRANSLATE-003", severity: "warning", file: "compose.yml", line: 7, column: 11, path: "services.web.user" }),
    ]);
  });

  it("warns about ignored keys present in the file; network_mode: none is warned, not rejected (it was DL-TRANSLATE-002)", () => {
    const p = project([service("web", { networkMode: "none" })], {
      sourceMap: {
        "services.web.ulimits": { file: "compose.yml", line: 4, column: 5 },
        "services.web.network_mode": { file: "compose.yml", line: 5, column: 5 },
      },
    });
    const { warnings, translation } = toManifests(p, { namespace: "ns" });
    expect(warnings.map((w) => [w.code, w.severity, w.path])).toEqual([
      ["DL-TRANSLATE-001", "warning", "services.web.ulimits"],
      ["DL-TRANSLATE-026", "warning", "services.web.network_mode"],
    ]);
    expect(translation.find((t) => t.composePath === "services.web.ulimits")?.status).toBe("ignored");
  });

  it("warns about the build keys the BuildKit build does not pass (not secrets or ssh), also in a project built in code", () => {
    const build = { context: "/src/shop/web", dockerfile: "Dockerfile", args: {}, labels: { a: "b" }, cacheFrom: [], extraHosts: [], noCache: true, secrets: ["npmrc"], ssh: ["default"], privileged: true, platforms: ["linux/amd64", "linux/arm64"] };
    const { warnings } = toManifests(project([service("web", { build })]), { namespace: "ns" });
    expect(warnings.map((w) => [w.code, w.path, w.message.slice(0, 60)])).toEqual([
      ["DL-TRANSLATE-001", "services.web.build.privileged", "build.privileged is ignored by devloop's image build: Not pa"],
      ["DL-TRANSLATE-001", "services.web.build.platforms", "build.platforms lists 2 platforms (linux/amd64, linux/arm64)"],
    ]);
  });

  it("uses image overrides and a deterministic local tag for built services", () => {
    const build = { context: "/src/shop/web", dockerfile: "Dockerfile", args: {}, labels: {}, cacheFrom: [], extraHosts: [] };
    const p = project([service("web", { build }), service("api", { image: "api:1", build })]);
    const plain = toManifests(p, { namespace: "ns" }).manifests;
    expect(container(find(plain, "Deployment", "web"))).toMatchObject({ image: "shop-web:devloop", imagePullPolicy: "IfNotPresent" });
    expect(get(container(find(plain, "Deployment", "api")), "image")).toBe("api:1");
    const overridden = toManifests(p, { namespace: "ns", images: { web: "registry.local/web:abc" } }).manifests;
    expect(get(container(find(overridden, "Deployment", "web")), "image")).toBe("registry.local/web:abc");
  });

  it("mounts secrets and configs at their targets from Secret and ConfigMap objects", () => {
    const p = project([service("web", { secrets: [{ source: "db_pw", target: "/run/secrets/db_pw", mode: 0o400 }], configs: [{ source: "nginx", target: "/etc/nginx/nginx.conf" }] })], {
      secrets: { db_pw: { name: "shop_db_pw", file: "/src/shop/pw.txt", external: false } },
      configs: { nginx: { name: "shop_nginx", content: "events {}", external: false } },
    });
    const { manifests, warnings } = toManifests(p, { namespace: "ns", files: { "/src/shop/pw.txt": "s3cret" } });
    expect(warnings).toEqual([]);
    expect(get(find(manifests, "Secret", "secret-db-pw"), "stringData")).toEqual({ db_pw: "s3cret" });
    expect(get(find(manifests, "ConfigMap", "config-nginx"), "data")).toEqual({ nginx: "events {}" });
    const d = find(manifests, "Deployment", "web");
    expect(get(container(d), "volumeMounts")).toEqual([
      { name: "secret-db-pw", mountPath: "/run/secrets/db_pw", subPath: "db_pw", readOnly: true },
      { name: "config-nginx", mountPath: "/etc/nginx/nginx.conf", subPath: "nginx", readOnly: true },
    ]);
    expect(JSON.stringify(get(d, "spec.template.metadata.annotations"))).toMatch(/"devloop.dev\/config-hash":"[0-9a-f]{16}"/);
    expect(JSON.stringify(d)).not.toContain("s3cret");
  });

  it("applies templates and the project's x-devloop.templates under the generated fields", () => {
    const p = project([service("web")], {
      extensions: { "x-devloop": { templates: { Deployment: { spec: { revisionHistoryLimit: 1, template: { spec: { containers: [{ securityContext: { allowPrivilegeEscalation: false } }] } } } } } } },
    });
    const d = find(toManifests(p, { namespace: "ns", templates: { Deployment: { spec: { revisionHistoryLimit: 3, replicas: 9 } } } }).manifests, "Deployment", "web");
    expect(get(d, "spec.revisionHistoryLimit")).toBe(1);
    expect(get(d, "spec.replicas")).toBe(1);
    expect(container(d)).toMatchObject({ name: "web", image: "web:1", securityContext: { allowPrivilegeEscalation: false } });
  });

  it("makes every name a DNS-1123 label and keeps sanitised names unique", () => {
    const long = `svc-${"x".repeat(80)}`;
    const p = project([service("Web_App"), service("web-app"), service(long)]);
    const names = toManifests(p, { namespace: "NS_Dev" }).manifests.map((m) => m.metadata.name);
    for (const name of names) expect(name).toMatch(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/);
    expect(new Set(names.filter((n) => n.startsWith("web-app"))).size).toBe(2);
  });

  it("gives a long-running service without ports a headless Service so its hostname resolves", () => {
    const svc = find(toManifests(project([service("worker")]), { namespace: "ns" }).manifests, "Service", "worker");
    expect(get(svc, "spec")).toMatchObject({ type: "ClusterIP", clusterIP: "None" });
    expect(get(svc, "spec.ports")).toBeUndefined();
  });
});

describe("translation view", () => {
  it("lists each key a service uses with the fields it became, partial when translation warned", () => {
    const p = project([service("web", { user: "node", ports: [{ target: 80, protocol: "tcp" }], healthcheck: { test: ["CMD", "true"], disable: false } })], {
      sourceMap: { "services.web.ulimits": { file: "compose.yml", line: 3, column: 5 } },
    });
    const { translation } = toManifests(p, { namespace: "ns" });
    const byPath = Object.fromEntries(translation.map((t) => [t.composePath, t]));
    expect(byPath["services.web.healthcheck"]).toMatchObject({ status: "translated", kubeFields: ["Deployment/web spec.template.spec.containers[0].readinessProbe"] });
    expect(byPath["services.web.ports"]?.kubeFields).toContain("Service/web spec.ports");
    expect(byPath["services.web.user"]).toMatchObject({ status: "partial", note: expect.stringContaining("not numeric") as unknown });
    expect(byPath["services.web.ulimits"]).toMatchObject({ status: "ignored", kubeFields: [] });
  });
});

describe("name clashes", () => {
  it("reports two objects of one kind with the same name as an error", () => {
    const p = project(
      [
        service("secret-x", { environment: { A_TOKEN: "t" }, environmentSources: { A_TOKEN: "environment" } }),
        service("web", { secrets: [{ source: "x-env", target: "/run/secrets/x-env" }] }),
      ],
      { secrets: { "x-env": { name: "x-env", content: "c", external: false } } },
    );
    const { warnings } = toManifests(p, { namespace: "ns" });
    expect(warnings.map((w) => [w.code, w.severity])).toEqual([["DL-TRANSLATE-015", "error"]]);
  });

  it("keeps a secret value whose variable name a Secret key cannot hold out of plain env", () => {
    const p = project([service("app", { environment: { "odd name": "v" }, environmentSources: { "odd name": "/src/shop/app.env" } })]);
    const { manifests } = toManifests(p, { namespace: "ns" });
    const secret = find(manifests, "Secret", "app-env");
    expect(Object.keys(get(secret, "stringData") as object)).toEqual([expect.stringMatching(/^odd_name-[0-9a-f]{8}$/)]);
    expect(JSON.stringify(find(manifests, "Deployment", "app"))).not.toContain('"value":"v"');
  });
});
