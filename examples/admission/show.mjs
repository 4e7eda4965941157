// Prints an AdmissionReview response (stdin) for people: the verdict, the denial message, the
// warnings, and the JSON Patch decoded from base64, one operation per line. Plain JavaScript so it
// runs on whatever `node` is on PATH.
let text = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => {
  text += chunk;
});
process.stdin.on('end', () => {
  const response = JSON.parse(text).response ?? {};
  console.log(`allowed: ${response.allowed}`);
  if (response.status?.message) console.log(`message: ${response.status.message}`);
  for (const warning of response.warnings ?? []) console.log(`warning: ${warning}`);
  if (response.patch) {
    console.log('patch:');
    for (const op of JSON.parse(Buffer.from(response.patch, 'base64').toString('utf8'))) {
      console.log(`  ${op.op} ${op.path} ${JSON.stringify(op.value)}`);
    }
  }
});
