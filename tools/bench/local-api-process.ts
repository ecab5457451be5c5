/**
 * The local API in a process of its own for the load test (the client must not share the
 * server's event loop). The one bench file that knows where the local server lives: when it
 * moves, only the import below changes.
 *
 * Prints one JSON line `{"url": "http://127.0.0.1:<port>/"}` when listening; SIGTERM stops it.
 */
import { startLocalApi } from "../local-api/server";

async function main(): Promise<void> {
  const api = await startLocalApi({ port: 0 });
  console.log(JSON.stringify({ url: api.url }));
  process.once("SIGTERM", () => {
    api.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
