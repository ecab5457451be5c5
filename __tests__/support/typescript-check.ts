import { writeFileSync } from "node:fs";
import { join } from "node:path";
import ts from "typescript";

/** What the workshop UI (MultiRegion/2_UI) reads from `environment`, as a strict type check. */
const UI_CONSUMER = [
  'import { environment } from "./environment";',
  "// main.ts, cognito.service.ts, ticket.service.ts and config.guard.ts read these settings.",
  "const settings: { production: boolean; region: string; cognitoIdentityPoolId: string; facebookAppId: string; ticketAPI: string } = environment;",
  'export const hasTrailingSlash: boolean = settings.ticketAPI.slice(-1) === "/";',
  "",
].join("\n");

/**
 * Type-checks `environmentFile` (copied into `dir` as environment.ts) the way the workshop UI
 * uses it, with the TypeScript compiler in strict mode. Returns the diagnostics, one line each.
 */
export function uiTypeErrors(dir: string, environmentSource: string): string[] {
  writeFileSync(join(dir, "environment.ts"), environmentSource);
  writeFileSync(join(dir, "consumer.ts"), UI_CONSUMER);
  const program = ts.createProgram([join(dir, "consumer.ts")], {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ES2022,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    lib: ["lib.es2022.d.ts"],
    types: [],
  });
  return ts
    .getPreEmitDiagnostics(program)
    .map((diagnostic) => `${diagnostic.file?.fileName ?? ""}: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, " ")}`);
}
