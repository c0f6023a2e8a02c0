import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../../src/cli/main.js';
import { loadConfig } from '../../../src/config/load.js';
import { ConfigError } from '../../../src/errors.js';
import { describeVersionRules, UnsupportedOptionError } from '../../../src/runners/trtexec/flags.js';
import { fakeIO } from '../../helpers/fake-io.js';
import { writeReluModel } from '../../helpers/relu-model.js';
import { REPO_ROOT, tempDir, writeConfig } from '../../helpers/tiny-config.js';
import { type Invocation, randomInput, TRTEXEC_DOUBLE, writeRecordedOutputs } from './double/helpers.js';
import { type DoubleModel, recordOutputs, runWithDouble, TINYCNN, trtexecConfig } from './double/pipeline.js';

let dir: string;
let cleanup: () => Promise<void>;

beforeEach(async () => {
  ({ dir, cleanup } = await tempDir('trt-gate-trtexec-versions-'));
  await recordOutputs(join(dir, 'outputs.json'), [TINYCNN]);
});
afterEach(async () => {
  vi.unstubAllEnvs();
  await cleanup();
});

const flagsOf = (argv: string[]) => argv.filter((a) => !a.includes('/'));
/** The timed runs (the device probe without nvidia-smi is a --loadEngine run too). */
const timed = (invocations: Invocation[]) =>
  invocations.filter((i) => i.argv.some((a) => a.startsWith('--exportTimes=')));

describe('trtexec flags per TensorRT version (argv seen by the double)', () => {
  it('10.3 builds bf16 with --bf16 and times with --useCudaGraph/--useSpinWait; 11.1 emits neither (its defaults)', async () => {
    const model: DoubleModel = { ...TINYCNN, precisions: ['fp32', 'bf16'] };
    const runnerOpts = 'useCudaGraph: true\nuseSpinWait: true\nnvidiaSmi: false';
    const v10 = await runWithDouble(dir, trtexecConfig([model], runnerOpts), {
      TRTEXEC_DOUBLE_VERSION: '10.3',
    });
    expect(v10.results.entries.map((e) => [e.id, e.status])).toEqual([
      ['tinycnn/fp32/b1', 'ok'],
      ['tinycnn/bf16/b1', 'ok'],
    ]);
    const builds10 = v10.invocations.filter((i) => i.mode === 'build');
    expect(flagsOf(builds10[1]!.argv)).toEqual(['--bf16', '--optShapes=image:1x3x32x32', '--skipInference']);
    const bench10 = timed(v10.invocations)[0]!;
    expect(bench10.argv).toEqual(expect.arrayContaining(['--useSpinWait', '--useCudaGraph']));
    expect(v10.results.environment.runtime.version).toBe('10.3.0');

    const v11 = await runWithDouble(
      dir,
      trtexecConfig([TINYCNN], runnerOpts),
      { TRTEXEC_DOUBLE_VERSION: '11.1' },
      'out11',
    );
    expect(v11.results.entries[0]!.status).toBe('ok');
    const bench11 = timed(v11.invocations)[0]!;
    expect(bench11.argv).not.toContain('--useSpinWait');
    expect(bench11.argv).not.toContain('--useCudaGraph');
    expect(bench11.version).toBe('11.1.0');
  });

  it('11.1 pins the 10.x measurement with --includeDataTransfers/--noSpinWait/--noCudaGraph, which the 11.x double accepts', async () => {
    const opts = 'useCudaGraph: false\nuseSpinWait: false\nnoDataTransfers: false\nnvidiaSmi: false';
    const v11 = await runWithDouble(dir, trtexecConfig([TINYCNN], opts), { TRTEXEC_DOUBLE_VERSION: '11.1' });
    expect(v11.results.entries[0]!.status).toBe('ok');
    expect(timed(v11.invocations)[0]!.argv).toEqual(
      expect.arrayContaining(['--includeDataTransfers', '--noSpinWait', '--noCudaGraph']),
    );
    // 10.3 does not know them: the same config emits nothing there (its defaults are that mode).
    const v10 = await runWithDouble(
      dir,
      trtexecConfig([TINYCNN], opts),
      { TRTEXEC_DOUBLE_VERSION: '10.3' },
      'out10',
    );
    expect(v10.results.entries[0]!.status).toBe('ok');
    expect(timed(v10.invocations)[0]!.argv.some((a) => /^--(include|noSpin|noCuda)/.test(a))).toBe(false);
  });

  it('8.6 gets only flags 8.6 knows (the double refuses others): --fp16, --memPoolSize, --skipInference', async () => {
    const model: DoubleModel = { ...TINYCNN, precisions: ['fp32', 'fp16'] };
    const { results, invocations } = await runWithDouble(
      dir,
      trtexecConfig([model], 'nvidiaSmi: false\nworkspaceMiB: 512\nbuilderOptimizationLevel: 2'),
      { TRTEXEC_DOUBLE_VERSION: '8.6' },
    );
    expect(results.entries.map((e) => e.status)).toEqual(['ok', 'ok']);
    expect(results.environment.runtime.version).toBe('8.6.1');
    const builds = invocations.filter((i) => i.mode === 'build');
    expect(builds.map((b) => b.version)).toEqual(['8.6.1', '8.6.1']);
    expect(flagsOf(builds[1]!.argv)).toEqual([
      '--fp16',
      '--optShapes=image:1x3x32x32',
      '--memPoolSize=workspace:512',
      '--builderOptimizationLevel=2',
      '--skipInference',
    ]);
  });

  it('8.6 refuses bf16 before building anything: a ConfigError (exit 2) naming the model', async () => {
    const model: DoubleModel = { ...TINYCNN, precisions: ['bf16'] };
    const error = await runWithDouble(dir, trtexecConfig([model], 'nvidiaSmi: false'), {
      TRTEXEC_DOUBLE_VERSION: '8.6',
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnsupportedOptionError);
    expect((error as UnsupportedOptionError).exitCode).toBe(2);
    expect((error as Error).message).toContain(
      'models[name=tinycnn].precisions: precision bf16 needs TensorRT 10 or later, found 8.6.1',
    );
  });

  it('refuses extra flags the detected version lacks at probe, with the option that holds them', async () => {
    const config = trtexecConfig([TINYCNN], "nvidiaSmi: false\nextraBuildFlags: ['--stronglyTyped']");
    const error = await runWithDouble(dir, config, { TRTEXEC_DOUBLE_VERSION: '8.6' }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(UnsupportedOptionError);
    expect((error as Error).message).toContain(
      'runner.extraBuildFlags[0]: --stronglyTyped is not available in TensorRT 8.6.1',
    );

    const ok = await runWithDouble(dir, config, { TRTEXEC_DOUBLE_VERSION: '10.3' });
    expect(ok.invocations.find((i) => i.mode === 'build')!.argv).toContain('--stronglyTyped');

    const run = "nvidiaSmi: false\nextraRunFlags: ['--infStreams=2', '--workspace=64']";
    const err2 = await runWithDouble(dir, trtexecConfig([TINYCNN], run)).catch((e: unknown) => e);
    expect((err2 as Error).message).toContain(
      'runner.extraRunFlags[1]: --workspace is not available in TensorRT 10.3.0',
    );
  });

  it('refuses a trtexec older than 8.6', async () => {
    const error = await runWithDouble(dir, trtexecConfig([TINYCNN], 'nvidiaSmi: false'), {
      TRTEXEC_DOUBLE_VERSION: '8.4.1',
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toContain(
      'TensorRT 8.4.1 is older than 8.6, the oldest version trt-gate drives',
    );
  });

  it('trt-gate run exits 2 on such a refusal and 2 when trtexec cannot be found', async () => {
    vi.stubEnv('TRTEXEC_DOUBLE_VERSION', '8.6');
    await writeConfig(dir, trtexecConfig([{ ...TINYCNN, precisions: ['bf16'] }], 'nvidiaSmi: false'));
    const io = fakeIO({ cwd: dir });
    expect(await main(['run', '-q', '-o', 'out'], io.io)).toBe(2);
    expect(io.stderr).toContain('bf16 needs TensorRT 10');

    const missing = trtexecConfig([TINYCNN], 'nvidiaSmi: false').replace(
      JSON.stringify(TRTEXEC_DOUBLE),
      './no/trtexec',
    );
    await writeConfig(dir, missing);
    const io2 = fakeIO({ cwd: dir });
    expect(await main(['run', '-q', '-o', 'out'], io2.io)).toBe(2);
    expect(io2.stderr).toMatch(/runner\.path: cannot run trtexec ".*no\/trtexec": not found/);
  });
});

describe('shapes and calibration', () => {
  it('gives no shape flags to a model with static inputs (trtexec refuses them)', async () => {
    const onnx = await writeReluModel(join(dir, 'static.onnx'), 'x', 'y', [1, 8]);
    await writeRecordedOutputs(join(dir, 'outputs.json'), [
      { onnx, inputs: [randomInput('x', [1, 8], 0)], samples: 2 },
    ]);
    const model: DoubleModel = { name: 'relu', onnx, input: { name: 'x', shape: [1, 8] } };
    const { results, invocations } = await runWithDouble(dir, trtexecConfig([model], 'nvidiaSmi: false'));
    expect(results.entries[0]!.status).toBe('ok');
    expect(results.entries[0]!.accuracy!.passed).toBe(true);
    for (const inv of invocations.filter((i) => i.mode !== 'help')) {
      expect(inv.argv.some((a) => /^--(min|opt|max)?[sS]hapes=/.test(a))).toBe(false);
    }
  });

  it('builds a dynamic input with its configured profile (min/opt/max) and runs the configured shape', async () => {
    const model: DoubleModel = {
      ...TINYCNN,
      inputLine:
        '    inputs: [{ name: image, shape: [1, 3, 32, 32], profile: { min: [1, 3, 32, 32], opt: [2, 3, 32, 32], max: [8, 3, 32, 32] } }]',
    };
    const { results, invocations } = await runWithDouble(dir, trtexecConfig([model], 'nvidiaSmi: false'));
    expect(results.entries[0]!.status).toBe('ok');
    const build = invocations.find((i) => i.mode === 'build')!.argv;
    expect(build).toEqual(
      expect.arrayContaining([
        '--minShapes=image:1x3x32x32',
        '--optShapes=image:2x3x32x32',
        '--maxShapes=image:8x3x32x32',
      ]),
    );
    expect(timed(invocations)[0]!.argv).toContain('--shapes=image:1x3x32x32');
  });

  it('passes an INT8 calibration cache and rebuilds when its content changes', async () => {
    const calib = join(dir, 'tinycnn.calib');
    await writeFile(calib, 'TRT-8601-EntropyCalibration2\nimage: 3c010a14\n');
    const model: DoubleModel = {
      ...TINYCNN,
      precisions: ['fp32', 'int8'],
      lines: [`calibrationCache: ${JSON.stringify(calib)}`],
    };
    const config = trtexecConfig([model], 'nvidiaSmi: false');
    const first = await runWithDouble(dir, config);
    expect(first.results.entries.map((e) => e.status)).toEqual(['ok', 'ok']);
    const [fp32, int8] = first.invocations.filter((i) => i.mode === 'build');
    expect(fp32!.argv.some((a) => a.startsWith('--calib'))).toBe(false);
    expect(int8!.argv).toEqual(expect.arrayContaining(['--int8', `--calib=${calib}`]));
    const again = await runWithDouble(dir, config);
    expect(again.invocations.some((i) => i.mode === 'build')).toBe(false);
    // A new calibration cache is a new int8 engine; the fp32 engine stays cached.
    await writeFile(calib, 'TRT-8601-EntropyCalibration2\nimage: 3c0a0b0c\n');
    const changed = await runWithDouble(dir, config);
    const rebuilt = changed.invocations.filter((i) => i.mode === 'build');
    expect(rebuilt).toHaveLength(1);
    expect(rebuilt[0]!.argv).toContain('--int8');
  });
});

describe('checkConfig', () => {
  it('reports options that cannot work before anything runs', async () => {
    const text = trtexecConfig(
      [{ ...TINYCNN, precisions: ['fp32', 'int8'] }],
      [
        'path: /no/such/dir/trtexec',
        "extraBuildFlags: ['--fp16', '--saveEngine=x.plan', 'fp16']",
        "extraRunFlags: ['--exportTimes=t.json']",
      ].join('\n'),
    );
    const error = await loadConfig(await writeConfig(dir, text)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    const paths = (error as ConfigError).issues.map((i) => `${i.path}: ${i.message}`);
    expect(paths).toEqual(
      expect.arrayContaining([
        'runner.path: /no/such/dir/trtexec does not exist',
        'runner.extraBuildFlags[0]: --fp16 sets the precision, which comes from models[].precisions (one engine per precision)',
        'runner.extraBuildFlags[1]: --saveEngine sets a file trt-gate manages and cannot be overridden',
        'runner.extraBuildFlags[2]: "fp16" must look like --name or --name=value',
        'runner.extraRunFlags[0]: --exportTimes sets a file trt-gate manages and cannot be overridden',
        expect.stringMatching(
          /^models\[0\]\.calibrationCache: precision int8 needs a quantized \(Q\/DQ\) model/,
        ),
      ]),
    );
  });

  it('validates option types with runner. paths', async () => {
    const text = trtexecConfig([TINYCNN], 'timeoutSec: { build: -1 }\nbogus: 1');
    const error = await loadConfig(await writeConfig(dir, text)).catch((e: unknown) => e);
    const paths = (error as ConfigError).issues.map((i) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['runner.timeoutSec.build', 'runner']));
  });
});

describe('docs/gpu-runners.md', () => {
  it('shows the version rules as describeVersionRules() prints them', async () => {
    const doc = await readFile(join(REPO_ROOT, 'docs', 'gpu-runners.md'), 'utf8');
    expect(doc).toContain(describeVersionRules());
  });
});
