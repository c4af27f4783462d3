import { describe, expect, it } from "vitest";
import { localEndpointCheck, shellTokens } from "./local-endpoint-check.js";
import { toReadinessProbe } from "./probe.js";

const EXAMPLE_NODE = "fetch('http://127.0.0.1:3000/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))";

describe("localEndpointCheck: HTTP fetches", () => {
  it.each([
    [["CMD", "curl", "-f", "http://localhost:8080/health"], { tool: "curl", port: 8080, path: "/health" }],
    [["CMD", "curl", "-fsS", "http://127.0.0.1:3000/healthz?deep=1"], { tool: "curl", port: 3000, path: "/healthz?deep=1" }],
    [["CMD", "curl", "--fail", "--silent", "--show-error", "-o", "/dev/null", "localhost:9000"], { tool: "curl", port: 9000, path: "/" }],
    [["CMD-SHELL", "curl -f http://localhost/ || exit 1"], { tool: "curl", port: 80, path: "/" }],
    [["CMD-SHELL", "curl -sf 'http://localhost:5000/ping' >/dev/null 2>&1 || exit"], { tool: "curl", port: 5000, path: "/ping" }],
    [["CMD-SHELL", "wget -q --spider http://127.0.0.1:8000/ready"], { tool: "wget", port: 8000, path: "/ready" }],
    [["CMD-SHELL", "wget -qO- http://localhost:8000/ || exit 1"], { tool: "wget", port: 8000, path: "/" }],
    [["CMD", "wget", "-q", "-O", "-", "http://localhost:8000/x"], { tool: "wget", port: 8000, path: "/x" }],
    [["CMD", "wget", "-nv", "--tries=1", "--spider", "http://localhost:8000/x"], { tool: "wget", port: 8000, path: "/x" }],
    [["CMD", "node", "-e", EXAMPLE_NODE], { tool: "node", port: 3000, path: "/healthz" }],
    [["CMD-SHELL", `node -e "${EXAMPLE_NODE}"`], { tool: "node", port: 3000, path: "/healthz" }],
    [["CMD", "node", "-e", "fetch(\"http://localhost:3000/h\").then((res) => { if (!res.ok) process.exit(1) }).catch(() => process.exit(1))"], { tool: "node", port: 3000, path: "/h" }],
    [["CMD", "sh", "-c", "curl -f http://localhost:8080/ || exit 1"], { tool: "curl", port: 8080, path: "/" }],
    [["CMD", "/usr/bin/curl", "-f", "http://[::1]:8080/"], { tool: "curl", port: 8080, path: "/" }],
  ])("%j → httpGet", (test, expected) => {
    expect(localEndpointCheck(test)).toEqual({ kind: "http", scheme: "HTTP", ...expected });
  });

  it("takes HTTPS only from curl -k (the kubelet never checks the certificate; curl without -k does)", () => {
    expect(localEndpointCheck(["CMD", "curl", "-fk", "https://localhost:8443/h"])).toEqual({ kind: "http", tool: "curl", scheme: "HTTPS", port: 8443, path: "/h" });
    expect(localEndpointCheck(["CMD", "curl", "-f", "https://localhost:8443/h"])).toBeUndefined();
    expect(localEndpointCheck(["CMD", "wget", "-q", "https://localhost:8443/h"])).toBeUndefined();
  });

  it("keeps the tool's own time limit", () => {
    expect(localEndpointCheck(["CMD", "curl", "-f", "-m", "2", "http://localhost:1/"])).toMatchObject({ toolTimeoutSeconds: 2 });
    expect(localEndpointCheck(["CMD", "curl", "-f", "--max-time=1.5", "http://localhost:1/"])).toMatchObject({ toolTimeoutSeconds: 1.5 });
    expect(localEndpointCheck(["CMD", "wget", "-q", "-T", "3", "http://localhost:1/"])).toMatchObject({ toolTimeoutSeconds: 3 });
  });
});

describe("localEndpointCheck: TCP", () => {
  it("nc -z → tcpSocket", () => {
    expect(localEndpointCheck(["CMD", "nc", "-z", "localhost", "6379"])).toEqual({ kind: "tcp", tool: "nc", port: 6379, reason: "connect" });
    expect(localEndpointCheck(["CMD-SHELL", "nc -zv -w 2 127.0.0.1 5432"])).toEqual({ kind: "tcp", tool: "nc", port: 5432, reason: "connect", toolTimeoutSeconds: 2 });
  });
  it("curl without -f takes any HTTP answer (a 500 too): only the port is checked, as tcpSocket", () => {
    expect(localEndpointCheck(["CMD", "curl", "-s", "http://localhost:8080/"])).toEqual({ kind: "tcp", tool: "curl", port: 8080, reason: "any-http-answer" });
  });
});

describe("localEndpointCheck: stays exec", () => {
  it.each([
    ["another host", ["CMD", "curl", "-f", "http://db:5432/"]],
    ["a host name that only looks local", ["CMD", "curl", "-f", "http://localhost.example.com/"]],
    ["headers", ["CMD", "curl", "-f", "-H", "Authorization: x", "http://localhost/"]],
    ["auth", ["CMD", "curl", "-f", "-u", "a:b", "http://localhost/"]],
    ["user info in the URL", ["CMD", "curl", "-f", "http://a:b@localhost/"]],
    ["HEAD", ["CMD", "curl", "-fI", "http://localhost/"]],
    ["another method", ["CMD", "curl", "-f", "-X", "POST", "http://localhost/"]],
    ["two URLs", ["CMD", "curl", "-f", "http://localhost/", "http://localhost/b"]],
    ["curl globbing", ["CMD", "curl", "-f", "http://localhost/{a,b}"]],
    ["output to a file", ["CMD", "curl", "-f", "-o", "/tmp/x", "http://localhost/"]],
    ["a pipe", ["CMD-SHELL", "curl -s http://localhost/ | grep ok"]],
    ["&&", ["CMD-SHELL", "curl -f http://localhost/ && echo ok"]],
    ["|| another command", ["CMD-SHELL", "curl -f http://localhost/ || wget -q http://localhost/"]],
    ["|| exit 0 (always healthy)", ["CMD-SHELL", "curl -f http://localhost/ || exit 0"]],
    ["a variable", ["CMD-SHELL", "curl -f http://localhost:$PORT/"]],
    ["a variable in double quotes", ["CMD-SHELL", 'curl -f "http://localhost:${PORT}/"']],
    ["a command substitution", ["CMD-SHELL", "curl -f http://$(hostname):80/"]],
    ["a redirection to a file", ["CMD-SHELL", "curl -f http://localhost/ > /tmp/out"]],
    ["; another command", ["CMD-SHELL", "curl -f http://localhost/; true"]],
    ["ftp", ["CMD", "curl", "-f", "ftp://localhost/"]],
    ["nc without -z", ["CMD", "nc", "localhost", "80"]],
    ["nc to another host", ["CMD", "nc", "-z", "db", "5432"]],
    ["node with other code", ["CMD", "node", "-e", "fetch('http://127.0.0.1:3000/').then(r=>r.text()).then(t=>process.exit(t==='ok'?0:1))"]],
    ["node fetch of another host", ["CMD", "node", "-e", "fetch('http://api:3000/').then(r=>process.exit(r.ok?0:1))"]],
    ["node status 200 only", ["CMD", "node", "-e", "fetch('http://127.0.0.1:3000/').then(r=>process.exit(r.status===200?0:1))"]],
    ["node script file", ["CMD", "node", "healthcheck.js"]],
    ["redis-cli", ["CMD", "redis-cli", "ping"]],
    ["sh -c with extra arguments", ["CMD", "sh", "-c", "curl -f http://localhost/", "x"]],
    ["an unknown wget option", ["CMD", "wget", "--header=X: y", "http://localhost/"]],
    ["wget -O to a file", ["CMD", "wget", "-O", "/tmp/x", "http://localhost/"]],
    ["NONE", ["NONE"]],
  ])("%s", (_why, test) => {
    expect(localEndpointCheck(test)).toBeUndefined();
  });
});

describe("shellTokens", () => {
  it("reads words, quotes and the redirections it knows", () => {
    expect(shellTokens(`curl -f 'a b' "c" 2>&1 >/dev/null || exit 1`)).toEqual([
      { word: "curl" },
      { word: "-f" },
      { word: "a b" },
      { word: "c" },
      { op: "2>&1" },
      { op: ">" },
      { word: "/dev/null" },
      { op: "||" },
      { word: "exit" },
      { word: "1" },
    ]);
    expect(shellTokens("x 2>/dev/null")).toEqual([{ word: "x" }, { op: "2>" }, { word: "/dev/null" }]);
    expect(shellTokens("echo $HOME")).toBeUndefined();
    expect(shellTokens("echo 'open")).toBeUndefined();
  });
});

describe("toReadinessProbe with local endpoints", () => {
  const hc = { interval: 2000, timeout: 2000, retries: 10, startPeriod: 1000, disable: false };
  it("turns the example's node fetch into httpGet, keeping interval/timeout/retries/start_period", () => {
    expect(toReadinessProbe({ ...hc, test: ["CMD", "node", "-e", EXAMPLE_NODE] }, [3000])).toEqual({
      httpGet: { path: "/healthz", port: 3000 },
      initialDelaySeconds: 1,
      periodSeconds: 2,
      timeoutSeconds: 2,
      failureThreshold: 10,
      successThreshold: 1,
    });
  });
  it("nc -z → tcpSocket; the tool's shorter limit becomes timeoutSeconds", () => {
    expect(toReadinessProbe({ ...hc, timeout: 10_000, test: ["CMD-SHELL", "nc -z -w 3 localhost 6379"] }, [6379])).toMatchObject({ tcpSocket: { port: 6379 }, timeoutSeconds: 3 });
  });
  it("HTTPS from curl -k", () => {
    expect(toReadinessProbe({ ...hc, test: ["CMD", "curl", "-fk", "https://localhost:8443/"] }, [8443])).toMatchObject({ httpGet: { path: "/", port: 8443, scheme: "HTTPS" } });
  });
  it("stays exec when the port is not declared (the kubelet connects to the pod IP, not 127.0.0.1)", () => {
    expect(toReadinessProbe({ ...hc, test: ["CMD", "curl", "-f", "http://localhost:3000/"] }, [8080])).toMatchObject({ exec: { command: ["curl", "-f", "http://localhost:3000/"] } });
    expect(toReadinessProbe({ ...hc, test: ["CMD", "curl", "-f", "http://localhost:3000/"] })).toMatchObject({ exec: {} });
  });
  it("stays exec for anything else", () => {
    expect(toReadinessProbe({ ...hc, test: ["CMD-SHELL", "curl -s http://localhost:3000/ | grep ok"] }, [3000])).toMatchObject({ exec: { command: ["/bin/sh", "-c", "curl -s http://localhost:3000/ | grep ok"] } });
  });
});
