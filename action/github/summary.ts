import * as core from '@actions/core';

/**
 * Appends Markdown to the job summary (`GITHUB_STEP_SUMMARY`); returns false when the runner
 * provides none (local runs).
 */
export async function writeJobSummary(
  markdown: string,
  env: Readonly<Record<string, string | undefined>>,
): Promise<boolean> {
  if (!env.GITHUB_STEP_SUMMARY) return false;
  await core.summary.addRaw(markdown, true).write();
  core.summary.emptyBuffer();
  return true;
}
