import { describe, expect, it } from "vitest";
import { loadProject } from "./index.js";
import { createMemoryFileSystem } from "./memory-file-system.js";
import type { ComposeProject, LoadOptions, LoadResult } from "./types.js";

const options = (o: Partial<LoadOptions> = {}): LoadOptions => ({ files: [], profiles: [], envFiles: [], services: [], environment: {}, cwd: "/p", ...o });
const load = (files: Record<string, string>, o: Partial<LoadOptions> = {}): LoadResult => loadProject(options(o), createMemoryFileSystem(files));
const ok = (files: Record<string, string>, o: Partial<LoadOptions> = {}): ComposeProject => {
  const r = load(files, o);
  if (!r.ok) throw new Error(r.diagnostics.map((d) => `${d.code} ${d.file}:${d.line} ${d.path} ${d.message}`).join("\n"));
  return r.project;
};
const codes = (r: LoadResult): string[] => (r.ok ? r.warnings : r.diagnostics).map((d) => d.code);

describe("file discovery and project directory", () => {
  it("finds compose.yaml before the others, with its override", () => {
    const p = ok({ "compose.yaml": "services: {a: {image: a}}", "compose.yml": "services: {b: {image: b}}", "compose.override.yaml": "services: {a: {user: u}}" });
    expect(p.composeFiles).toEqual(["/p/compose.yaml", "/p/compose.override.yaml"]);
    expect(p.services["a"]?.user).toBe("u");
    expect(p.services["b"]).toBeUndefined();
  });

  it("falls back to docker-compose.yml and searches parent directories", () => {
    const p = ok({ "docker-compose.yml": "services: {a: {image: a}}", "sub/dir/file.txt": "" }, { cwd: "/p/sub/dir" });
    expect(p.composeFiles).toEqual(["/p/docker-compose.yml"]);
    expect(p.workingDir).toBe("/p");
  });

  it("takes -f in order, relative to cwd, with the first file's directory as project directory", () => {
    const p = ok({ "a/one.yml": "services: {s: {image: one, user: a}}", "b/two.yml": "services: {s: {image: two}}" }, { files: ["a/one.yml", "b/two.yml"] });
    expect(p.services["s"]).toMatchObject({ image: "two", user: "a" });
    expect(p.workingDir).toBe("/p/a");
  });

  it("reads COMPOSE_FILE with the path separator, also from .env", () => {
    const files = { "x.yml": "services: {s: {image: x}}", "y.yml": "services: {s: {user: y}}" };
    expect(ok(files, { environment: { COMPOSE_FILE: "x.yml:y.yml" } }).services["s"]).toMatchObject({ image: "x", user: "y" });
    expect(ok({ ...files, ".env": "COMPOSE_FILE=x.yml;y.yml\nCOMPOSE_PATH_SEPARATOR=;" }).services["s"]).toMatchObject({ image: "x", user: "y" });
  });

  it("honours --project-directory for relative paths and .env", () => {
    const p = ok({ "c/compose.yml": "services: {s: {image: '${IMG}', build: ./ctx}}", "d/.env": "IMG=from-d" }, { files: ["c/compose.yml"], projectDirectory: "d" });
    expect(p.workingDir).toBe("/p/d");
    expect(p.services["s"]?.image).toBe("from-d");
    expect(p.services["s"]?.build?.context).toBe("/p/d/ctx");
  });

  it("reports a missing -f file and a missing default file", () => {
    expect(codes(load({}, { files: ["nope.yml"] }))).toEqual(["DL-COMPOSE-004"]);
    expect(codes(load({}))).toEqual(["DL-COMPOSE-005"]);
  });
});

describe("project name", () => {
  const files = { "My Dir/compose.yml": "name: from-file\nservices: {s: {image: a}}", "Other_Dir.X/compose.yml": "services: {s: {image: a}}" };
  it("prefers -p, then COMPOSE_PROJECT_NAME, then name:, then the directory (normalised)", () => {
    expect(ok(files, { cwd: "/p/My Dir", projectName: "flag", environment: { COMPOSE_PROJECT_NAME: "env" } }).name).toBe("flag");
    expect(ok(files, { cwd: "/p/My Dir", environment: { COMPOSE_PROJECT_NAME: "env" } }).name).toBe("env");
    expect(ok(files, { cwd: "/p/My Dir" }).name).toBe("from-file");
    expect(ok(files, { cwd: "/p/Other_Dir.X" }).name).toBe("other_dirx");
  });
  it("rejects an invalid name given with -p or COMPOSE_PROJECT_NAME, normalises one from name:", () => {
    expect(codes(load(files, { cwd: "/p/My Dir", projectName: "Bad Name" }))).toEqual(["DL-COMPOSE-025"]);
    expect(codes(load(files, { cwd: "/p/My Dir", environment: { COMPOSE_PROJECT_NAME: "-x" } }))).toEqual(["DL-COMPOSE-025"]);
    expect(ok({ "compose.yml": "name: My_App.2\nservices: {s: {image: a}}" }).name).toBe("my_app2");
  });
  it("makes the project name available as ${COMPOSE_PROJECT_NAME}", () => {
    const p = ok({ "compose.yml": "name: shop\nservices: {s: {image: a, container_name: '${COMPOSE_PROJECT_NAME}-s'}}" });
    expect(p.services["s"]?.containerName).toBe("shop-s");
    expect(ok({ "compose.yml": "services: {s: {image: a, labels: {p: '${COMPOSE_PROJECT_NAME}'}}}" }, { projectName: "flag" }).services["s"]?.labels).toEqual({ p: "flag" });
  });
  it("interpolates name:", () => {
    expect(ok({ "compose.yml": "name: app-${ENV:-dev}\nservices: {s: {image: a}}" }).name).toBe("app-dev");
  });
});

describe("interpolation environment", () => {
  const compose = "services: {s: {image: 'img:${TAG}', user: '${WHO:-nobody}'}}";
  it("uses the shell over --env-file files (later wins) over .env", () => {
    const files = { "compose.yml": compose, ".env": "TAG=dotenv\nWHO=dotenv", "a.env": "TAG=a\nWHO=a", "b.env": "TAG=b" };
    expect(ok(files).services["s"]).toMatchObject({ image: "img:dotenv", user: "dotenv" });
    // giving --env-file replaces .env entirely: WHO from .env is gone
    expect(ok(files, { envFiles: ["b.env"] }).services["s"]).toMatchObject({ image: "img:b", user: "nobody" });
    expect(ok(files, { envFiles: ["a.env", "b.env"] }).services["s"]).toMatchObject({ image: "img:b", user: "a" });
    expect(ok(files, { envFiles: ["a.env", "b.env"], environment: { TAG: "shell" } }).services["s"]).toMatchObject({ image: "img:shell", user: "a" });
  });
  it("reports a missing --env-file", () => {
    expect(codes(load({ "compose.yml": compose }, { envFiles: ["missing.env"] }))).toContain("DL-COMPOSE-024");
  });
  it("never interpolates keys", () => {
    const p = ok({ "compose.yml": "services: {s: {image: a, labels: {'$KEY': '$VAL'}}}" }, { environment: { KEY: "k", VAL: "v" } });
    expect(p.services["s"]?.labels).toEqual({ $KEY: "v" });
  });
  it("warns once per unset variable and blanks it", () => {
    const r = load({ "compose.yml": "services: {s: {image: 'a${X}', user: '${X}'}}" });
    expect(r.ok && r.warnings.map((w) => w.code)).toEqual(["DL-COMPOSE-008"]);
  });
  it("reports malformed templates and required variables with a location", () => {
    const r = load({ "compose.yml": "services:\n  s:\n    image: '${'\n    user: ${U:?set U}\n" });
    expect(r.ok).toBe(false);
    expect(!r.ok && r.diagnostics.map((d) => [d.code, d.line, d.path])).toEqual([
      ["DL-COMPOSE-006", 3, "services.s.image"],
      ["DL-COMPOSE-007", 4, "services.s.user"],
    ]);
  });
});

describe("container environment", () => {
  it("environment beats env_file entries, later env_file beats earlier; bare keys use the interpolation env", () => {
    const p = ok(
      {
        "compose.yml": "services:\n  s:\n    image: a\n    env_file: [one.env, {path: two.env}, {path: missing.env, required: false}]\n    environment:\n      A: from-env\n      BARE:\n      UNSET_BARE:\n",
        "one.env": "A=one\nB=one\nC=one\nUNSET_BARE=unset-by-environment",
        "two.env": "B=two\nFROM_SHELL",
        ".env": "BARE=dotenv\nDOTENV_ONLY=x",
      },
      { environment: { FROM_SHELL: "sh" } },
    );
    expect(p.services["s"]?.environment).toEqual({ A: "from-env", B: "two", C: "one", FROM_SHELL: "sh", BARE: "dotenv" });
    expect(p.services["s"]?.environmentSources).toEqual({ A: "environment", B: "two.env", C: "one.env", FROM_SHELL: "two.env", BARE: "environment" });
  });
  it("list form, raw format, and a missing required env_file", () => {
    const p = ok({ "compose.yml": "services: {s: {image: a, environment: [A=1, 'B=x=y', C=], env_file: [{path: raw.env, format: raw}]}}", "raw.env": "R='q' $X" });
    expect(p.services["s"]?.environment).toEqual({ A: "1", B: "x=y", C: "", R: "'q' $X" });
    expect(codes(load({ "compose.yml": "services: {s: {image: a, env_file: gone.env}}" }))).toEqual(["DL-COMPOSE-024"]);
  });
});

describe("profiles and selection", () => {
  const compose = [
    "services:",
    "  app: {image: a, depends_on: [db]}",
    "  db: {image: d}",
    "  debug: {image: g, profiles: [debug], depends_on: {app: {condition: service_started}}}",
    "  tool: {image: t, profiles: [tools, debug]}",
    "  opt: {image: o, depends_on: {tool: {condition: service_started, required: false}}}",
  ].join("\n");
  const files = { "compose.yml": compose };
  it("enables services without profiles, and those of active profiles", () => {
    expect(Object.keys(ok(files).services)).toEqual(["app", "db", "opt"]);
    expect(ok(files).disabledServices).toEqual(["debug", "tool"]);
    expect(Object.keys(ok(files, { profiles: ["debug"] }).services)).toEqual(["app", "db", "debug", "tool", "opt"]);
    expect(Object.keys(ok(files, { environment: { COMPOSE_PROFILES: "tools" } }).services)).toEqual(["app", "db", "tool", "opt"]);
    expect(Object.keys(ok({ ...files, ".env": "COMPOSE_PROFILES=debug" }).services)).toContain("debug");
    expect(Object.keys(ok(files, { profiles: ["*"] }).services)).toHaveLength(5);
  });
  it("drops a non-required dependency on a disabled service", () => {
    expect(ok(files).services["opt"]?.dependsOn).toEqual({});
    expect(ok(files, { profiles: ["tools"] }).services["opt"]?.dependsOn).toEqual({ tool: { condition: "service_started", required: false, restart: false } });
  });
  it("services named on the command line pull in their dependency chain and enable their profiles", () => {
    const p = ok(files, { services: ["debug"] });
    expect(Object.keys(p.services)).toEqual(["app", "db", "debug"]);
    expect(p.profiles).toEqual(["debug"]);
    expect(codes(load(files, { services: ["nope"] }))).toEqual(["DL-COMPOSE-027"]);
  });
  it("depending on a disabled service is an error", () => {
    const r = load({ "compose.yml": "services:\n  a: {image: a, depends_on: [b]}\n  b: {image: b, profiles: [x]}\n" });
    expect(codes(r)).toEqual(["DL-COMPOSE-018"]);
  });
});

describe("depends_on", () => {
  it("normalises short and long forms", () => {
    const p = ok({ "compose.yml": "services:\n  a: {image: a, depends_on: {b: {condition: service_healthy, restart: true}, c: {condition: service_completed_successfully, required: false}}}\n  b: {image: b}\n  c: {image: c}\n  d: {image: d, depends_on: [a]}\n" });
    expect(p.services["a"]?.dependsOn).toEqual({
      b: { condition: "service_healthy", required: true, restart: true },
      c: { condition: "service_completed_successfully", required: false, restart: false },
    });
    expect(p.services["d"]?.dependsOn).toEqual({ a: { condition: "service_started", required: true, restart: false } });
  });
  it("names the cycle", () => {
    const r = load({ "compose.yml": "services:\n  a: {image: a, depends_on: [b]}\n  b: {image: b, depends_on: [c]}\n  c: {image: c, depends_on: [a]}\n" });
    expect(!r.ok && r.diagnostics.map((d) => d.message)).toEqual(["depends_on forms a cycle: a → b → c → a"]);
  });
});

describe("extends and include", () => {
  it("extends a service in the same file and in another file, rebasing the other file's relative paths", () => {
    const p = ok({
      "compose.yml": "services:\n  base: {image: b, environment: {A: '1'}, volumes: ['./data:/data']}\n  web:\n    extends: base\n    environment: {B: '2'}\n  other:\n    extends: {file: lib/common.yml, service: tmpl}\n    user: me\n",
      "lib/common.yml": "services:\n  tmpl:\n    extends: root\n    build: ./ctx\n  root:\n    image: r\n    env_file: [vars.env]\n",
      "lib/vars.env": "V=lib",
    });
    expect(p.services["web"]).toMatchObject({ image: "b", environment: { A: "1", B: "2" }, volumes: [{ type: "bind", source: "/p/data", target: "/data" }] });
    expect(p.services["other"]).toMatchObject({ image: "r", user: "me", build: { context: "/p/lib/ctx" }, environment: { V: "lib" } });
    expect(p.composeFiles).toEqual(["/p/compose.yml", "/p/lib/common.yml"]);
  });
  it("reports a missing extended service, a missing file and a cycle", () => {
    expect(codes(load({ "compose.yml": "services:\n  a: {image: a, extends: nope}\n" }))).toEqual(["DL-COMPOSE-021"]);
    expect(codes(load({ "compose.yml": "services:\n  a: {image: a, extends: {file: gone.yml, service: x}}\n" }))).toEqual(["DL-COMPOSE-004"]);
    expect(codes(load({ "compose.yml": "services:\n  a: {image: a, extends: b}\n  b: {image: b, extends: a}\n" }))).toContain("DL-COMPOSE-022");
  });
  it("includes another project with its own directory and .env", () => {
    const p = ok({
      "compose.yml": "include:\n  - sub/compose.yml\nservices:\n  web: {image: w, depends_on: [db]}\n",
      "sub/compose.yml": "services:\n  db: {image: 'db:${DB_TAG}', volumes: ['./init:/init', 'dbdata:/var/lib']}\nvolumes:\n  dbdata: {}\n",
      "sub/.env": "DB_TAG=16",
    });
    expect(p.services["db"]).toMatchObject({ image: "db:16", volumes: [{ type: "bind", source: "/p/sub/init" }, { type: "volume", source: "dbdata" }] });
    expect(Object.keys(p.volumes)).toEqual(["dbdata"]);
  });
  it("extends is resolved within each file, before the files are merged", () => {
    const r = load({ "compose.yml": "services:\n  base: {image: b}\n", "compose.override.yml": "services:\n  web: {extends: base}\n" });
    expect(codes(r)).toEqual(["DL-COMPOSE-021"]);
  });
  it("accepts an included resource defined identically, reports a conflicting one", () => {
    expect(Object.keys(ok({ "compose.yml": "include: [sub.yml]\nservices: {db: {image: a}}\n", "sub.yml": "services: {db: {image: a}}\n" }).services)).toEqual(["db"]);
  });
  it("reports a conflicting include", () => {
    expect(codes(load({ "compose.yml": "include: [sub.yml]\nservices: {db: {image: a}}\n", "sub.yml": "services: {db: {image: b}}\n" }))).toEqual(["DL-COMPOSE-023"]);
  });
});

describe("normalisation", () => {
  it("normalises the common short syntaxes", () => {
    const p = ok({
      "compose.yml": [
        "services:",
        "  s:",
        "    image: a",
        "    command: echo 'hello world' \"x y\"",
        "    entrypoint: []",
        "    volumes: ['data:/d:ro', '/abs:/abs', {type: tmpfs, target: /t, tmpfs: {size: 1m}}, '/anon']",
        "    healthcheck: {test: curl -f http://x, interval: 1m30s, start_period: 5s, retries: 3}",
        "    deploy: {replicas: 2, resources: {limits: {cpus: '0.5', memory: 1g}}}",
        "    expose: ['3000-3001', 4000/udp]",
        "    stop_grace_period: 1m",
        "    restart: on-failure:3",
        "    extra_hosts: ['db:10.0.0.1', 'v6=::1']",
        "    secrets: [s, {source: s, target: custom}]",
        "    configs: [c]",
        "    build: {context: ./ctx, args: [A=1, PASS], target: dev}",
        "volumes: {data: {}}",
        "secrets: {s: {file: ./s.txt}}",
        "configs: {c: {content: hi}}",
      ].join("\n"),
    }, { environment: { PASS: "through" } });
    const s = p.services["s"];
    expect(s?.command).toEqual(["echo", "hello world", "x y"]);
    expect(s?.entrypoint).toBeNull();
    expect(s?.volumes).toEqual([
      { type: "volume", source: "data", target: "/d", readOnly: true, nocopy: false },
      { type: "bind", source: "/abs", target: "/abs", readOnly: false, createHostPath: true },
      { type: "tmpfs", target: "/t", readOnly: false, size: 1048576 },
      { type: "volume", target: "/anon", readOnly: false, nocopy: false },
    ]);
    expect(s?.healthcheck).toEqual({ test: ["CMD-SHELL", "curl -f http://x"], interval: 90_000, startPeriod: 5000, retries: 3, disable: false });
    expect(s?.replicas).toBe(2);
    expect(s?.deploy?.resources.limits).toEqual({ cpus: 0.5, memory: 1024 ** 3 });
    expect(s?.expose).toEqual([{ target: 3000, protocol: "tcp" }, { target: 3001, protocol: "tcp" }, { target: 4000, protocol: "udp" }]);
    expect(s?.stopGracePeriod).toBe(60);
    expect(s?.restart).toBe("on-failure");
    expect(s?.extraHosts).toEqual([{ host: "db", ip: "10.0.0.1" }, { host: "v6", ip: "::1" }]);
    expect(s?.secrets).toEqual([{ source: "s", target: "/run/secrets/s" }, { source: "s", target: "/run/secrets/custom" }]);
    expect(s?.configs).toEqual([{ source: "c", target: "/c" }]);
    expect(s?.build).toMatchObject({ context: "/p/ctx", dockerfile: "Dockerfile", args: { A: "1", PASS: "through" }, target: "dev" });
    expect(p.secrets["s"]).toEqual({ name: "p_s", file: "/p/s.txt", external: false });
    expect(p.volumes["data"]?.name).toBe("p_data");
  });
  it("folds cpus / mem_limit / mem_reservation / pids_limit into deploy.resources", () => {
    const p = ok({ "compose.yml": "services:\n  a: {image: a, cpus: 1.5, mem_limit: 512m, mem_reservation: 128m, pids_limit: 100, deploy: {replicas: 2}}\n" });
    expect(p.services["a"]?.deploy?.resources).toEqual({ limits: { cpus: 1.5, memory: 512 * 1024 ** 2, pids: 100 }, reservations: { memory: 128 * 1024 ** 2 } });
    const same = ok({ "compose.yml": "services:\n  a: {image: a, mem_limit: 1g, deploy: {resources: {limits: {memory: 1024m}}}}\n" });
    expect(same.services["a"]?.deploy?.resources).toEqual({ limits: { memory: 1024 ** 3 } });
  });
  it("reads file modes as compose-go does: leading-zero and 0o integers and every string are octal, other integers decimal", () => {
    const refs = (modes: string[]): string => modes.map((m, i) => `{source: s, target: /t${i}, mode: ${m}}`).join(", ");
    const p = ok({ "compose.yml": `services:\n  a: {image: a, secrets: [${refs(["0400", "0o440", "'0640'", '"600"', "'0o644'", "420"])}], volumes: [{type: tmpfs, target: /x, tmpfs: {mode: 01777}}]}\nsecrets:\n  s: {environment: HOME}\n` });
    expect(p.services["a"]?.secrets.map((s) => s.mode)).toEqual([0o400, 0o440, 0o640, 0o600, 0o644, 420]);
    expect(p.services["a"]?.volumes[0]).toMatchObject({ type: "tmpfs", mode: 0o1777 });
    const bad = load({ "compose.yml": "services:\n  a: {image: a, secrets: [{source: s, mode: 'rw'}]}\nsecrets:\n  s: {environment: HOME}\n" });
    expect(bad.ok ? [] : bad.diagnostics.map((d) => [d.code, d.path])).toEqual([["DL-COMPOSE-010", "services.a.secrets[0].mode"]]);
  });
  it("normalises post_start / pre_stop hooks and shm_size", () => {
    const p = ok({ "compose.yml": "services:\n  a:\n    image: a\n    shm_size: 1g\n    post_start: [{command: ./up --now, user: root}]\n    pre_stop: [{command: [./down], working_dir: /srv, environment: [A=1]}]\n" });
    expect(p.services["a"]).toMatchObject({
      shmSize: 1024 ** 3,
      postStart: [{ command: ["./up", "--now"], user: "root", environment: {} }],
      preStop: [{ command: ["./down"], workingDir: "/srv", environment: { A: "1" } }],
    });
  });
  it("refuses a service-level resource key that disagrees with deploy.resources, as compose-go does (a block without the field disagrees too)", () => {
    const r = load({ "compose.yml": "services:\n  a: {image: a, cpus: 1.5, mem_limit: 512m, mem_reservation: 128m, deploy: {resources: {limits: {memory: 1g}, reservations: {memory: 128m}}}}\n" });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.diagnostics.map((d) => [d.code, d.path, d.line])).toEqual([
      ["DL-COMPOSE-043", "services.a.cpus", 2],
      ["DL-COMPOSE-043", "services.a.mem_limit", 2],
    ]);
  });
  it("casts interpolated strings to numbers and booleans", () => {
    const p = ok({ "compose.yml": "services:\n  a: {image: a, init: '${INIT:-True}', tty: '${TTY:-0}', deploy: {replicas: '${N:-3}'}, ports: ['${P:-8080}:80']}\n" });
    expect(p.services["a"]).toMatchObject({ init: true, tty: false, replicas: 3, ports: [{ published: 8080, target: 80 }] });
  });
  it("keeps a remote build context as written", () => {
    const p = ok({ "compose.yml": "services:\n  a: {build: 'https://github.com/org/repo.git#main:dir'}\n  b: {build: {context: 'git@github.com:org/repo.git'}}\n" });
    expect(p.services["a"]?.build?.context).toBe("https://github.com/org/repo.git#main:dir");
    expect(p.services["b"]?.build?.context).toBe("git@github.com:org/repo.git");
  });
  it("keeps x-* extensions at every level", () => {
    const p = ok({ "compose.yml": "x-top: 1\nservices:\n  s: {image: a, x-devloop: {compile: {preset: go}}}\nvolumes:\n  v: {x-devloop: {size: 1Gi}}\n" });
    expect(p.extensions).toEqual({ "x-top": 1 });
    expect(p.services["s"]?.extensions).toEqual({ "x-devloop": { compile: { preset: "go" } } });
    expect(p.volumes["v"]?.extensions).toEqual({ "x-devloop": { size: "1Gi" } });
  });
  it("normalises develop.watch", () => {
    const p = ok({ "compose.yml": "services:\n  s:\n    image: a\n    develop:\n      watch:\n        - {action: sync, path: ./src, target: /app/src, ignore: [node_modules/], initial_sync: true}\n        - {action: sync+exec, path: pkg.json, target: /app/pkg.json, exec: {command: npm ci, user: root}}\n" });
    expect(p.services["s"]?.develop?.watch).toEqual([
      { action: "sync", path: "/p/src", target: "/app/src", ignore: ["node_modules/"], include: [], initialSync: true },
      { action: "sync+exec", path: "/p/pkg.json", target: "/app/pkg.json", ignore: [], include: [], initialSync: false, exec: { command: ["npm", "ci"], user: "root", environment: {} } },
    ]);
  });
  it("records a source map of services and their keys", () => {
    const p = ok({ "compose.yml": "services:\n  s:\n    image: a\n" });
    expect(p.sourceMap["services.s.image"]).toEqual({ file: "compose.yml", line: 3, column: 5 });
  });
  it("reports every problem, not just the first", () => {
    const r = load({ "compose.yml": "services:\n  a: {imag: x, ports: ['x']}\n  b: {image: b, healthcheck: {test: [curl], interval: 10}}\n" });
    expect(codes(r)).toEqual(["DL-COMPOSE-009", "DL-COMPOSE-012", "DL-COMPOSE-031", "DL-COMPOSE-014"]);
    expect(codes(load({ "compose.yml": "services:\n  a: {user: x}\n" }))).toEqual(["DL-COMPOSE-026"]);
  });
});
