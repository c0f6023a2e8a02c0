import { execa } from 'execa';
import { DataError } from '../errors.js';

/** git as a child process: argument arrays only (no shell), results instead of rejections. */

/** Hide credentials embedded in a URL (`https://user:token@host/…`). */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@]*@/i, '$1***@');
}

export interface GitResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface GitRunOptions {
  /** Return a failed result instead of throwing (git in a clone only). */
  allowFailure?: boolean;
  /** Written to git's stdin; without it stdin is closed. */
  input?: string;
}

/** git run in one clone; throws a DataError on failure unless `allowFailure`. */
export type Git = (args: string[], options?: GitRunOptions) => Promise<GitResult>;

/** Runs git once; never throws for a non-zero exit (nor for git missing: exit code -1). */
export async function runGit(
  args: string[],
  options: { cwd?: string; env?: Record<string, string>; input?: string } = {},
): Promise<GitResult> {
  const result = await execa('git', args, {
    cwd: options.cwd,
    env: options.env,
    reject: false,
    input: options.input,
    stdin: options.input === undefined ? 'ignore' : undefined,
  });
  return {
    exitCode: result.exitCode ?? -1,
    stdout: String(result.stdout ?? ''),
    stderr: String(result.stderr ?? ''),
  };
}

/**
 * Environment for git that never prompts (a CI job would hang) and speaks the C locale (error
 * texts are matched), then `extra` and the auth variables (git-auth.ts's extraHeaderEnv).
 */
export function gitEnv(
  extra: Record<string, string> | undefined,
  authEnv: Record<string, string>,
): Record<string, string> {
  return {
    GIT_TERMINAL_PROMPT: '0',
    GIT_ASKPASS: 'echo',
    LC_ALL: 'C',
    LANG: 'C',
    ...extra,
    ...authEnv,
  };
}

/** git bound to a clone; failures name the store (`description`) and its remote, credentials redacted. */
export function gitIn(
  dir: string,
  env: Record<string, string>,
  store: { description: string; remoteUrl: string },
): Git {
  return async (args, options = {}) => {
    const out = await runGit(args, { cwd: dir, env, input: options.input });
    if (out.exitCode !== 0 && !options.allowFailure) {
      throw new DataError(
        `${store.description}: git ${args.filter((a) => !a.startsWith('user.')).join(' ')} failed: ` +
          redactUrl(out.stderr.trim() || `exit ${out.exitCode}`),
        store.remoteUrl,
      );
    }
    return out;
  };
}
