// Runs pwa/shared/http.js in Node for tests/test_shared_http.py: reads [{status, body}] as
// JSON on stdin (body: a string sent as the answer's text), prints what each answer becomes.
import { ApiError, errorMessage, readBody, refusalText, result } from '../../pwa/shared/http.js';

let input = '';
process.stdin.on('data', (chunk) => { input += chunk; });
process.stdin.on('end', async () => {
  const out = [];
  for (const { status, body } of JSON.parse(input)) {
    const answer = () => new Response(status === 204 ? null : body, { status });
    const parsed = await readBody(answer());
    const row = { parsed, message: errorMessage(parsed, status), refusal: refusalText(parsed, status) };
    try {
      row.result = await result(answer());
    } catch (err) {
      row.error = { isApiError: err instanceof ApiError, status: err.status, code: err.code,
        message: err.message, refusal: err.refusal, fields: err.fields, body: err.body };
    }
    out.push(row);
  }
  process.stdout.write(JSON.stringify(out));
});
