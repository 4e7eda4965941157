// An error the user can act on: one line naming the file, object or endpoint. The plugin exits 2
// with it; the webhook logs it and carries on degraded.
export class KubeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KubeError';
  }
}
