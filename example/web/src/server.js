const http = require("node:http");
const fs = require("node:fs");
const path = require("node:path");
const redis = require("./redis.js");

const settings = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "config", "settings.json"), "utf8"));

const server = http.createServer(async (req, res) => {
  if (req.url === "/healthz") { res.end("ok"); return; }
  // Re-required per request so a synced file is served at once, without a restart.
  delete require.cache[require.resolve("./message.js")];
  const { message } = require("./message.js");
  let api = null;
  let schema = null;
  try { api = await (await fetch(`${process.env.API_URL}/`)).json(); } catch (e) { api = { error: String(e.message) }; }
  try { schema = await redis.get(process.env.REDIS_HOST || "cache", "schema_version"); } catch (e) { schema = `error: ${e.message}`; }
  res.setHeader("content-type", "application/json");
  res.end(JSON.stringify({ title: settings.title, greeting: process.env.GREETING, message, api, schema }) + "\n");
});

server.listen(3000, () => console.log("web listening on :3000"));
process.on("SIGTERM", () => {
  server.close(() => process.exit(0));
  // Idle keep-alive connections would hold close() open (Node 18 does not drop them by itself).
  server.closeIdleConnections();
});
