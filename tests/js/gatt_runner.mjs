// Runs pwa/app/js/ble/gatt.js in Node for tests/test_ble_parser.py: reads [{fn, args}] as
// JSON on stdin, prints one result per case ({result} or {error: code}) as JSON.
import * as gatt from '../../pwa/app/js/ble/gatt.js';

let input = '';
process.stdin.on('data', (chunk) => { input += chunk; });
process.stdin.on('end', () => {
  const out = JSON.parse(input).map(({ fn, args }) => {
    try {
      return { result: gatt[fn](...args) };
    } catch (err) {
      return { error: err.code || String(err) };
    }
  });
  process.stdout.write(JSON.stringify(out));
});
