import type { z } from 'zod';
import type { Issue } from '../errors.js';

/** `['models', 1, 'inputs', 0, 'shape']` → `models[1].inputs[0].shape`. */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out;
}

/** One Issue per zod problem, each naming the file and the field's path. */
export function zodIssues(file: string, error: z.ZodError, prefix: PropertyKey[] = []): Issue[] {
  return error.issues.map((issue) => {
    const path = [...prefix, ...issue.path];
    if (issue.code === 'unrecognized_keys') {
      return {
        file,
        path: formatPath(path),
        message: `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`,
      };
    }
    return { file, path: formatPath(path), message: issue.message };
  });
}
