/** Least privilege of every function in both regions of the default (workshop) configuration. */
import { describeFunctionPolicies } from "./function-policies";

describeFunctionPolicies("two regions (the defaults)", {});
