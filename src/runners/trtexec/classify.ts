/**
 * Turns a failed trtexec run into an Incident: what went wrong, the log lines that show it, and what to try.
 *
 * Message patterns are taken from real output: the OOM fixture (TensorRT 10.3, NVIDIA/TensorRT#4258),
 * onnx-tensorrt#465 / Qjizhi/TensorRT-CenterNet-3D#3 (`No importer registered for op: X`),
 * NVIDIA/TensorRT#2176 (`generated on an incompatible device, expecting compute 8.6 got compute 7.5`),
 * onnx-tensorrt#725 (`Network has dynamic or shape inputs, but no optimization profile has been defined`),
 * samples/trtexec/trtexec.cpp (`Unknown option: <flag> <value>`). Order matters: the most specific cause wins,
 * a timeout beats everything (its log is incomplete), and a crash is only named when no message explains it.
 */
import type { Incident, IncidentKind, Stage } from '../../results/schema.js';
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

interface Rule {
  kind: IncidentKind;
  patterns: RegExp[];
  /** Extra condition on the whole log (e.g. OOM needs a memory error, not just a warning). */
  when?: (log: string) => boolean;
}

/** `Cuda Runtime (out of memory)`, `OutOfMemory`, the allocator's `Requested amount of GPU memory ...`, host bad_alloc. */
const OOM = [
  /\bOutOfMemory\b|out of memory|CUDA_ERROR_OUT_OF_MEMORY|cudaErrorMemoryAllocation|std::bad_alloc/i,
  /Requested amount of GPU memory \(\d+ bytes\) could not be allocated|User allocator error allocating/,
];
const SHAPE =
  /k(?:MIN|OPT|MAX) dimensions in profile|Cannot find binding of given name|has dynamic or shape inputs, but no optimization profile|Static dimension mismatch/i;

const RULES: Rule[] = [
  { kind: 'unknown-option', patterns: [/Unknown option: ?\S+/, /\bInvalid option\b/i] },
  {
    kind: 'engine-mismatch',
    patterns: [
      /generated on an incompatible device, expecting compute \S+ got compute \S+/,
      /Version tag does not match/i,
      /magicTag/,
      /Serialization assertion/i,
      /plan file is (?:not compatible|incompatible) with this version/i,
    ],
  },
  {
    kind: 'out-of-memory',
    // "Engine could not be created from network" alone is any build failure; it counts only next to these.
    patterns: [...OOM, /Engine could not be created from network/],
    when: (log) => OOM.some((re) => re.test(log)),
  },
  {
    kind: 'unsupported-operator',
    patterns: [
      /No importer registered for op:? ?\S*/,
      /getPluginCreator could not find plugin:? ?\S*/,
      /Plugin not found/i,
      /Failed to parse onnx file/i,
      /While parsing node number \d+/,
    ],
  },
  // The broader patterns only pick excerpt lines; the kind needs one of the specific SHAPE messages.
  {
    kind: 'shape-profile-error',
    patterns: [SHAPE, /optimization profile|setInputShape/i],
    when: (log) => SHAPE.test(log),
  },
];

const CRASH_TEXT = /Segmentation fault|core dumped|Aborted|Bus error|Illegal instruction/;

export function classifyTrtexecFailure(failure: TrtexecFailure): Incident {
  const log = [failure.stdout, failure.stderr].filter((s) => s !== '').join('\n');
  const { stage } = failure;

  if (failure.timedOut) {
    return incident('timeout', stage, log, [], failure);
  }
  for (const rule of RULES) {
    if (!rule.patterns.some((re) => re.test(log))) continue;
    if (rule.when && !rule.when(log)) continue;
    return incident(rule.kind, stage, log, rule.patterns, failure);
  }
  if (failure.signal || failure.exitCode === 139 || failure.exitCode === 134 || CRASH_TEXT.test(log)) {
    return incident('crash', stage, log, [CRASH_TEXT], failure);
  }
  return incident(stage === 'build' ? 'engine-build-failure' : 'runtime-error', stage, log, [], failure);
}

function incident(
  kind: IncidentKind,
  stage: Stage,
  log: string,
  patterns: RegExp[],
  f: TrtexecFailure,
): Incident {
  const excerpt = excerptFor(log, patterns);
  // Details (flag, operator, compute capability) are read from the excerpt first: those are the lines that matched.
  const { title, message, nextSteps } = describeKind(kind, stage, excerpt ? `${excerpt}\n${log}` : log, f);
  return { kind, stage, title, message, ...(excerpt ? { logExcerpt: excerpt } : {}), nextSteps };
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

interface Description {
  title: string;
  message: string;
  nextSteps: string[];
}

function describeKind(kind: IncidentKind, stage: Stage, log: string, f: TrtexecFailure): Description {
  switch (kind) {
    case 'timeout':
      return {
        title: `trtexec timed out during ${stage}`,
        message: `trtexec did not finish the ${stage} step within the configured time limit and was stopped.`,
        nextSteps: [
          'Raise the runner timeout, or lower --builderOptimizationLevel to shorten tactic search.',
          'Reuse a --timingCacheFile between runs so tactic timing is not repeated.',
          'For benchmarks, reduce --duration / --iterations.',
          'Check that the GPU is not shared with other jobs (nvidia-smi) and is not throttling.',
        ],
      };
    case 'unknown-option': {
      const flag = /Unknown option: ?(\S+)/.exec(log)?.[1];
      return {
        title: flag ? `trtexec rejected option ${flag}` : 'trtexec rejected an option',
        message: `This trtexec does not accept ${flag ?? 'one of the flags passed'}; flags differ between TensorRT 8.6, 10.x and 11.x.`,
        nextSteps: [
          'Run `trtexec --help` on this machine and compare with runner.extraFlags.',
          'TensorRT 10 removed --workspace (use --memPoolSize=workspace:N), --minTiming, --batch/--maxBatch; 11 removed precision flags (--fp16, --int8, --best) and --calib.',
          'Pin the TensorRT version the config was written for, or update the flags.',
        ],
      };
    }
    case 'engine-mismatch': {
      const cc = /expecting compute (\S+?),? got compute (\S+?)[,.]?(?:\s|$)/.exec(log);
      return {
        title: 'Engine was built for a different GPU or TensorRT version',
        message: cc
          ? `The engine targets compute capability ${cc[2]} but this GPU is ${cc[1]}, so it cannot be loaded.`
          : 'The serialized engine was produced by a different TensorRT version or build and cannot be deserialized.',
        nextSteps: [
          'Rebuild the engine on this GPU with this TensorRT version instead of reusing a cached one.',
          'Check the engine cache key: it must include GPU compute capability and the exact TensorRT version.',
          'To share engines across GPUs, build with --hardwareCompatibilityLevel=ampere+ (Ampere and newer only).',
        ],
      };
    }
    case 'out-of-memory': {
      const bytes = /Requested amount of GPU memory \((\d+) bytes\)/.exec(log)?.[1];
      const gib = bytes ? ` (a single request of ${(Number(bytes) / 2 ** 30).toFixed(1)} GiB failed)` : '';
      return {
        title: `GPU out of memory during ${stage}`,
        message: `TensorRT ran out of GPU memory${gib} and could not ${stage === 'build' ? 'create the engine' : 'run the engine'}.`,
        nextSteps: [
          'Lower the builder workspace with --memPoolSize=workspace:<MiB>.',
          'Reduce the batch size or the --maxShapes of the optimization profile.',
          'Check for other processes holding GPU memory with nvidia-smi.',
          'Try a lower --builderOptimizationLevel, which tries fewer memory-hungry tactics.',
        ],
      };
    }
    case 'unsupported-operator': {
      const op =
        /No importer registered for op:? ?([\w.-]+)/.exec(log)?.[1] ??
        /getPluginCreator could not find plugin:? ?([\w.-]+)/.exec(log)?.[1];
      return {
        title: op ? `Unsupported ONNX operator ${op}` : 'TensorRT could not parse the ONNX model',
        message: op
          ? `The ONNX parser has no importer or plugin for ${op}, so the network could not be built.`
          : 'The ONNX parser rejected the model, usually because of an operator or opset it does not support.',
        nextSteps: [
          'Check the model opset against the ONNX operators this TensorRT version supports; re-export with another opset.',
          'If the op is a custom plugin, load its library with --staticPlugins (or --dynamicPlugins and --setPluginsToSerialize).',
          'Simplify the graph with onnx-simplifier or replace the node with `polygraphy surgeon`.',
          'Run with --verbose to see which node the parser stopped at.',
        ],
      };
    }
    case 'shape-profile-error':
      return {
        title: 'Input shapes do not fit the optimization profile',
        message:
          'TensorRT rejected the input shapes or optimization profile given for a dynamic-shape model.',
        nextSteps: [
          'Give --minShapes/--optShapes/--maxShapes for every dynamic input, with min ≤ opt ≤ max in each dimension.',
          'Check the input names against the model (a misspelt name is "Cannot find binding of given name").',
          'Make the benchmark --shapes fall inside the profile the engine was built with.',
        ],
      };
    case 'crash': {
      const how = f.signal ? `was killed by ${f.signal}` : `exited with code ${f.exitCode ?? 'unknown'}`;
      return {
        title: `trtexec crashed during ${stage}`,
        message: `trtexec ${how} without an error message that explains it.`,
        nextSteps: [
          'Re-run with --verbose to see the last step before the crash.',
          'SIGKILL often means the host ran out of memory (check dmesg for the OOM killer).',
          'Check the driver / CUDA / TensorRT versions are a supported combination.',
          'Try without custom plugins, and report a reproducible crash to NVIDIA/TensorRT.',
        ],
      };
    }
    case 'engine-build-failure':
      return {
        title: 'TensorRT engine build failed',
        message:
          'trtexec could not build an engine from the model; the log excerpt shows the errors it printed.',
        nextSteps: [
          'Read the [E] lines in the excerpt; re-run with --verbose for the node that failed.',
          'Check the model with `polygraphy inspect model` and try folding constants (onnx-simplifier).',
          'Try another precision, or a newer TensorRT release.',
        ],
      };
    default:
      return {
        title: `trtexec failed during ${stage}`,
        message: `trtexec exited with code ${f.exitCode ?? 'unknown'} while running the engine.`,
        nextSteps: [
          'Read the [E] lines in the excerpt; re-run with --verbose for details.',
          'Check that input files given with --loadInputs match the input shapes and data types.',
        ],
      };
  }
}
