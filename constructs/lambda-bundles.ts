import { Construct } from "constructs";
import { AssetType, TerraformAsset } from "cdktf";
import { HANDLER_NAMES, type HandlerName } from "../contract/handlers";
import { bundleHandlers } from "../bundling/lambda-bundle";

/** A handler's deployment package as the Lambda function resource needs it. */
export interface LambdaBundle {
  /** Path of the zip, relative to the synthesized stack. */
  readonly filename: string;
  /** Base64 SHA-256 of the zip (`filebase64sha256`): it changes only when the code does. */
  readonly sourceCodeHash: string;
}

export interface LambdaBundlesProps {
  /** Folder the zips are built into before the synth copies them into the stack. */
  readonly buildDir: string;
}

/**
 * Every handler bundled once (esbuild, deterministic zip) and shared by all regions, so
 * that the same source gives the same bytes and an unchanged `source_code_hash`.
 */
export class LambdaBundles extends Construct {
  readonly bundles: Readonly<Record<HandlerName, LambdaBundle>>;

  constructor(scope: Construct, id: string, props: LambdaBundlesProps) {
    super(scope, id);
    const built = bundleHandlers(props.buildDir);
    this.bundles = Object.fromEntries(
      HANDLER_NAMES.map((name) => {
        const { zipPath, sha256 } = built[name];
        const asset = new TerraformAsset(this, name, { path: zipPath, type: AssetType.FILE });
        return [name, { filename: asset.path, sourceCodeHash: sha256 }];
      }),
    ) as Record<HandlerName, LambdaBundle>;
  }
}
