import { createRunTempDir } from "./temp-dir";

/** Runs once before any test file of any group (jest.config.js). */
export default function globalSetup(): void {
  createRunTempDir();
}
