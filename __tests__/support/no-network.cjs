/**
 * Preload (`node --require`) that makes any network use fail loudly: every TCP connection and
 * DNS lookup is refused and reported on stderr as `NETWORK ATTEMPT`. Tests run third-party
 * CLIs under it to prove they work offline (no telemetry, no update check, no remote refs).
 * Loopback is allowed so that local servers keep working.
 */
const net = require("node:net");
const dns = require("node:dns");

const LOOPBACK = new Set(["127.0.0.1", "::1", "localhost"]);

function refuse(what) {
  process.stderr.write(`NETWORK ATTEMPT: ${what}\n`);
  return new Error(`network access refused in this test: ${what}`);
}

const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function (...args) {
  const options =
    typeof args[0] === "object" && args[0] !== null
      ? Array.isArray(args[0])
        ? args[0][0]
        : args[0]
      : { port: args[0], host: args[1] };
  const host = options.host ?? "localhost";
  if (options.path === undefined && !LOOPBACK.has(host)) {
    const error = refuse(`connect ${host}:${options.port}`);
    process.nextTick(() => this.destroy(error));
    return this;
  }
  return connect.apply(this, args);
};

const lookup = dns.lookup;
dns.lookup = function (hostname, ...rest) {
  if (!LOOPBACK.has(hostname)) {
    const callback = rest[rest.length - 1];
    const error = refuse(`dns ${hostname}`);
    if (typeof callback === "function") process.nextTick(() => callback(error));
    return;
  }
  return lookup.call(this, hostname, ...rest);
};
