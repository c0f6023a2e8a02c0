import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Input } from '../../action/names.js';
import { Results } from '../../src/results/schema.js';
import { ModelRepo } from '../helpers/model-repo.js';
import { FakeGitHub } from './helpers/github-server.js';
import { benchResults, withForgedPair, writeJson } from './helpers/results.js';
import { recordBaseline, runAction } from './helpers/run-action.js';
import { FORK_HEAD_SHA, MAIN_SHA, Sandbox } from './helpers/sandbox.js';

/**
 * The Action's `pr` mode on a pull_request event, running the benchmark in the job, through the
 * Action's entry: same-job A/B against the PR's merge-base (read with git, never checked out),
 * and the history comparison when the base side cannot be built, saying so. Real inference on
 * tinycnn (batch 8) against tinycnn-slower10 (a real model, +10–11 % at batch 8), few pairs.
 */
const CONFIG = `version: 1
runner: { type: onnxruntime, intraOpThreads: 1, interOpThreads: 1 }
models:
  - name: tinycnn
    onnx: models/tinycnn.onnx
    inputs: [{ name: image, shape: [8, 3, 32, 32] }]
benchmark: { warmup: 2, iterations: 20, trials: 2 }
accuracy: { samples: 2 }
thresholds:
  latency.p50: { model: percentage, maxRegressionPct: 3 }
  build.artifactBytes: { model: percentage, maxRegressionPct: 50 }
ab: { blockIterations: 20, minPairs: 8, maxPairs: 400, maxSeconds: 120 }
`;

let sandbox: Sandbox;
let github: FakeGitHub;
const git = (cwd: string, ...args: string[]) => execa('git', args, { cwd });

beforeEach(async () => {
  sandbox = await Sandbox.create();
  github = new FakeGitHub();
  await github.start();
});
afterEach(async () => {
  await github.stop();
  await sandbox.cleanup();
});

/** A repository: `main` with tinycnn, and a PR commit swapping it for the ~10 % slower model. */
async function prRepo(dir: string): Promise<{ base: string; head: string }> {
  const repo = await ModelRepo.init(dir);
  await repo.model('tinycnn-fp32.onnx');
  await repo.config(CONFIG);
  const base = await repo.commit('base');
  await repo.model('tinycnn-slower10-fp32.onnx');
  const head = await repo.commit('a bigger, ~10 % slower model');
  return { base, head };
}

/** A pull_request event payload naming the repository's real commits. */
async function prEvent(base: string, head: string): Promise<string> {
  const repo = { full_name: 'octo-org/octo-repo' };
  const path = join(sandbox.root, 'event.json');
  await writeFile(
    path,
    JSON.stringify({
      action: 'synchronize',
      number: 42,
      pull_request: {
        number: 42,
        head: { sha: head, ref: 'bigger-model', repo },
        base: { sha: base, ref: 'main', repo },
      },
      repository: { ...repo, default_branch: 'main' },
    }),
  );
  return path;
}

/** A workflow_run event payload: the PR benchmark run of `head`, from `headRepo`, completed. */
async function workflowRunEvent(head: string, headRepo: string): Promise<string> {
  const repo = { full_name: 'octo-org/octo-repo' };
  const path = join(sandbox.root, `workflow-run-${headRepo.replace('/', '-')}.json`);
  await writeFile(
    path,
    JSON.stringify({
      action: 'completed',
      workflow_run: {
        id: 30433642,
        head_sha: head,
        head_branch: 'bigger-model',
        event: 'pull_request',
        head_repository: { full_name: headRepo },
        repository: repo,
      },
      repository: { ...repo, default_branch: 'main' },
    }),
  );
  return path;
}

async function workflowRunStep(eventPath: string, inputs: Record<string, string>) {
  const env = await sandbox.env({
    event: 'workflow_run.json',
    eventName: 'workflow_run',
    apiUrl: github.url,
    inputs,
  });
  return { ...env, GITHUB_EVENT_PATH: eventPath };
}

async function prStep(eventPath: string, inputs: Record<string, string> = {}) {
  const env = await sandbox.env({
    event: 'pull_request.json',
    eventName: 'pull_request',
    apiUrl: github.url,
    sha: 'f'.repeat(40),
    ref: 'refs/pull/42/merge',
    inputs,
  });
  return { ...env, GITHUB_EVENT_PATH: eventPath };
}

describe('pr mode: same-job A/B against the PR base', () => {
  it('a PR that swaps in a ~10 % slower model is regressed by A/B, and the comment shows the method', async () => {
    const { base, head } = await prRepo(sandbox.workspace);
    const run = await runAction(await prStep(await prEvent(base, head)));
    expect(run.error).toBeUndefined();
    const results = Results.parse(JSON.parse(await readFile(run.fileOutputs['results-path']!, 'utf8')));
    const cmp = results.comparisons![0]!;
    expect(cmp.method).toBe('ab');
    expect(cmp.abSkipped).toBeUndefined();
    expect(cmp.ab?.base).toBe(`merge-base ${base.slice(0, 12)} of main`);
    expect(cmp.ab!.pairs).toBeGreaterThanOrEqual(8);
    expect(cmp.ab!.aaNoisePct).not.toBeNull();
    expect(cmp.verdict, cmp.reason).toBe('regressed');
    expect(run.exitCode).toBe(1);
    expect(run.fileOutputs).toMatchObject({ verdict: 'fail', regressions: '1' });
    // The candidate's outputs were compared with the base side's: a different model.
    expect(results.entries[0]!.accuracyVsBase?.reference).toMatch(/^base side \(merge-base /);

    const comment = github.comments.get(42)![0]!.body;
    const judged =
      /judged by A\/B in this job vs merge-base [0-9a-f]{12} of main: \d+ pairs · A\/A noise ±\d+\.\d % · \d+\.\d s to verdict/;
    expect(comment).toMatch(judged);
    expect(comment).toContain('Judged by same-job A/B against merge-base');
    expect(github.checkRuns[0]).toMatchObject({ conclusion: 'failure' });
    expect(String((github.checkRuns[0]!.output as { summary: string }).summary)).toMatch(judged);
    expect(await sandbox.summary()).toMatch(/A\/B in this job/);
    // Nothing of the base was checked out: the workspace is still the PR commit, clean.
    expect((await git(sandbox.workspace, 'status', '--porcelain', '--untracked-files=no')).stdout).toBe('');
    expect((await git(sandbox.workspace, 'rev-parse', 'HEAD')).stdout.trim()).toBe(head);

    // The matrix's report job (aggregate over the results files) keeps the pairs the job measured:
    // the stored history (empty here) does not overrule them.
    const aggregate = await runAction(
      await prStep(await prEvent(base, head), {
        [Input.mode]: 'aggregate',
        [Input.resultsFiles]: run.fileOutputs['results-path']!,
        [Input.resultsDir]: 'aggregate',
      }),
    );
    expect(aggregate.error).toBeUndefined();
    const kept = aggregate.outcome!.compared[0]!.comparisons![0]!;
    expect([kept.method, kept.verdict, kept.ab?.pairs]).toEqual(['ab', 'regressed', cmp.ab!.pairs]);
    expect(aggregate.exitCode).toBe(1);
    // compare: history re-judges every entry by the stored history instead.
    const history = await runAction(
      await prStep(await prEvent(base, head), {
        [Input.mode]: 'aggregate',
        [Input.resultsFiles]: run.fileOutputs['results-path']!,
        [Input.resultsDir]: 'aggregate',
        [Input.compare]: 'history',
      }),
    );
    expect(history.outcome!.compared[0]!.comparisons![0]!.verdict).toBe('no-baseline');
    expect(history.exitCode).toBe(0);

    // The fork-safe pattern: the pull_request job uploaded these results, a workflow_run job
    // aggregates them. From a same-repository PR's run the pairs are kept ...
    github.options.pulls = [
      {
        number: 42,
        state: 'open',
        head: { sha: head, ref: 'bigger-model', repo: { full_name: 'octo-org/octo-repo' } },
        base: { ref: 'main', sha: base, repo: { full_name: 'octo-org/octo-repo' } },
      },
    ];
    const fromRun = async (headRepo: string) =>
      runAction(
        await workflowRunStep(await workflowRunEvent(head, headRepo), {
          [Input.mode]: 'aggregate',
          [Input.resultsFiles]: run.fileOutputs['results-path']!,
          [Input.resultsDir]: `workflow-run-${headRepo.split('/')[0]}`,
        }),
      );
    const sameRepo = await fromRun('octo-org/octo-repo');
    expect(sameRepo.error).toBeUndefined();
    const trusted = sameRepo.outcome!.compared[0]!.comparisons![0]!;
    expect([trusted.method, trusted.verdict, trusted.ab?.pairs]).toEqual(['ab', 'regressed', cmp.ab!.pairs]);
    expect(sameRepo.exitCode).toBe(1);
    expect(github.checkRuns.at(-1)).toMatchObject({ head_sha: head, conclusion: 'failure' });
    // ... from a fork's run they are not: the base branch's history re-judges them (none recorded
    // here), and the comment says why.
    github.options.pulls[0]!.head.repo = { full_name: 'forker/octo-repo' };
    const fork = await fromRun('forker/octo-repo');
    expect(fork.error).toBeUndefined();
    const rejudged = fork.outcome!.compared[0]!.comparisons![0]!;
    expect([rejudged.method, rejudged.verdict, rejudged.ab]).toEqual(['history', 'no-baseline', undefined]);
    expect(rejudged.abSkipped).toBe('pairs measured by a workflow run of forker/octo-repo are not trusted');
    expect(github.comments.get(42)!.at(-1)!.body).toMatch(
      /A\/B not used: pairs measured by a workflow run of forker\/octo-repo are not trusted/,
    );
  }, 300_000);

  it('a shallow clone without the base commit falls back to the stored history, and says why', async () => {
    const origin = join(sandbox.root, 'origin');
    const { base, head } = await prRepo(origin);
    await rm(sandbox.workspace, { recursive: true, force: true });
    await git(sandbox.root, 'clone', '-q', '--depth', '1', `file://${origin}`, sandbox.workspace);
    const run = await runAction(await prStep(await prEvent(base, head)));
    expect(run.error).toBeUndefined();
    const cmp = run.outcome!.compared[0]!.comparisons![0]!;
    expect(cmp.method).toBe('history');
    expect(cmp.ab).toBeUndefined();
    expect(cmp.abSkipped).toMatch(
      /base side cannot be built: commit [0-9a-f]{12} is not in this clone \(a shallow clone/,
    );
    expect(cmp.verdict).toBe('no-baseline'); // nothing recorded for main yet
    expect(run.exitCode).toBe(0);
    const comment = github.comments.get(42)![0]!.body;
    expect(comment).toMatch(
      /Judged by the stored history of branch main, not same-job A\/B: the base side cannot be built/,
    );
    expect(comment).toMatch(/judged by stored history \(0 runs\); A\/B not used: .*shallow clone/);
    const check = String((github.checkRuns[0]!.output as { summary: string }).summary);
    expect(check).toMatch(/not same-job A\/B: .*fetch-depth: 0/);
  }, 300_000);

  it("the base side the base branch's baseline job kept (keep-base) is measured against, verified, where git has no base", async () => {
    const origin = join(sandbox.root, 'origin');
    const { base, head } = await prRepo(origin);
    // The baseline job on main, at the base commit: records, and keeps the base side.
    const mainWs = join(sandbox.root, 'main-ws');
    await git(sandbox.root, 'clone', '-q', `file://${origin}`, mainWs);
    await git(mainWs, 'checkout', '-q', base);
    const kept = await runAction({
      ...(await sandbox.env({
        event: 'push.json',
        eventName: 'push',
        apiUrl: github.url,
        sha: base,
        inputs: {
          [Input.mode]: 'baseline',
          [Input.keepBase]: 'true',
          [Input.resultsFiles]: await writeJson(join(sandbox.root, 'b.json'), benchResults({ runId: 'b' })),
        },
      })),
      GITHUB_WORKSPACE: mainWs,
    });
    expect(kept.error).toBeUndefined();
    const bundle = kept.fileOutputs['base-path']!;
    expect(bundle).toBe(join(mainWs, 'trt-gate-results', 'trt-gate-base'));
    expect(await readFile(kept.fileOutputs['report-path']!, 'utf8')).toMatch(
      /\*\*Base side kept\*\* for pull requests: commit [0-9a-f]{12}, 2 files/,
    );

    // The PR job: a shallow clone (no base commit), the kept base downloaded beside it.
    await rm(sandbox.workspace, { recursive: true, force: true });
    await git(sandbox.root, 'clone', '-q', '--depth', '1', `file://${origin}`, sandbox.workspace);
    const run = await runAction(await prStep(await prEvent(base, head), { [Input.baseDir]: bundle }));
    expect(run.error).toBeUndefined();
    const cmp = run.outcome!.compared[0]!.comparisons![0]!;
    expect([cmp.method, cmp.ab?.base]).toEqual(['ab', `kept base of main at ${base.slice(0, 12)}`]);
    expect(cmp.ab!.pairs).toBeGreaterThanOrEqual(8);
    // What the pairs conclude on this shared machine is the first test's business: a burst of load
    // can make the A/A control too noisy to tell (inconclusive) rather than regressed.
    expect(['regressed', 'inconclusive'], cmp.reason).toContain(cmp.verdict);
    expect(run.exitCode).toBe(cmp.verdict === 'regressed' ? 1 : 0);
    expect(github.comments.get(42)!.at(-1)!.body).toMatch(
      /Judged by same-job A\/B against kept base of main at/,
    );

    // A kept file changed after it was kept: exit 4 naming it, nothing judged.
    const model = join(bundle, 'tree', 'models', 'tinycnn.onnx');
    await writeFile(model, Buffer.concat([await readFile(model), Buffer.from([0])]));
    const tampered = await runAction(await prStep(await prEvent(base, head), { [Input.baseDir]: bundle }));
    expect(tampered.exitCode).toBe(4);
    expect(tampered.error).toContain(`${model}: does not match its sha256 and size`);
  }, 300_000);

  it('compare: ab refuses to fall back: a base without a config is a usage error (exit 2)', async () => {
    // The PR sets trt-gate up: its base has no trt-gate.yml.
    const dir = sandbox.workspace;
    const repo = await ModelRepo.init(dir);
    await rm(join(dir, 'trt-gate.yml'));
    await writeFile(join(dir, 'README.md'), 'before trt-gate\n');
    const base = await repo.commit('c');
    await repo.model('tinycnn-fp32.onnx');
    await repo.config(CONFIG);
    const head = await repo.commit('c');
    const refused = await runAction(await prStep(await prEvent(base, head), { [Input.compare]: 'ab' }));
    expect(refused.exitCode).toBe(2);
    expect(refused.error).toMatch(
      /compare: ab: the base side cannot be built: .*trt-gate\.yml does not exist at [0-9a-f]{40}/,
    );
    expect(github.checkRuns).toEqual([]);
  }, 60_000);

  it("a fork's results cannot bring their own A/B verdict: the history judges those entries, saying why", async () => {
    await github.stop();
    github = new FakeGitHub({
      pulls: [
        {
          number: 7,
          state: 'open',
          head: { sha: FORK_HEAD_SHA, ref: 'main', repo: { full_name: 'forker/octo-repo' } },
          base: { ref: 'main', sha: MAIN_SHA, repo: { full_name: 'octo-org/octo-repo' } },
        },
      ],
    });
    await github.start();
    const dir = join(sandbox.workspace, 'in');
    await mkdir(dir);
    const recorded = await recordBaseline(
      sandbox,
      github.url,
      await writeJson(join(dir, 'base.json'), benchResults({ runId: 'b' })),
    );
    expect(recorded.error).toBeUndefined();
    // 50 % slower, with a made-up A/B comparison that calls it unchanged.
    const forged = withForgedPair(benchResults({ runId: 'fork', scale: 1.5 }));
    const run = await runAction(
      await sandbox.env({
        event: 'workflow_run.json',
        eventName: 'workflow_run',
        apiUrl: github.url,
        inputs: {
          [Input.mode]: 'aggregate',
          [Input.resultsFiles]: await writeJson(join(dir, 'fork.json'), forged),
        },
      }),
    );
    expect(run.error).toBeUndefined();
    const cmp = run.outcome!.compared[0]!.comparisons![0]!;
    expect([cmp.method, cmp.verdict, cmp.baselineRuns]).toEqual(['history', 'regressed', 1]);
    expect(cmp.ab).toBeUndefined();
    expect(cmp.abSkipped).toBe('pairs measured by a workflow run of forker/octo-repo are not trusted');
    expect(github.comments.get(7)![0]!.body).toMatch(
      /A\/B not used: pairs measured by a workflow run of forker/,
    );
  }, 60_000);
});
