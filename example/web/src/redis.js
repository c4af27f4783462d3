// A tiny RESP client: enough for GET, without a dependency.
const net = require("node:net");

exports.get = (host, key) =>
  new Promise((resolve, reject) => {
    const socket = net.connect(6379, host);
    let data = "";
    socket.setTimeout(1000, () => socket.destroy(new Error("redis timeout")));
    socket.on("error", reject);
    socket.on("data", (chunk) => {
      data += chunk;
      const m = /^\$(-?\d+)\r\n/.exec(data);
      if (!m) return;
      const len = Number(m[1]);
      if (len < 0) { socket.end(); resolve(null); return; }
      const start = m[0].length;
      if (data.length >= start + len) { socket.end(); resolve(data.slice(start, start + len)); }
    });
    socket.write(`*2\r\n$3\r\nGET\r\n$${Buffer.byteLength(key)}\r\n${key}\r\n`);
  });
