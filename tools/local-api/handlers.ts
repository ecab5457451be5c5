import { resolve } from "node:path";
import { PROJECT_ROOT } from "../../build/project-root";
import { HANDLER_NAMES, HANDLERS, type HandlerName } from "../../contract/handlers";
import type { ProxyHandler } from "../../lambdas/core/http";

/**
 * Every handler module, required from source. Call it only after the environment is set:
 * importing a handler is its cold start, where it reads its environment once.
 */
export function loadHandlers(): Record<HandlerName, ProxyHandler> {
  return Object.fromEntries(
    HANDLER_NAMES.map((name) => {
      const module = require(resolve(PROJECT_ROOT, HANDLERS[name].entry)) as { handler: ProxyHandler };
      return [name, module.handler];
    }),
  ) as Record<HandlerName, ProxyHandler>;
}
