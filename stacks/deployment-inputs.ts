import { Construct } from "constructs";
import { TerraformVariable, type TerraformStack } from "cdktf";
import type { TicketsConfig } from "../config/schema";

/** The settings that differ per deployment of the same regions. */
export type DeploymentInputs = Pick<TicketsConfig, "domainName" | "hostedZoneId" | "tableName">;

/**
 * The per-deployment settings as Terraform input variables (for the plain Terraform module):
 * each one replaces its config value in every resource, with the same rules as the config.
 */
export function deploymentVariables(stack: TerraformStack, config: TicketsConfig): DeploymentInputs {
  const scope = new Construct(stack, "deployment-inputs");
  const variable = (name: string, description: string, pattern: string, errorMessage: string, defaultValue?: string) => {
    const input = new TerraformVariable(scope, name, {
      type: "string",
      description,
      default: defaultValue,
      nullable: false,
      validation: [{ condition: `\${can(regex("${pattern}", var.${name}))}`, errorMessage }],
    });
    input.overrideLogicalId(name);
    return input.stringValue;
  };

  return {
    domainName: variable(
      "domain_name",
      "Apex domain of the hosted zone; the API is served at api.<domain_name>",
      "^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\\\.)+[a-z]{2,63}$",
      "domain_name must be a lowercase DNS name with at least one dot, e.g. example.com.",
    ),
    hostedZoneId: variable(
      "hosted_zone_id",
      "Route 53 hosted zone id of domain_name",
      "^Z[A-Z0-9]{1,31}$",
      "hosted_zone_id must be a Route 53 hosted zone id such as Z0123456789ABCDEFGHIJ.",
    ),
    tableName: variable(
      "table_name",
      "Name of the DynamoDB global table",
      "^[A-Za-z0-9_.-]{3,255}$",
      "table_name must be 3-255 letters, digits, underscores, dots or hyphens.",
      config.tableName,
    ),
  };
}
