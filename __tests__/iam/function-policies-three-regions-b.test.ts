/**
 * Least privilege of the functions of a three-region configuration, Tokyo (with Oregon, whose keyed creates it retries); the other
 * file takes the rest (one file for all three would pass 10 s).
 */
import threeRegions from "../fixtures/three-regions.json";
import { describeFunctionPolicies } from "./function-policies";

describeFunctionPolicies(
  "three regions (fixtures/three-regions.json): Tokyo (with Oregon, whose keyed creates it retries)",
  threeRegions as never,
  ["ap-northeast-1", "us-west-2"],
);
