import { UsageError } from '../errors.js';
import { slug } from './key.js';

/**
 * Baselines are kept per namespace inside a store: what a branch recorded (the Action's baseline
 * mode on a push, `trt-gate baseline save --namespace main`), or `production`, what a release
 * recorded. Pull requests compare with their base branch's namespace; release mode with
 * `production`. Every writer and reader, CLI and Action alike, places a namespace at the same
 * directory inside the store (namespacePath).
 */
export type Namespace = { branch: string } | { production: true };

/** The namespace the CLI uses when neither `--namespace` nor `baseline.namespace` says. */
export const DEFAULT_NAMESPACE = 'main';

/** How `--namespace` / `baseline.namespace` spell the production namespace (no branch can: git refuses `@` alone, and `:`). */
export const PRODUCTION_NAMESPACE = ':production';

/** A namespace from its text form: a branch name, or `:production`. */
export function parseNamespace(text: string, what = '--namespace'): Namespace {
  const value = text.trim();
  if (value === PRODUCTION_NAMESPACE) return { production: true };
  if (!/^[^\s\x00-\x1f\x7f~^:?*[\\]{1,200}$/.test(value) || value.startsWith('-')) {
    throw new UsageError(
      `${what} ${JSON.stringify(text)}: expected a branch name (e.g. main) or ${PRODUCTION_NAMESPACE}`,
    );
  }
  return { branch: value };
}

/** The namespace's directory inside the store, `/`-separated; every segment a slug. */
export function namespacePath(ns: Namespace): string {
  return 'production' in ns ? 'production' : `branches/${slug(ns.branch, 80)}`;
}

export function namespaceLabel(ns: Namespace): string {
  return 'production' in ns ? 'production (last release)' : `branch ${ns.branch}`;
}
