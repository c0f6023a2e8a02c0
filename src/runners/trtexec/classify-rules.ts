/**
 * The rule table that turns a failed trtexec log into an incident kind. Read top to bottom: the first
 * rule whose `match` patterns hit (and whose `when`, if any, holds) wins, so the most specific cause
 * comes first. ./classify.ts applies it; tests read the same table (ids, order, fixtures).
 *
 * Message sources (real output): the OOM fixture (TensorRT 10.3, NVIDIA/TensorRT#4258); `No importer
 * registered for op: X` (onnx-tensorrt#465, trtexec2/trt8.0.1 plugin log); `generated on an incompatible
 * device, expecting compute 8.6 got compute 7.5` (NVIDIA/TensorRT#2176); `Version tag does not match`
 * (trtexec2/trt10.11); `Unknown option: <flag> <value>` (samples/trtexec/trtexec.cpp; trtexec2/trt10.3,
 * trt11.0); `exceed min ~ max range` (trtexec2/trt8.x binding log); `does not satisfy any optimization
 * profiles` (IExecutionContext::setInputShape, 10.x); `Static model does not take explicit shapes`
 * (trtexec's shape check); `Could not open file` (onnx-tensorrt ParseFromFile), `Cannot open file`
 * (--loadInputs), `Error opening engine file` (--loadEngine).
 */
import type { IncidentKind, Stage } from '../../results/schema.js';

export interface Description {
  title: string;
  message: string;
  /** Steps of this cause only; the kind's playbook (src/report/playbooks.ts) is added by every writer. */
  nextSteps: string[];
}

export interface ClassificationRule {
  /** Stable name, used by tests and in logs. */
  id: string;
  /** A fixed kind, or one by stage (a missing file is a build failure at build time). */
  kind: IncidentKind | ((stage: Stage) => IncidentKind);
  /** Any of these on any line selects the rule; the matching lines become the excerpt. */
  match: RegExp[];
  /** Extra lines worth showing in the excerpt (they do not select the rule). */
  context?: RegExp[];
  /** Extra condition on the whole log (e.g. OOM needs a memory error, not just a warning). */
  when?: (log: string) => boolean;
  describe: (log: string, stage: Stage) => Description;
}

/** Every distinct flag named in `Unknown option: --flag value` lines, in order. */
export function rejectedFlags(log: string): string[] {
  const out: string[] = [];
  for (const m of log.matchAll(/Unknown option: ?(--?[A-Za-z][\w-]*)/g)) {
    if (!out.includes(m[1]!)) out.push(m[1]!);
  }
  return out;
}

/** An operator name as printed, without sentence punctuation (`op: Custom.` → `Custom`). */
function operatorName(log: string): string | undefined {
  const name =
    /(?:No importer registered for op|getPluginCreator could not find plugin):? ?([\w-]+(?:[.:][\w-]+)*)/;
  return name.exec(log)?.[1];
}

function missingFile(log: string): string | undefined {
  const m =
    /(?:Could not open file|Cannot open file|Failed to open file:?|Error opening engine file:?|Cannot find input file:?) ?"?([^"!\s]+)/.exec(
      log,
    );
  return m?.[1];
}

const OOM = [
  /\bOutOfMemory\b|out of memory|CUDA_ERROR_OUT_OF_MEMORY|cudaErrorMemoryAllocation|std::bad_alloc/i,
  /Requested amount of GPU memory \(\d+ bytes\) could not be allocated|User allocator error allocating/,
];

const SHAPE = [
  /k(?:MIN|OPT|MAX) dimensions in profile/i,
  /Cannot find binding of given name/,
  /has dynamic or shape inputs, but no optimization profile/,
  /Static dimension mismatch/i,
  /exceed min ~ max range|profile(?:Max|Min)Dims\.d\[i\]/,
  /does not satisfy any optimization profiles?/,
  /Static model does not take explicit shapes/,
];

export const CLASSIFICATION_RULES: readonly ClassificationRule[] = [
  {
    id: 'unknown-option',
    kind: 'unknown-option',
    match: [/Unknown option: ?\S+/, /\bInvalid option\b/i],
    describe: (log) => {
      const flags = rejectedFlags(log);
      const list = flags.join(', ');
      return {
        title:
          flags.length === 0
            ? 'trtexec rejected an option'
            : `trtexec rejected option${flags.length > 1 ? 's' : ''} ${list}`,
        message: `This trtexec does not accept ${list || 'one of the flags passed'}; flags differ between TensorRT 8.6, 10.x and 11.x.`,
        nextSteps: [],
      };
    },
  },
  {
    id: 'engine-mismatch',
    kind: 'engine-mismatch',
    match: [
      /generated on an incompatible device, expecting compute \S+ got compute \S+/,
      /Version tag does not match/i,
      /magicTag/,
      /Serialization assertion/i,
      /plan file is (?:not compatible|incompatible) with this version/i,
    ],
    describe: (log) => {
      const cc = /expecting compute (\S+?),? got compute (\S+?)[,.]?(?:\s|$)/.exec(log);
      return {
        title: 'Engine was built for a different GPU or TensorRT version',
        message: cc
          ? `The engine targets compute capability ${cc[2]} but this GPU is ${cc[1]}, so it cannot be loaded.`
          : 'The serialized engine was produced by a different TensorRT version or build and cannot be deserialized.',
        nextSteps: [],
      };
    },
  },
  {
    id: 'out-of-memory',
    kind: 'out-of-memory',
    // "Engine could not be created from network" alone is any build failure; it counts only next to these.
    match: [...OOM, /Engine could not be created from network/],
    when: (log) => OOM.some((re) => re.test(log)),
    describe: (log, stage) => {
      const bytes = /Requested amount of GPU memory \((\d+) bytes\)/.exec(log)?.[1];
      const gib = bytes ? ` (a single request of ${(Number(bytes) / 2 ** 30).toFixed(1)} GiB failed)` : '';
      return {
        title: `GPU out of memory during ${stage}`,
        message: `TensorRT ran out of GPU memory${gib} and could not ${stage === 'build' ? 'create the engine' : 'run the engine'}.`,
        nextSteps: [],
      };
    },
  },
  {
    // Before unsupported-operator: a missing ONNX file also ends in "Failed to parse onnx file".
    id: 'missing-file',
    kind: (stage) => (stage === 'build' ? 'engine-build-failure' : 'runtime-error'),
    match: [
      /Could not open file|Cannot open file|Failed to open file|Error opening engine file|Cannot find input file/,
    ],
    describe: (log) => {
      const file = missingFile(log);
      return {
        title: file ? `trtexec could not open ${file}` : 'trtexec could not open an input file',
        message: `A file trtexec was given (${file ?? 'model, engine or --loadInputs data'}) does not exist or cannot be read.`,
        nextSteps: [
          'Check the path relative to the directory trtexec runs in, and its permissions.',
          'For --loadInputs, every input needs a file of exactly shape × dtype bytes.',
        ],
      };
    },
  },
  {
    id: 'unsupported-operator',
    kind: 'unsupported-operator',
    match: [
      /No importer registered for op:? ?\S*/,
      /getPluginCreator could not find plugin:? ?\S*/,
      /Plugin not found/i,
      /Failed to parse onnx file/i,
      /While parsing node number \d+/,
    ],
    describe: (log) => {
      const op = operatorName(log);
      return {
        title: op ? `Unsupported ONNX operator ${op}` : 'TensorRT could not parse the ONNX model',
        message: op
          ? `The ONNX parser has no importer or plugin for ${op}, so the network could not be built.`
          : 'The ONNX parser rejected the model, usually because of an operator or opset it does not support.',
        nextSteps: [],
      };
    },
  },
  {
    id: 'shape-profile-error',
    kind: 'shape-profile-error',
    match: SHAPE,
    context: [/optimization profile|setInputShape/i],
    describe: (log) => {
      const staticModel = /Static model does not take explicit shapes/.test(log);
      return {
        title: staticModel
          ? 'Explicit shapes were given for a static model'
          : 'Input shapes do not fit the optimization profile',
        message: staticModel
          ? 'The model has fixed input shapes, so trtexec refuses --shapes/--minShapes/--optShapes/--maxShapes for it.'
          : 'TensorRT rejected the input shapes or optimization profile given for a dynamic-shape model.',
        nextSteps: [],
      };
    },
  },
];

export const CRASH_TEXT = /Segmentation fault|core dumped|段错误|Aborted|Bus error|Illegal instruction/;
