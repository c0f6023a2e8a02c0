// Preloaded with `node --require` by test/app/native-loading.test.ts: on exit, records whether
// ONNX Runtime's native library is mapped into this process (Linux /proc/self/maps).
const { readFileSync, writeFileSync } = require('node:fs');

process.on('exit', () => {
  const maps = readFileSync('/proc/self/maps', 'utf8');
  const loaded = /onnxruntime_binding\.node|libonnxruntime\.so/.test(maps);
  writeFileSync(process.env.TRT_GATE_NATIVE_PROBE, loaded ? 'loaded' : 'not loaded');
});
