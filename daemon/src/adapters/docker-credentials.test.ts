import { describe, expect, it } from "vitest";
import { readRegistryCredentials } from "./docker-credentials.js";

const b64 = (s: string): string => Buffer.from(s).toString("base64");
const env = { DOCKER_CONFIG: "/cfg" };

describe("readRegistryCredentials", () => {
  it("anonymous when there is no config (the bed's registry), saying so", async () => {
    const creds = await readRegistryCredentials("127.0.0.1:5000", { env, readText: () => Promise.reject(new Error("ENOENT")) });
    expect(creds).toEqual({ host: "127.0.0.1:5000", note: "no credentials for 127.0.0.1:5000 (/cfg/config.json missing or unreadable): pushing anonymously" });
  });

  it("an inline login: push auth and a pull Secret, and a note without the password", async () => {
    const creds = await readRegistryCredentials("r.example:5000/team", { env, readText: () => Promise.resolve(JSON.stringify({ auths: { "r.example:5000": { auth: b64("dev:hunter2") } } })) });
    expect(creds.push).toEqual({ username: "dev", password: "hunter2", serveraddress: "r.example:5000" });
    expect(creds.pullConfigJson).toContain('"r.example:5000"');
    expect(creds.note).toBe("credentials for r.example:5000 from /cfg/config.json; pods pulling from it get the imagePullSecret devloop-registry");
    expect(creds.note).not.toContain("hunter2");
  });

  it("asks the credential helper with the host", async () => {
    const asked: string[] = [];
    const creds = await readRegistryCredentials("r.example", {
      env,
      readText: () => Promise.resolve(JSON.stringify({ credsStore: "pass" })),
      runHelper: (helper, host) => {
        asked.push(`${helper} ${host}`);
        return Promise.resolve('{"Username":"u","Secret":"p"}');
      },
    });
    expect(asked).toEqual(["pass r.example"]);
    expect(creds.push).toEqual({ username: "u", password: "p", serveraddress: "r.example" });
    const none = await readRegistryCredentials("r.example", { env, readText: () => Promise.resolve(JSON.stringify({ credsStore: "pass" })), runHelper: () => Promise.reject(new Error("not found")) });
    expect(none).toEqual({ host: "r.example", note: "docker-credential-pass has no credentials for r.example: pushing anonymously" });
  });
});
