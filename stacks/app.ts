import type { App } from "cdktf";
import type { TicketsConfig } from "../config/schema";
import { StateBootstrapStack } from "./state-bootstrap-stack";
import { TicketsStack } from "./tickets-stack";

/** Stack names: the folders under `cdktf.out/stacks/` and the arguments of `cdktf deploy`. */
export const STACK_NAMES = { stateBootstrap: "tickets-state", tickets: "tickets" } as const;

/** Adds every stack of the project to `app`. */
export function buildStacks(app: App, config: TicketsConfig) {
  return {
    stateBootstrap: new StateBootstrapStack(app, STACK_NAMES.stateBootstrap, {
      config,
      // Relative to cdktf.out/stacks/<stack>/: the project root, outside the synth output.
      localStatePath: `../../../terraform.${STACK_NAMES.stateBootstrap}.tfstate`,
    }),
    tickets: new TicketsStack(app, STACK_NAMES.tickets, { config }),
  };
}
