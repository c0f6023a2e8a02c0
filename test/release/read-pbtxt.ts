import { readFile } from 'node:fs/promises';
import { type PlainMessage, parsePbtxt } from '../../src/release/triton/pbtxt.js';
import { ModelConfigType } from '../../src/release/triton/schema.js';

/** A written config.pbtxt, parsed with Triton's ModelConfig schema (what the tests read back). */
export async function readPbtxt(path: string): Promise<PlainMessage> {
  return parsePbtxt(ModelConfigType, await readFile(path, 'utf8'));
}
