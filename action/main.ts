import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import * as core from '@actions/core';
import { writeArtifact } from '../src/app/artifacts.js';
import { outcomeExitCode } from '../src/app/exit-code.js';
import { ExitCode, TrtGateError } from '../src/errors.js';
import { suggestedAccept } from '../src/gate/accept.js';
import { escapeMarkdown } from '../src/report/escape.js';
import { commentTrigger } from './comment-trigger.js';
import { readContext } from './context.js';
import { commentMarker, defaultCommentKey } from './github/comment.js';
import { createOctokit, type Logger } from './github/octokit.js';
import { writeJobSummary } from './github/summary.js';
import { readInputs } from './inputs.js';
import { MODE_HANDLERS, type ModeOutcome } from './modes.js';
import { Files, Output } from './names.js';
import { nightlyNotes } from './nightly.js';
import { checkFailureText, type PublishResult, publishToGitHub } from './publish.js';
import { renderReports, safeLink } from './report.js';
import { resolveTarget } from './target.js';

export interface RunResult {
  exitCode: number;
  outputs: Partial<Record<(typeof Output)[keyof typeof Output], string>>;
  outcome?: ModeOutcome;
  published?: PublishResult;
  error?: string;
}

/**
 * Untrusted text (model names, tool output, branch names) must not start a line GitHub reads as a
 * workflow command (`::set-output`, `::add-mask::`…): keep log lines on one line and break `::`.
 */
export function sanitizeLogLine(text: string): string {
  return text.replace(/\r\n|\r|\n/g, ' ⏎ ').replace(/::/g, ':\u200B:');
}

const logger: Logger = {
  info: (m) => core.info(sanitizeLogLine(m)),
  notice: (m) => core.notice(sanitizeLogLine(m)),
  warning: (m) => core.warning(sanitizeLogLine(m)),
};

/** What the summary and comment say besides the comparison: baselines recorded, a release made. */
function modeNotes(outcome: ModeOutcome): string[] {
  const release = outcome.release;
  if (release?.released) {
    const models = release.released.models.map((m) => `\`${m.name}\``).join(', ');
    return [
      `**Released:** Triton model repository with ${models} (SHA256SUMS and release report beside it).`,
    ];
  }
  if (release?.refused) return [`**Not released:** ${escapeMarkdown(release.refused)}`];
  return appendedNotes(outcome);
}

/** The audit of accepted regressions: who accepted which entries, when, why, with the comment's link. */
function acceptedNotes(outcome: ModeOutcome): string[] {
  return (outcome.accepted ?? []).map((a) => {
    const link = safeLink('comment', a.url);
    const bound =
      a.upToPct !== undefined ? `, up to +${escapeMarkdown(a.upToPct)} %` : ', at that commit only';
    return (
      `**Regression accepted** by ${escapeMarkdown(a.by)} at ${escapeMarkdown(a.at)} for commit ` +
      `${escapeMarkdown(a.commit.slice(0, 12))}${bound}` +
      `${a.reason ? ` — ${escapeMarkdown(a.reason)}` : ''}${link ? ` (${link})` : ''}: ` +
      `${escapeMarkdown(a.entries.slice(0, 20).join(', '))}${a.entries.length > 20 ? ` and ${a.entries.length - 20} more` : ''}` +
      ` (pattern ${escapeMarkdown(a.pattern)})`
    );
  });
}

/**
 * How to accept the regressions left, for a pull request: the command for each regressed entry,
 * bound to the commit measured and to a size just above the one measured (src/gate/accept.ts).
 */
function toAcceptNotes(outcome: ModeOutcome, commit: string | undefined): string[] {
  if (!outcome.publishesToPullRequest || !commit || outcome.mode === 'release') return [];
  const regressed = outcome.compared.flatMap((r) =>
    (r.comparisons ?? []).filter((c) => c.verdict === 'regressed'),
  );
  const lines = [...new Set(regressed.map((c) => suggestedAccept(c, commit)))];
  if (lines.length === 0) return [];
  return [
    `**If a regression is expected**, someone with write access can accept it for commit ` +
      `${escapeMarkdown(commit.slice(0, 12))} with a comment line such as: ` +
      `${lines
        .slice(0, 10)
        .map((l) => escapeMarkdown(l))
        .join(' · ')}${lines.length > 10 ? ` and ${lines.length - 10} more` : ''} ` +
      '(docs/github-action.md, "Accepting an expected regression").',
  ];
}

function appendedNotes(outcome: ModeOutcome): string[] {
  if (!outcome.appended) return [];
  const history = outcome.nightly ? nightlyNotes(outcome.nightly) : [];
  const written = outcome.appended.reduce((n, a) => n + a.written.length, 0);
  const skipped = outcome.appended.flatMap((a) => a.skipped);
  const lines = [
    `**Baselines recorded:** ${written} key${written === 1 ? '' : 's'} updated in ${escapeMarkdown(outcome.baselineLabel)}.`,
  ];
  if (skipped.length > 0) {
    lines.push(
      `**Not recorded:** ${skipped
        .slice(0, 20)
        .map((s) => `${escapeMarkdown(s.entryId)} (${escapeMarkdown(s.reason)})`)
        .join('; ')}${skipped.length > 20 ? ` and ${skipped.length - 20} more` : ''}`,
    );
  }
  if (outcome.keptBase) {
    lines.push(
      `**Base side kept** for pull requests: commit ${escapeMarkdown(outcome.keptBase.commit.slice(0, 12))}, ` +
        `${outcome.keptBase.files} files with their sha256 (upload ${escapeMarkdown(Files.keptBase)}/; pass it as base-dir).`,
    );
  }
  return [...lines, ...history];
}

/**
 * The action: reads the inputs and the event, runs the mode over the core, writes the reports,
 * publishes them (summary, comment, check) and sets the outputs. The one place that fails the
 * step, with the CLI's exit codes: 3 when an entry failed to build or run, 1 when the gate fails,
 * or the error's code (2 usage/config, 4 data) when something goes wrong. A check that could not
 * be posted fails the step (1 unless a code above applies); a comment that could not be, only warns.
 */
export async function run(): Promise<RunResult> {
  const env = process.env;
  const outputs: RunResult['outputs'] = {};
  try {
    const inputs = readInputs(env);
    if (inputs.githubToken) {
      core.setSecret(inputs.githubToken);
      // The form git receives it in (an Authorization header for the data branch).
      core.setSecret(Buffer.from(`x-access-token:${inputs.githubToken}`, 'utf8').toString('base64'));
    }
    const ctx = readContext(env);
    const api = inputs.githubToken ? createOctokit(inputs.githubToken, ctx.apiUrl, logger) : undefined;
    const nothingToDo = await commentTrigger(ctx, inputs, api);
    if (nothingToDo) {
      logger.notice(`trt-gate: nothing to do: ${nothingToDo}`);
      return { exitCode: ExitCode.ok, outputs };
    }
    const resultsDir = resolve(ctx.workspace, inputs.resultsDir);
    await mkdir(resultsDir, { recursive: true });
    const target = await resolveTarget(ctx, api, logger);

    const outcome = await MODE_HANDLERS[inputs.mode]({
      inputs,
      ctx,
      target,
      resultsDir,
      token: inputs.githubToken,
      api,
      log: logger,
    });

    const marker = commentMarker(
      inputs.commentKey ??
        defaultCommentKey(
          ctx.workflowPath ?? ctx.workflow,
          inputs.config,
          inputs.mode,
          `${ctx.owner}/${ctx.repo}`,
        ),
    );
    const reports = renderReports(outcome.compared, {
      marker,
      mode: outcome.mode,
      baselineLabel: outcome.baselineLabel,
      runUrl: ctx.runUrl,
      notes: [...acceptedNotes(outcome), ...toAcceptNotes(outcome, target.sha), ...modeNotes(outcome)],
      problems: outcome.problems,
      notices: outcome.notices,
    });
    const reportPath = join(resultsDir, outcome.reportFile);
    await writeArtifact(reportPath, reports.full);
    await writeArtifact(join(resultsDir, Files.html), reports.html);
    await writeArtifact(join(resultsDir, Files.json), reports.json);

    const published = await publishToGitHub({
      api,
      inputs,
      ctx,
      target,
      outcome,
      reports,
      marker,
      log: logger,
    });
    try {
      const notes = [
        ...published.skipped.map((s) => `\n\n> [!NOTE]\n> ${escapeMarkdown(s)}`),
        ...(published.checkFailure
          ? [`\n\n> [!CAUTION]\n> ${escapeMarkdown(`trt-gate: ${checkFailureText(published.checkFailure)}`)}`]
          : []),
      ].join('');
      await writeJobSummary(`${reports.summary}${notes}\n`, env);
    } catch (error) {
      logger.warning(`trt-gate: could not write the job summary (${(error as Error).message})`);
    }

    const regressions = outcome.compared.reduce(
      (n, r) => n + (r.comparisons ?? []).filter((c) => c.verdict === 'regressed').length,
      0,
    );
    outputs[Output.verdict] = outcome.gate.conclusion;
    outputs[Output.regressions] = String(regressions);
    outputs[Output.resultsPath] = outcome.resultsPath;
    outputs[Output.reportPath] = reportPath;
    if (outcome.release?.released) outputs[Output.releasePath] = outcome.release.released.out;
    if (outcome.keptBase) outputs[Output.basePath] = outcome.keptBase.path;
    for (const [name, value] of Object.entries(outputs)) core.setOutput(name, value);

    let exitCode: ExitCode = outcomeExitCode(outcome.compared, outcome.gate);
    if (exitCode === ExitCode.modelFailed) {
      const failed = outcome.compared.flatMap((r) => r.entries.filter((e) => e.status === 'failed'));
      core.setFailed(
        sanitizeLogLine(
          `trt-gate: ${failed.length} entr${failed.length === 1 ? 'y' : 'ies'} failed to build or run ` +
            `(${failed
              .slice(0, 10)
              .map((e) => e.id)
              .join(', ')}${failed.length > 10 ? ', …' : ''}); see ${reportPath}`,
        ),
      );
    } else if (exitCode === ExitCode.gateFailed && outcome.release?.refused) {
      core.setFailed(sanitizeLogLine(`trt-gate: ${outcome.release.refused}; see ${reportPath}`));
    } else if (exitCode === ExitCode.gateFailed) {
      const failing = outcome.gate.failing;
      core.setFailed(
        sanitizeLogLine(
          `trt-gate: the regression gate failed (${failing.length} entr${failing.length === 1 ? 'y' : 'ies'} ` +
            `with a verdict in fail-on [${outcome.gate.failOn.join(', ')}]: ${failing.slice(0, 10).join(', ')}` +
            `${failing.length > 10 ? ', …' : ''}); see ${reportPath}`,
        ),
      );
    }
    if (published.checkFailure) {
      // Fail closed: a verdict that did not reach the commit must not leave a green step behind.
      core.setFailed(sanitizeLogLine(`trt-gate: ${checkFailureText(published.checkFailure)}`));
      if (exitCode === ExitCode.ok) exitCode = ExitCode.gateFailed;
    }
    if (exitCode !== ExitCode.ok) process.exitCode = exitCode;
    return { exitCode, outputs, outcome, published };
  } catch (error) {
    const exitCode = error instanceof TrtGateError ? error.exitCode : ExitCode.internal;
    const message =
      error instanceof TrtGateError
        ? error.message
        : `internal error: ${(error as Error)?.stack ?? String(error)}`;
    for (const [name, value] of Object.entries(outputs)) core.setOutput(name, value);
    core.setFailed(`trt-gate: ${message}`);
    process.exitCode = exitCode;
    return { exitCode, outputs, error: message };
  }
}
