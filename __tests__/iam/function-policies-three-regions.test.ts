/** Least privilege of every function in every region of a three-region configuration. */
import threeRegions from "../fixtures/three-regions.json";
import { describeFunctionPolicies } from "./function-policies";

describeFunctionPolicies("three regions (fixtures/three-regions.json)", threeRegions as never);
