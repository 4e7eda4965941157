// The review's uid, read from the raw bytes without parsing them: a review refused at a limit
// (deadline, full queue) must still be answered with its uid, and parsing is what it was refused.
// kube-apiserver writes `request.uid` as the first field of the request, so the first "uid" key in
// the first bytes is it; a body written otherwise gets a plain error status instead.
const HEAD_BYTES = 1024;
const UID = /"request"\s*:\s*\{\s*"uid"\s*:\s*"([0-9A-Za-z-]{1,128})"/;

export function sniffUid(body: Uint8Array): string | undefined {
  const head = new TextDecoder().decode(body.subarray(0, HEAD_BYTES));
  return UID.exec(head)?.[1];
}
