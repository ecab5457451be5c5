/**
 * The GitHub Actions run a summary was made in, from the variables every Actions job has, so
 * the summary can link the commit that was planned and the run that holds the plan file.
 */
export interface GitHubRun {
  /** `https://github.com`, or a GitHub Enterprise Server URL. */
  readonly serverUrl: string;
  /** `owner/name` */
  readonly repository: string;
  /** The commit the job checked out: on a pull request, the merge commit that was planned. */
  readonly sha: string;
  readonly runId: string;
  /** Re-runs keep the run id and count attempts from 1. */
  readonly runAttempt: string | undefined;
}

/**
 * The run described by `GITHUB_SERVER_URL`, `GITHUB_REPOSITORY`, `GITHUB_SHA`, `GITHUB_RUN_ID`
 * (and `GITHUB_RUN_ATTEMPT`); `undefined` outside Actions or when one of them is not the
 * shape GitHub gives it, so nothing odd ends up in a link.
 */
export function githubRunFromEnv(env: NodeJS.ProcessEnv): GitHubRun | undefined {
  const { GITHUB_SERVER_URL: serverUrl, GITHUB_REPOSITORY: repository, GITHUB_SHA: sha, GITHUB_RUN_ID: runId } = env;
  if (
    serverUrl === undefined ||
    !/^https?:\/\/[\w.-]+(?::\d+)?$/.test(serverUrl) ||
    repository === undefined ||
    !/^[\w.-]+\/[\w.-]+$/.test(repository) ||
    sha === undefined ||
    !/^[0-9a-f]{40}$/.test(sha) ||
    runId === undefined ||
    !/^\d+$/.test(runId)
  ) {
    return undefined;
  }
  const attempt = env.GITHUB_RUN_ATTEMPT;
  return { serverUrl, repository, sha, runId, runAttempt: attempt !== undefined && /^\d+$/.test(attempt) ? attempt : undefined };
}

export function commitUrl(run: GitHubRun): string {
  return `${run.serverUrl}/${run.repository}/commit/${run.sha}`;
}

export function runUrl(run: GitHubRun): string {
  const attempt = run.runAttempt === undefined ? "" : `/attempts/${run.runAttempt}`;
  return `${run.serverUrl}/${run.repository}/actions/runs/${run.runId}${attempt}`;
}
