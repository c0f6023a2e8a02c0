import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { Input, inputEnvName } from '../../../action/names.js';

export const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));
export const PROJECT_ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');

export const HEAD_SHA = '4f9c1d7e2b8a6c3f0e5d9b1a7c2e8f4d6b0a3c5e';
export const FORK_HEAD_SHA = '7e1f0c2d3b4a5968778695a4b3c2d1e0f9a8b7c6';
export const MAIN_SHA = 'aaaaaaaaaaaaaaaaaaaa11111111111111111111';

/** The config the reporting tests use: thresholds and gate only matter (results come as files). */
export const GATE_CONFIG = `version: 1
runner: { type: onnxruntime }
models:
  - name: tinycnn
    onnx: models/tinycnn.onnx
    inputs: [{ name: image, shape: [1, 3, 32, 32] }]
thresholds:
  latency.p50: { model: percentage, maxRegressionPct: 10 }
  latency.p99: { model: percentage, maxRegressionPct: 20 }
  latency.mean: { model: percentage, maxRegressionPct: 10 }
baseline:
  historySize: 10
`;

export type EventName =
  | 'pull_request'
  | 'push'
  | 'schedule'
  | 'workflow_run'
  | 'release'
  | 'workflow_dispatch'
  | 'issue_comment';

/** A fake runner: a workspace with a config, a bare repository as the data remote, runner files. */
export class Sandbox {
  private constructor(
    readonly root: string,
    readonly workspace: string,
    readonly remote: string,
    readonly summaryFile: string,
  ) {}

  static async create(summaryFile?: string): Promise<Sandbox> {
    const root = await mkdtemp(join(tmpdir(), 'trt-gate-action-'));
    const workspace = join(root, 'workspace');
    const remote = join(root, 'remote.git');
    await mkdir(workspace, { recursive: true });
    await mkdir(join(root, 'runner-temp'), { recursive: true });
    await execa('git', ['init', '--quiet', '--bare', remote]);
    await writeFile(join(workspace, 'trt-gate.yml'), GATE_CONFIG);
    const summary = summaryFile ?? join(root, 'summary.md');
    await writeFile(summary, '');
    return new Sandbox(root, workspace, remote, summary);
  }

  async cleanup(): Promise<void> {
    await rm(this.root, { recursive: true, force: true });
  }

  /**
   * The environment of one action step: what the runner sets (`GITHUB_*`, `RUNNER_TEMP`) and the
   * `INPUT_*` variables the composite step passes. Every input is set (empty when not given).
   */
  async env(options: {
    event: string;
    eventName: EventName;
    apiUrl: string;
    sha?: string;
    ref?: string;
    inputs?: Record<string, string>;
  }): Promise<Record<string, string>> {
    const output = join(this.root, `output-${Math.random().toString(36).slice(2)}.txt`);
    await writeFile(output, '');
    const env: Record<string, string> = {
      GITHUB_ACTIONS: 'true',
      GITHUB_EVENT_NAME: options.eventName,
      GITHUB_EVENT_PATH: join(FIXTURES, options.event),
      GITHUB_REPOSITORY: 'octo-org/octo-repo',
      GITHUB_SHA: options.sha ?? MAIN_SHA,
      GITHUB_REF: options.ref ?? 'refs/heads/main',
      GITHUB_WORKFLOW: 'trt-gate',
      GITHUB_RUN_ID: '4242',
      GITHUB_SERVER_URL: 'https://github.com',
      GITHUB_API_URL: options.apiUrl,
      GITHUB_WORKSPACE: this.workspace,
      GITHUB_OUTPUT: output,
      GITHUB_STEP_SUMMARY: this.summaryFile,
      RUNNER_TEMP: join(this.root, 'runner-temp'),
    };
    const inputs: Record<string, string> = {
      [Input.githubToken]: 'ghs_installation_token',
      [Input.dataRemote]: this.remote,
      [Input.commentKey]: 'test',
      ...options.inputs,
    };
    for (const name of Object.values(Input)) env[inputEnvName(name)] = inputs[name] ?? '';
    return env;
  }

  /** Outputs the step wrote to GITHUB_OUTPUT (`name<<delimiter` blocks). */
  static async outputs(env: Record<string, string>): Promise<Record<string, string>> {
    const text = await readFile(env.GITHUB_OUTPUT!, 'utf8');
    const out: Record<string, string> = {};
    const re = /^([^<\n]+)<<(ghadelimiter_[0-9a-f-]+)\r?\n([\s\S]*?)\r?\n\2$/gm;
    for (const m of text.matchAll(re)) out[m[1]!] = m[3]!;
    return out;
  }

  async summary(): Promise<string> {
    return readFile(this.summaryFile, 'utf8');
  }

  /** The text of a file on the data branch (relative to the branch root); undefined when absent. */
  async remoteFile(path: string): Promise<string | undefined> {
    const result = await execa('git', ['--git-dir', this.remote, 'show', `trt-gate-data:${path}`], {
      reject: false,
    });
    return result.exitCode === 0 ? String(result.stdout) : undefined;
  }

  /**
   * Run ids stored on the data branch in key directories whose path contains `part`, oldest first
   * (store schema 2: one `<ms>-<run id>-<hash>.run.gz` per run; the test run ids are their own slugs).
   */
  async remoteRunIds(part: string): Promise<string[]> {
    return (await this.remoteFiles())
      .filter((f) => f.includes(part))
      .flatMap((f) => /\/\d{15}-(.+)-[0-9a-f]{16}\.run\.gz$/.exec(f)?.[1] ?? []);
  }

  async remoteFiles(): Promise<string[]> {
    const result = await execa(
      'git',
      ['--git-dir', this.remote, 'ls-tree', '-r', '--name-only', 'trt-gate-data'],
      {
        reject: false,
      },
    );
    return result.exitCode === 0 ? String(result.stdout).split('\n').filter(Boolean) : [];
  }
}
