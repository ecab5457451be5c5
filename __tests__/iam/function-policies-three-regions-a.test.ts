/**
 * Least privilege of the functions of a three-region configuration, Oregon and Frankfurt; the other
 * file takes the rest (one file for all three would pass 10 s).
 */
import threeRegions from "../fixtures/three-regions.json";
import { describeFunctionPolicies } from "./function-policies";

describeFunctionPolicies("three regions (fixtures/three-regions.json): Oregon and Frankfurt", threeRegions as never, [
  "us-west-2",
  "eu-central-1",
]);
