import { removeRunTempDir } from "./temp-dir";

/** Runs once after every test file of every group (jest.config.js). */
export default function globalTeardown(): void {
  removeRunTempDir();
}
