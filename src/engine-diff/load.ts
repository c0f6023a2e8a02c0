/**
 * Reads one engine's exports for `trt-gate diff-engines`: a `--exportLayerInfo` JSON (an object with
 * "Layers") and/or a `--exportProfile` JSON (an array starting with { "count" }), told apart by shape.
 */
import { DataError } from '../errors.js';
import { type ExportLayerInfo, parseExportLayerInfo } from '../runners/trtexec/parse/export-layer-info.js';
import { type ExportProfile, parseExportProfile } from '../runners/trtexec/parse/export-profile.js';
import { parseJsonText } from '../runners/trtexec/parse/numbers.js';
import { type EngineEnvironment, type EngineSide, sideFromExports } from './side.js';

export interface ExportFile {
  path: string;
  text: string;
}

/** Each file is either kind; at most one of each. */
export function loadSide(files: readonly ExportFile[], environment: EngineEnvironment = {}): EngineSide {
  let layerInfo: ExportLayerInfo | undefined;
  let profileFile: ExportFile | undefined;
  for (const file of files) {
    const data = parseJsonText(file.text, file.path);
    if (Array.isArray(data)) {
      if (profileFile)
        throw new DataError(
          `${file.path}: a second --exportProfile file for the same engine (first: ${profileFile.path})`,
          file.path,
        );
      profileFile = file;
    } else {
      if (layerInfo)
        throw new DataError(`${file.path}: a second --exportLayerInfo file for the same engine`, file.path);
      layerInfo = parseExportLayerInfo(file.text, file.path);
    }
  }
  const profile: ExportProfile | undefined = profileFile
    ? parseExportProfile(profileFile.text, profileFile.path, layerInfo)
    : undefined;
  const side = sideFromExports(layerInfo, profile, environment);
  if (side.layers.length === 0) {
    throw new DataError(
      `${files.map((f) => f.path).join(', ')}: no layers in the export (expected trtexec --exportLayerInfo or --exportProfile)`,
      files[0]?.path,
    );
  }
  return side;
}
