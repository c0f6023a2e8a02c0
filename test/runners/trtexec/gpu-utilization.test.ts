import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { prometheusText } from '../../../src/export/prometheus/metrics.js';
import { parseSmiLine, QUERY_FIELDS } from '../../../src/runners/trtexec/smi-csv.js';
import { parseExposition, series } from '../../export/prometheus/parse.js';
import { tempDir } from '../../helpers/tiny-config.js';
import { recordOutputs, runWithDouble, TINYCNN, trtexecConfig } from './double/pipeline.js';

describe('GPU utilization from nvidia-smi', () => {
  it('reads utilization.gpu, and nothing from [N/A]', () => {
    const row = (util: string) =>
      `NVIDIA L4, 8.9, 550.54.15, 23034, 2100, 2040, 2040, 64, 71.5, 72.00, P0, 0x0000000000000000, Not Active, Not Active, Not Active, Not Active, ${util}`;
    expect(parseSmiLine(row('87'), QUERY_FIELDS, 'during').utilizationPct).toBe(87);
    expect(parseSmiLine(row('[N/A]'), QUERY_FIELDS, 'during')).not.toHaveProperty('utilizationPct');
  });

  describe('through the trtexec runner (doubles)', () => {
    let dir: string;
    let cleanup: () => Promise<void>;
    beforeEach(async () => {
      ({ dir, cleanup } = await tempDir('trt-gate-gpu-util-'));
      await recordOutputs(`${dir}/outputs.json`, [TINYCNN]);
    });
    afterEach(async () => {
      await cleanup();
    });

    it('records it while trtexec runs, and exports it as trt_gpu_utilization_percent', async () => {
      // Each timed run lasts until nvidia-smi was sampled twice while it ran (the first sample kept).
      const { results } = await runWithDouble(
        dir,
        trtexecConfig(
          [{ ...TINYCNN, precisions: ['fp16'] }],
          'health: { cooldownSec: 0, sampleIntervalMs: 10 }',
        ),
        { NVIDIA_SMI_DOUBLE_LOG: join(dir, 'smi.jsonl'), TRTEXEC_DOUBLE_AWAIT_SMI: '2' },
      );
      const entry = results.entries[0]!;
      expect(entry.status).toBe('ok');
      // nvidia-smi-states.json `ok`: 97 %.
      expect((entry.health!.samples as { during: number }).during).toBeGreaterThan(0);
      expect(entry.health?.utilizationPct).toEqual({ min: 97, max: 97 });
      const metrics = await parseExposition(await prometheusText([results]));
      expect(series(metrics, 'trt_gpu_utilization_percent')).toEqual([
        {
          labels: expect.objectContaining({ model: 'tinycnn', precision: 'fp16', runner: 'trtexec' }),
          value: 97,
        },
      ]);
    }, 120_000);

    it('exports no utilization when nvidia-smi is off (unknown is not 0)', async () => {
      const { results } = await runWithDouble(
        dir,
        trtexecConfig([{ ...TINYCNN, precisions: ['fp16'] }], 'nvidiaSmi: false'),
      );
      expect(results.entries[0]!.status).toBe('ok');
      const metrics = await parseExposition(await prometheusText([results]));
      expect(series(metrics, 'trt_gpu_utilization_percent')).toEqual([]);
    }, 120_000);
  });
});
