import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { shippedModel } from './tiny-config.js';

/**
 * A git repository in a temporary directory for the tests that compare commits (`run --against`,
 * the Action's same-job A/B): a config and shipped models committed on `main`, one commit per step.
 */
export class ModelRepo {
  private constructor(readonly dir: string) {}

  /** `git init -b main` in `dir` (which may hold files already); nothing is committed yet. */
  static async init(dir: string): Promise<ModelRepo> {
    await mkdir(dir, { recursive: true });
    await execa('git', ['init', '-q', '-b', 'main'], { cwd: dir });
    return new ModelRepo(dir);
  }

  git(...args: string[]) {
    return execa('git', args, { cwd: this.dir });
  }

  /** Writes `trt-gate.yml`. */
  async config(text: string): Promise<void> {
    await writeFile(join(this.dir, 'trt-gate.yml'), text);
  }

  /** Copies a shipped model (`tinycnn-slower10-fp32.onnx`…) to `models/<as>.onnx`. */
  async model(shipped: string, as = 'tinycnn'): Promise<void> {
    await mkdir(join(this.dir, 'models'), { recursive: true });
    await copyFile(shippedModel(shipped), join(this.dir, 'models', `${as}.onnx`));
  }

  /** Commits everything and returns the commit's sha. */
  async commit(message: string): Promise<string> {
    await this.git('add', '-A');
    await this.git('-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-qm', message);
    return (await this.git('rev-parse', 'HEAD')).stdout.trim();
  }
}
