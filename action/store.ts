import { resolve } from 'node:path';
import { openStore as openStoreAt, storeConfigFrom } from '../src/app/open-store.js';
import { tokenExtraHeader } from '../src/store/git-branch-store.js';
import type { Namespace } from '../src/store/namespace.js';
import type { BaselineStore } from '../src/store/types.js';
import type { GitHubContext } from './context.js';
import type { ActionInputs } from './inputs.js';

export { type Namespace, namespaceLabel, namespacePath } from '../src/store/namespace.js';

/**
 * The store the inputs select, scoped to one namespace (the same layout the CLI reads and writes
 * with `--namespace`):
 *  - `git-branch`: `<store-path or baselines>/<namespace>` on the `data-branch` of `data-remote`
 *    (default: this repository on the GitHub server, authenticated with the github-token the way
 *    actions/checkout does, through an extra header kept out of argv and the URL);
 *  - `filesystem`: `<store-path or .trt-gate/baselines>/<namespace>` under the workspace (for
 *    self-hosted runners with a persistent or shared disk).
 */
export function openStore(
  inputs: ActionInputs,
  ctx: GitHubContext,
  namespace: Namespace,
  token?: string,
): BaselineStore {
  const what = 'input store';
  if (inputs.store === 'filesystem') {
    const config = storeConfigFrom({ type: 'filesystem', path: inputs.storePath }, what);
    return openStoreAt(config, { namespace, configDir: ctx.workspace, cwd: ctx.workspace })!;
  }
  const remote = inputs.dataRemote ?? `${ctx.serverUrl}/${ctx.owner}/${ctx.repo}.git`;
  const authenticate = token && remote.startsWith(`${ctx.serverUrl}/`) && /^https?:\/\//.test(remote);
  const config = storeConfigFrom(
    { type: 'git-branch', remote, branch: inputs.dataBranch, path: inputs.storePath },
    what,
  );
  return openStoreAt(config, {
    namespace,
    configDir: resolve(ctx.workspace),
    cwd: ctx.workspace,
    extraHeaders: authenticate ? tokenExtraHeader(ctx.serverUrl, token) : {},
  })!;
}
