import { nodeVersionNotice } from "../../tools/local-api/main";

describe("the local API on an old Node version", () => {
  test("Node 20: the SDK's nine-line warning is switched off its documented way, one line says what to do", () => {
    const env: NodeJS.ProcessEnv = {};
    expect(nodeVersionNotice("v20.20.2", env)).toBe(
      "Node v20.20.2 is past its end of life and AWS SDK releases after early 2027 need Node 22: use Node 22 (.nvmrc)",
    );
    expect(env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED).toBe("true");
  });

  test.each(["v22.11.0", "v24.1.0"])("%s: nothing to say, nothing switched off", (version) => {
    const env: NodeJS.ProcessEnv = {};
    expect(nodeVersionNotice(version, env)).toBeUndefined();
    expect(env).toEqual({});
  });

  test("a user's own setting of the SDK variable is kept", () => {
    const env: NodeJS.ProcessEnv = { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "false" };
    expect(nodeVersionNotice("v20.20.2", env)).toBeUndefined();
    expect(env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED).toBe("false");
  });
});
