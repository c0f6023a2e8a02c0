import { runGit } from './git-command.js';

/**
 * Credentials for the data branch's remote: `http.<url>.extraheader` values, taken from a token or
 * from a checkout's git config, and kept out of argv and out of messages.
 */

/** Reads `http.<url>.extraheader` entries of the repository at `cwd` (actions/checkout stores its token so). */
export async function inheritedExtraHeaders(cwd: string): Promise<Record<string, string>> {
  const result = await runGit(['-C', cwd, 'config', '--local', '--get-regexp', '^http\\..*\\.extraheader$']);
  const headers: Record<string, string> = {};
  if (result.exitCode !== 0) return headers;
  for (const line of result.stdout.split('\n')) {
    const m = /^http\.(.+)\.extraheader (.+)$/i.exec(line.trim());
    if (m?.[1] && m[2]) headers[m[1]] = m[2];
  }
  return headers;
}

/**
 * `AUTHORIZATION` extra header for an HTTPS remote and a GitHub token (what actions/checkout
 * configures), keyed by the server URL: `{ 'https://github.com/': 'AUTHORIZATION: basic …' }`.
 */
export function tokenExtraHeader(serverUrl: string, token: string): Record<string, string> {
  const base = serverUrl.endsWith('/') ? serverUrl : `${serverUrl}/`;
  const basic = Buffer.from(`x-access-token:${token}`, 'utf8').toString('base64');
  return { [base]: `AUTHORIZATION: basic ${basic}` };
}

/**
 * Extra headers as `GIT_CONFIG_*` environment variables: argv would show the token to other users
 * of a self-hosted runner.
 */
export function extraHeaderEnv(headers: Record<string, string>): Record<string, string> {
  const entries = Object.entries(headers);
  if (entries.length === 0) return {};
  const env: Record<string, string> = { GIT_CONFIG_COUNT: String(entries.length) };
  entries.forEach(([url, value], i) => {
    env[`GIT_CONFIG_KEY_${i}`] = `http.${url}.extraheader`;
    env[`GIT_CONFIG_VALUE_${i}`] = value;
  });
  return env;
}
