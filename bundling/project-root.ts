import { resolve } from "node:path";

/**
 * The repository root. Every module that needs it sits one folder below the root, and so
 * does the bundled app (`dist/app.cjs`, see tools/run-app.mjs): `..` is right in both.
 */
export const PROJECT_ROOT = resolve(__dirname, "..");
