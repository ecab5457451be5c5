import { API_LABEL, type TicketsConfig } from "./schema";

/** The URL clients use, failing over between regions: `https://api.<domain>/`. */
export function apiUrl(config: Pick<TicketsConfig, "domainName">): string {
  return `https://${API_LABEL}.${config.domainName}/`;
}

/** A region's own URL: `https://<label>.<domain>/`. */
export function regionUrl(config: Pick<TicketsConfig, "domainName">, label: string): string {
  return `https://${label}.${config.domainName}/`;
}
