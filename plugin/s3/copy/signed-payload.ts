// Makes the target store verify an upload's SHA-256: SigV4 signs x-amz-content-sha256, and the
// store rejects the request when the bytes it received hash differently (S3 answers
// XAmzContentSHA256Mismatch, Swift BadDigest). The signer uses a header that is already set
// instead of hashing the body a second time.
import { PutObjectCommand } from '@aws-sdk/client-s3';
import type { UploadPartCommand } from '@aws-sdk/client-s3';

const STEP = { step: 'build', name: 'kfstorePayloadSha256' } as const;

function setHeader(request: unknown, sha256Hex: string): void {
  const headers = (request as { headers?: Record<string, string> }).headers;
  // The check must not vanish silently if the SDK's request shape ever changes.
  if (headers === undefined) throw new Error('internal: the S3 request has no headers to carry the payload SHA-256');
  headers['x-amz-content-sha256'] = sha256Hex;
}

export function withPayloadSha256<C extends PutObjectCommand | UploadPartCommand>(command: C, sha256Hex: string): C {
  // The two commands' stacks have different type parameters, so each gets its own closure.
  if (command instanceof PutObjectCommand) {
    command.middlewareStack.add(
      (next) => async (args) => {
        setHeader(args.request, sha256Hex);
        return next(args);
      },
      STEP,
    );
  } else {
    (command as UploadPartCommand).middlewareStack.add(
      (next) => async (args) => {
        setHeader(args.request, sha256Hex);
        return next(args);
      },
      STEP,
    );
  }
  return command;
}
