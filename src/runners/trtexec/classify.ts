/**
 * Turns a failed trtexec run into an Incident: what went wrong, the log lines that show it, and what to try.
 * The causes recognised from the log are the rule table in ./classify-rules.ts (first match wins); a
 * timeout beats every rule (its log is incomplete), and a crash is only named when no rule explains it.
 */
import type { Incident, IncidentKind, Stage } from '../../results/schema.js';
import { CLASSIFICATION_RULES, CRASH_TEXT, type Description } from './classify-rules.js';
import { parseLog } from './parse/log.js';

export interface TrtexecFailure {
  stage: Stage;
  exitCode: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  /** e.g. `SIGSEGV` when the process was killed by a signal. */
  signal: string | null;
}

const MAX_EXCERPT = 2000;
const MAX_LINES = 12;

/** The id of the rule that explains this log, or `timeout` / `crash` / `fallback`. */
export function matchingRule(failure: TrtexecFailure): string {
  const log = [failure.stdout, failure.stderr].filter((s) => s !== '').join('\n');
  if (failure.timedOut) return 'timeout';
  const rule = CLASSIFICATION_RULES.find(
    (r) => r.match.some((re) => re.test(log)) && (!r.when || r.when(log)),
  );
  if (rule) return rule.id;
  if (isCrash(failure, log)) return 'crash';
  return 'fallback';
}

function isCrash(f: TrtexecFailure, log: string): boolean {
  return f.signal !== null || f.exitCode === 139 || f.exitCode === 134 || CRASH_TEXT.test(log);
}

export function classifyTrtexecFailure(failure: TrtexecFailure): Incident {
  const log = [failure.stdout, failure.stderr].filter((s) => s !== '').join('\n');
  const { stage } = failure;
  const id = matchingRule(failure);
  const rule = CLASSIFICATION_RULES.find((r) => r.id === id);
  if (rule) {
    const kind = typeof rule.kind === 'function' ? rule.kind(stage) : rule.kind;
    const excerpt = excerptFor(log, [...rule.match, ...(rule.context ?? [])]);
    // Details (flags, operator, compute capability) are read from the excerpt first: those lines matched.
    return withExcerpt(kind, stage, excerpt, rule.describe(excerpt ? `${excerpt}\n${log}` : log, stage));
  }
  if (id === 'timeout') return withExcerpt('timeout', stage, excerptFor(log, []), timeoutDescription(stage));
  if (id === 'crash') {
    return withExcerpt('crash', stage, excerptFor(log, [CRASH_TEXT]), crashDescription(stage, failure));
  }
  const kind: IncidentKind = stage === 'build' ? 'engine-build-failure' : 'runtime-error';
  return withExcerpt(kind, stage, excerptFor(log, []), fallbackDescription(kind, stage, failure));
}

function withExcerpt(kind: IncidentKind, stage: Stage, excerpt: string, d: Description): Incident {
  return {
    kind,
    stage,
    title: d.title,
    message: d.message,
    ...(excerpt ? { logExcerpt: excerpt } : {}),
    nextSteps: d.nextSteps,
  };
}

/** Lines matching the rule, else the error lines, else the tail; raw text capped at MAX_EXCERPT chars. */
export function excerptFor(log: string, patterns: RegExp[]): string {
  const lines = parseLog(log);
  let picked = lines.filter((l) => patterns.some((re) => re.test(l.raw)));
  // Prefer lines trtexec tagged as errors/warnings over untagged echoes (help text, comments, command lines).
  const tagged = picked.filter((l) => l.severity === 'E' || l.severity === 'F' || l.severity === 'W');
  if (tagged.length > 0) picked = tagged;
  if (picked.length === 0) picked = lines.filter((l) => l.severity === 'E' || l.severity === 'F');
  if (picked.length === 0) picked = lines.filter((l) => l.text.trim() !== '').slice(-MAX_LINES);
  let text = picked
    .slice(0, MAX_LINES)
    .map((l) => l.raw)
    .join('\n');
  if (text.length > MAX_EXCERPT) text = `${text.slice(0, MAX_EXCERPT - 1)}…`;
  return text;
}

function timeoutDescription(stage: Stage): Description {
  return {
    title: `trtexec timed out during ${stage}`,
    message: `trtexec did not finish the ${stage} step within the configured time limit and was stopped.`,
    nextSteps: [],
  };
}

function crashDescription(stage: Stage, f: TrtexecFailure): Description {
  const how = f.signal ? `was killed by ${f.signal}` : `exited with code ${f.exitCode ?? 'unknown'}`;
  return {
    title: `trtexec crashed during ${stage}`,
    message: `trtexec ${how} without an error message that explains it.`,
    nextSteps: [],
  };
}

function fallbackDescription(kind: IncidentKind, stage: Stage, f: TrtexecFailure): Description {
  if (kind === 'engine-build-failure') {
    return {
      title: 'TensorRT engine build failed',
      message:
        'trtexec could not build an engine from the model; the log excerpt shows the errors it printed.',
      nextSteps: [],
    };
  }
  return {
    title: `trtexec failed during ${stage}`,
    message: `trtexec exited with code ${f.exitCode ?? 'unknown'} while running the engine.`,
    nextSteps: [],
  };
}
