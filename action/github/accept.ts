import { type Acceptance, parseAcceptCommands } from '../../src/gate/accept.js';
import { errorMessage, type GitHubApi } from './octokit.js';

/** Repository roles that may accept a regression. */
const MAY_ACCEPT = new Set(['admin', 'maintain', 'write']);

/** Whether a role permissionOf returned may accept a regression. */
export function mayAccept(role: string): boolean {
  return MAY_ACCEPT.has(role);
}

interface ApiComment {
  body?: string | null;
  user?: { login?: string | null; type?: string | null } | null;
  html_url?: string;
  created_at?: string;
  updated_at?: string;
}

export interface ReadAcceptances {
  accepted: Acceptance[];
  /** Commands not honoured, and why (no write access, a bot, the permission unreadable). */
  refused: string[];
}

/**
 * The `/trt-gate accept <entry-glob> @<commit> [--up-to <N>%] [reason]` commands in the pull request's comments, from
 * users whose permission on this repository (GET /repos/{o}/{r}/collaborators/{user}/permission)
 * is write, maintain or admin. Everything else is refused, saying why: a fork author without write
 * access, a bot, or a permission the API would not tell (fail closed). Nothing from the PR's own
 * files is read.
 */
export async function readAcceptances(
  api: GitHubApi,
  owner: string,
  repo: string,
  pullNumber: number,
): Promise<ReadAcceptances> {
  const comments = (await api.paginate('GET /repos/{owner}/{repo}/issues/{issue_number}/comments', {
    owner,
    repo,
    issue_number: pullNumber,
    per_page: 100,
  })) as ApiComment[];
  const accepted: Acceptance[] = [];
  const refused: string[] = [];
  const roles = new Map<string, Promise<string>>();
  for (const comment of comments) {
    const commands = parseAcceptCommands(comment.body ?? '');
    if (commands.length === 0) continue;
    const login = comment.user?.login ?? '';
    const what = `accept ${commands.map((c) => c.pattern).join(', ')} by ${login || 'an unknown user'}`;
    if (!login || comment.user?.type === 'Bot') {
      refused.push(`${what}: only people with write access can accept a regression`);
      continue;
    }
    let role = roles.get(login);
    if (!role) {
      role = permissionOf(api, owner, repo, login);
      roles.set(login, role);
    }
    const granted = await role;
    if (!MAY_ACCEPT.has(granted)) {
      refused.push(`${what}: ${login} has ${granted} access; write, maintain or admin is needed`);
      continue;
    }
    for (const c of commands) {
      if ('problem' in c) {
        refused.push(`accept ${c.pattern} by ${login}: ${c.problem}`);
        continue;
      }
      accepted.push({
        pattern: c.pattern,
        commit: c.commit,
        ...(c.upToPct !== undefined ? { upToPct: c.upToPct } : {}),
        by: login,
        at: comment.updated_at ?? comment.created_at ?? '',
        reason: c.reason,
        ...(comment.html_url ? { url: comment.html_url } : {}),
      });
    }
  }
  return { accepted, refused };
}

/**
 * The user's role, or `no`: `permission` is admin/write/read/none (maintain reads as write);
 * `role_name` tells maintain from write, and names custom roles (granted only through `permission`).
 */
export async function permissionOf(
  api: GitHubApi,
  owner: string,
  repo: string,
  username: string,
): Promise<string> {
  try {
    const { data } = await api.request('GET /repos/{owner}/{repo}/collaborators/{username}/permission', {
      owner,
      repo,
      username,
    });
    const d = data as { permission?: string; role_name?: string };
    if (d.permission === 'admin' || d.permission === 'write')
      return MAY_ACCEPT.has(d.role_name ?? '') ? d.role_name! : d.permission;
    return d.role_name && !MAY_ACCEPT.has(d.role_name) ? d.role_name : (d.permission ?? 'no');
  } catch (error) {
    const status = (error as { status?: number }).status;
    return status === 404 ? 'no' : `unknown (${errorMessage(error)})`;
  }
}
