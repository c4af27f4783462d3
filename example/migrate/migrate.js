// One-shot migration: records the schema version in redis, then exits 0. web waits for it.
const net = require("node:net");
const host = process.env.REDIS_HOST || "cache";
const version = "3";
const socket = net.connect(6379, host, () => {
  socket.write(`*3\r\n$3\r\nSET\r\n$14\r\nschema_version\r\n$${version.length}\r\n${version}\r\n`);
});
socket.setTimeout(5000, () => { console.error("migrate: redis timeout"); process.exit(1); });
socket.on("data", (d) => {
  const reply = String(d);
  if (reply.startsWith("+OK")) { console.log(`migrate: schema_version=${version}`); process.exit(0); }
  console.error(`migrate: unexpected reply ${JSON.stringify(reply)}`); process.exit(1);
});
socket.on("error", (e) => { console.error(`migrate: ${e.message}`); process.exit(1); });
