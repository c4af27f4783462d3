import { describe, expect, it } from "vitest";
import type { KubeManifest } from "../translate/types.js";
import { PULL_SECRET_NAME, credentialSource, dockerConfigJson, helperCredentials, registryHost, withPullSecret } from "./registry-auth.js";

const b64 = (s: string): string => Buffer.from(s).toString("base64");

describe("registryHost", () => {
  it("is the host[:port] the Docker config keys credentials by", () => {
    expect(registryHost("127.0.0.1:5000")).toBe("127.0.0.1:5000");
    expect(registryHost("registry.example.com/team/")).toBe("registry.example.com");
    expect(registryHost("https://r.example:443/x")).toBe("r.example:443");
    expect(registryHost("docker.io/me")).toBe("index.docker.io");
  });
});

describe("credentialSource (as the Docker CLI looks: credHelpers, auths, credsStore)", () => {
  it("reads an inline auth (base64 user:password), with the key written as a URL or a host", () => {
    const config = { auths: { "https://r.example:5000/v1/": { auth: b64("dev:s3:cret") } } };
    expect(credentialSource(config, "r.example:5000")).toEqual({ kind: "inline", username: "dev", password: "s3:cret" });
    expect(credentialSource({ auths: { "r.example:5000": { username: "u", password: "p" } } }, "r.example:5000")).toEqual({ kind: "inline", username: "u", password: "p" });
    expect(credentialSource({ auths: { "https://index.docker.io/v1/": { auth: b64("hub:pw") } } }, registryHost("docker.io/me"))).toEqual({ kind: "inline", username: "hub", password: "pw" });
  });

  it("prefers a per-registry helper, then the entry, then the global store; none is anonymous", () => {
    const config = { credHelpers: { "r.example": "ecr-login" }, auths: { "r.example": { auth: b64("a:b") } }, credsStore: "pass" };
    expect(credentialSource(config, "r.example")).toEqual({ kind: "helper", helper: "ecr-login" });
    expect(credentialSource({ auths: { "r.example": { auth: b64("a:b") } }, credsStore: "pass" }, "r.example")).toEqual({ kind: "inline", username: "a", password: "b" });
    expect(credentialSource({ auths: { "other:5000": {} }, credsStore: "pass" }, "r.example")).toEqual({ kind: "helper", helper: "pass" });
    expect(credentialSource({ auths: { "r.example": { identitytoken: "tok" } } }, "r.example")).toEqual({ kind: "token", identitytoken: "tok" });
    expect(credentialSource({ auths: { "other:5000": { auth: b64("a:b") } } }, "127.0.0.1:5000")).toBeUndefined();
    expect(credentialSource("not a config", "r.example")).toBeUndefined();
  });

  it("reads a helper's answer; <token> is an identity token", () => {
    expect(helperCredentials('{"ServerURL":"r","Username":"u","Secret":"p"}')).toEqual({ kind: "inline", username: "u", password: "p" });
    expect(helperCredentials('{"Username":"<token>","Secret":"t"}')).toEqual({ kind: "token", identitytoken: "t" });
    expect(helperCredentials("credentials not found in native keychain")).toBeUndefined();
  });
});

describe("withPullSecret", () => {
  const deployment = (image: string): KubeManifest =>
    ({ apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web", namespace: "dev" }, spec: { template: { spec: { containers: [{ name: "web", image }] } } } });
  const namespace: KubeManifest = { apiVersion: "v1", kind: "Namespace", metadata: { name: "dev" } };
  const json = dockerConfigJson("r.example:5000", { username: "u", password: "p" });

  it("puts the Secret after the Namespace and names it in the pods that run the registry's images", () => {
    const out = withPullSecret([namespace, deployment("r.example:5000/shop-web:dl-1"), deployment("redis:7")], "r.example:5000", json);
    expect(out.map((m) => m.kind)).toEqual(["Namespace", "Secret", "Deployment", "Deployment"]);
    const secret = out[1] as unknown as { type: string; metadata: { name: string; namespace: string }; data: Record<string, string> };
    expect(secret.type).toBe("kubernetes.io/dockerconfigjson");
    expect(secret.metadata).toMatchObject({ name: PULL_SECRET_NAME, namespace: "dev" });
    expect(JSON.parse(Buffer.from(secret.data[".dockerconfigjson"] ?? "", "base64").toString())).toEqual({ auths: { "r.example:5000": { username: "u", password: "p", auth: b64("u:p") } } });
    const podSpec = (m: KubeManifest): Record<string, unknown> => (m as unknown as { spec: { template: { spec: Record<string, unknown> } } }).spec.template.spec;
    expect(podSpec(out[2] as KubeManifest)["imagePullSecrets"]).toEqual([{ name: PULL_SECRET_NAME }]);
    expect(podSpec(out[3] as KubeManifest)["imagePullSecrets"]).toBeUndefined();
  });

  it("labels the Secret as devloop's and the project's, so down removes it with the project", () => {
    const labelled = { ...deployment("r.example:5000/shop-web:dl-1"), metadata: { name: "web", namespace: "dev", labels: { "devloop.dev/project": "shop" } } } as KubeManifest;
    const secret = withPullSecret([namespace, labelled], "r.example:5000", json)[1] as unknown as { metadata: { labels: Record<string, string> } };
    expect(secret.metadata.labels).toEqual({ "app.kubernetes.io/managed-by": "devloop", "devloop.dev/project": "shop" });
  });

  it("changes nothing when no pod runs an image from the registry", () => {
    const manifests = [namespace, deployment("shop-web:dl-1")];
    expect(withPullSecret(manifests, "r.example:5000", json)).toBe(manifests);
  });
});
