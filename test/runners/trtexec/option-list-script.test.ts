/**
 * scripts/trtexec-options.ts, the extractor behind test/fixtures/trtexec-options/: on the real
 * `trtexec --help` of TensorRT 11.0.0 it must give the 11.0 list read from sampleOptions.cpp at the
 * same build (VERSION 11.0.0.114, banner [b114]), less the options the help does not document.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { optionsFromHelp, optionsFromSource } from '../../../scripts/trtexec-options.js';
import { accepted, OPTION_LIST_DIR, optionList } from './option-lists.js';

describe('option lists from a real --help', () => {
  const help = readFileSync(`${OPTION_LIST_DIR}trt11.0.0-help-options.txt`, 'utf8');
  const fromHelp = optionsFromHelp(help);
  const list = optionList('trt11.0.json');

  it('the 11.0.0 help documents every option of the 11.0 list but three undocumented ones', () => {
    const listed = accepted(list);
    expect(fromHelp.options.filter((o) => !listed.has(o))).toEqual([]);
    // Parsed by 11.0 but not in its help: two deprecated aliases and one new knob.
    expect([...listed].filter((o) => !fromHelp.options.includes(o)).sort()).toEqual([
      '--distributiveIndependence',
      '--plugins',
      '--streams',
    ]);
  });

  it('its [Deprecated] no-ops are the no-ops of the list', () => {
    const noops = fromHelp.deprecated.filter((d) => d.noop).map((d) => d.option);
    expect(noops).toEqual([
      '--noDataTransfers',
      '--separateProfileRun',
      '--stronglyTyped',
      '--useCudaGraph',
      '--useSpinWait',
    ]);
    for (const name of noops) expect(list.deprecated[name]?.kind).toBe('noop');
    expect(fromHelp.deprecated.map((d) => d.option)).toContain('--directIO');
    expect(list.deprecated['--directIO']?.kind).toBe('discouraged');
  });
});

describe('option lists from sampleOptions.cpp', () => {
  // Written for this test in the shape of trtexec's parser (not NVIDIA's text): each way an option is read.
  const source = [
    'void helperOutsideParsers(Arguments& arguments) { getAndDelOption(arguments, "--notAnOption", x); }',
    'void BuildOptions::parse(Arguments& arguments)',
    '{',
    '    getFormats(inputFormats, "--inputIOFormats");',
    '    minShapes = getShapesBuild(arguments, shapes, "--minShapes", nvinfer1::OptProfileSelector::kMIN);',
    '    if (getAndDelOption(arguments, "--workspace", workspace))',
    '    {',
    '        sample::gLogWarning << "--workspace flag has been deprecated by --memPoolSize flag." << std::endl;',
    '    }',
    '    getAndDelNegOption(arguments, "--noTF32", tf32);',
    '    if (getAndDelOption(arguments, "--noDataTransfers", dummy))',
    '    {',
    '        sample::gLogWarning << "--noDataTransfers is deprecated. Data transfers are now disabled by default. "',
    '                               "Use --includeDataTransfers to re-enable data transfers." << std::endl;',
    '    }',
    '    throw std::invalid_argument("--timeRefit requires --useRuntime=full.");',
    '}',
    'void SafeBuilderOptions::parse(Arguments& arguments)',
    '{',
    '    getAndDelOption(arguments, "--std", standard);',
    '}',
    'bool parseHelp(Arguments& arguments)',
    '{',
    '    getAndDelOption(arguments, "-h", helpShort);',
    '}',
    '',
  ].join('\n');

  it('reads the literals the parsers consume, and their deprecation warnings', () => {
    const out = optionsFromSource(source);
    expect(out.options).toEqual([
      '--inputIOFormats',
      '--minShapes',
      '--noDataTransfers',
      '--noTF32',
      '--workspace',
      '-h',
    ]);
    expect(out.deprecated).toEqual([
      { option: '--noDataTransfers', noop: false, replacement: '--includeDataTransfers' },
      { option: '--workspace', noop: false, replacement: '--memPoolSize' },
    ]);
  });
});
