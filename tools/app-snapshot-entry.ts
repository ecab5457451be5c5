// The entry of the app's V8 start-up snapshot (tools/app-snapshot.cjs bundles it with
// everything it imports, cdktf included, and has `node --build-snapshot` run the bundle).
// Building the snapshot loads every module the app is made of: cdktf, constructs, the provider
// classes, zod, our stacks. A synth starts from that heap and only runs main.ts, which reads
// the environment and the config, builds the stacks and synthesizes (its import of the modules
// above finds them loaded).
//
// `require`, not `import`: the order matters. fflate keeps a streaming TextDecoder (for
// strFromU8, which we don't call) whose native converter a snapshot can't hold (V8 aborts:
// "global handle not serialized"); hidden while the modules load, fflate does without.
import { startupSnapshot } from "node:v8";

const globals = globalThis as { TextDecoder?: typeof TextDecoder };
const { TextDecoder: textDecoder } = globals;
globals.TextDecoder = undefined;
try {
  require("cdktf");
  require("../config/load");
  require("../stacks/app");
} finally {
  globals.TextDecoder = textDecoder;
}

startupSnapshot.setDeserializeMainFunction(() => {
  // esbuild's sync API (the Lambda bundling, when a handler changed) runs in a worker thread
  // by default; in a process started from this snapshot, on Node 20, the worker never answers
  // and the synth hangs. Its other mode, a child process per call, builds the same bytes.
  process.env.ESBUILD_WORKER_THREADS = "0";
  require("../main");
});
