import type { Server } from "node:http";

/** The local API and its embedded DynamoDB listen on loopback only. */
export const LOCAL_HOST = "127.0.0.1";

export function closeServer(server: Server): Promise<void> {
  return new Promise((done, fail) => server.close((error) => (error ? fail(error) : done())));
}
