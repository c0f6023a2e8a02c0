import { resolve } from 'node:path';
import { FilesystemBaselineStore } from '../src/store/filesystem-store.js';
import { GitBranchBaselineStore, tokenExtraHeader } from '../src/store/git-branch-store.js';
import { slug } from '../src/store/key.js';
import type { BaselineStore } from '../src/store/types.js';
import type { GitHubContext } from './context.js';
import type { ActionInputs } from './inputs.js';

/**
 * Baselines are kept per namespace inside the store: `branches/<branch>` for what a branch
 * recorded (baseline mode on the default branch), `production` for what a release recorded.
 * Pull requests compare with their base branch's namespace; release mode with `production`.
 */
export type Namespace = { branch: string } | { production: true };

export function namespacePath(ns: Namespace): string {
  return 'production' in ns ? 'production' : `branches/${slug(ns.branch, 80)}`;
}

export function namespaceLabel(ns: Namespace): string {
  return 'production' in ns ? 'production (last release)' : `branch ${ns.branch}`;
}

export interface OpenedStore {
  store: BaselineStore;
  close(): Promise<void>;
}

/**
 * The store the inputs select, scoped to one namespace:
 *  - `git-branch`: `<store-path or baselines>/<namespace>` on the `data-branch` of `data-remote`
 *    (default: this repository on the GitHub server, authenticated with the github-token the way
 *    actions/checkout does, through an extra header kept out of argv and the URL);
 *  - `filesystem`: `<store-path or .trt-gate/baselines>/<namespace>` under the workspace (for
 *    self-hosted runners with a persistent or shared disk).
 */
export function openStore(
  inputs: ActionInputs,
  ctx: GitHubContext,
  ns: Namespace,
  token?: string,
): OpenedStore {
  const sub = namespacePath(ns);
  if (inputs.store === 'filesystem') {
    const root = resolve(ctx.workspace, inputs.storePath ?? '.trt-gate/baselines', ...sub.split('/'));
    return { store: new FilesystemBaselineStore(root), close: async () => {} };
  }
  const remote = inputs.dataRemote ?? `${ctx.serverUrl}/${ctx.owner}/${ctx.repo}.git`;
  const authenticate = token && remote.startsWith(`${ctx.serverUrl}/`) && /^https?:\/\//.test(remote);
  const store = new GitBranchBaselineStore({
    remote,
    branch: inputs.dataBranch,
    path: `${inputs.storePath ?? 'baselines'}/${sub}`,
    cwd: ctx.workspace,
    extraHeaders: authenticate ? tokenExtraHeader(ctx.serverUrl, token) : undefined,
  });
  return { store, close: () => store.close() };
}
