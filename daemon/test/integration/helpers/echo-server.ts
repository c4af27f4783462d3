// A tiny HTTP server image on the bed's Node base, shared by the cluster tests. GET /anything answers
// {"host": <hostname>, "path": <path>, "greeting": $GREETING}; GET /fetch?url=U fetches U from inside the pod and
// returns its status and body (how tests prove pod -> Service reachability).
import type { V1Pod } from "@kubernetes/client-node";
import { bedImages } from "./bed-images.js";
import { buildImage } from "./docker-images.js";

const SERVER_JS = `
const http = require("node:http");
const os = require("node:os");
const port = Number(process.env.PORT || 8080);
http.createServer(async (req, res) => {
  const url = new URL(req.url, "http://x");
  if (url.pathname === "/fetch") {
    try {
      const r = await fetch(url.searchParams.get("url"), { signal: AbortSignal.timeout(5000) });
      res.end(JSON.stringify({ status: r.status, body: await r.text() }));
    } catch (e) {
      res.statusCode = 502;
      res.end(JSON.stringify({ error: String(e && e.cause ? e.cause : e) }));
    }
    return;
  }
  res.setHeader("content-type", "application/json");
  res.end(JSON.stringify({ host: os.hostname(), path: url.pathname, greeting: process.env.GREETING || "" }));
}).listen(port, () => console.log("listening on " + port));
`;

export async function buildEchoServerImage(): Promise<string> {
  return buildImage({
    repository: "devloop-test/echo",
    files: {
      Dockerfile: `ARG NODE_IMAGE\nFROM \${NODE_IMAGE}\nWORKDIR /srv\nCOPY server.js ./\nUSER 1000\nEXPOSE 8080\nCMD ["node", "server.js"]\n`,
      "server.js": SERVER_JS,
    },
    buildArgs: { NODE_IMAGE: bedImages().node },
  });
}

export interface EchoPodParams {
  readonly name: string;
  readonly image: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly env?: Readonly<Record<string, string>>;
}

export function echoPod(params: EchoPodParams): V1Pod {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: params.name, labels: { app: params.name, ...(params.labels ?? {}) } },
    spec: {
      terminationGracePeriodSeconds: 0,
      containers: [
        {
          name: "echo",
          image: params.image,
          imagePullPolicy: "Never",
          ports: [{ containerPort: 8080 }],
          env: Object.entries(params.env ?? {}).map(([name, value]) => ({ name, value })),
          readinessProbe: { httpGet: { path: "/healthz", port: 8080 }, periodSeconds: 1 },
        },
      ],
    },
  };
}
