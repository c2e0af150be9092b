// What the service says in an error, made safe to show: bounded, one line, no credential.

/** Most characters of the service's message kept in an error message. */
export const MAX_SERVICE_MESSAGE = 300;

/** `text` with every occurrence of each secret replaced by `[redacted]`. */
export function scrub(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret) out = out.split(secret).join('[redacted]');
  }
  return out;
}

/**
 * The code and message of an error body: the documented flat `{"error": "<code>",
 * "message": "…"}`, or the nested `{"error": {"code"?, "message"}}` some servers send.
 * Control characters become spaces; lengths are bounded; secrets are scrubbed.
 */
export function serviceWords(
  body: unknown,
  secrets: readonly string[],
): { code?: string; message?: string } {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return {};
  const b = body as { error?: unknown; message?: unknown };
  const nested =
    b.error && typeof b.error === 'object'
      ? (b.error as { code?: unknown; message?: unknown })
      : {};
  const code = typeof b.error === 'string' ? b.error : nested.code;
  const message = typeof b.message === 'string' ? b.message : nested.message;
  const clean = (value: unknown, max: number): string | undefined => {
    if (typeof value !== 'string') return undefined;
    // eslint-disable-next-line no-control-regex
    const text = scrub(value, secrets).replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ');
    const cut = text.length > max ? text.slice(0, max) + '…' : text;
    return cut.trim() || undefined;
  };
  const out: { code?: string; message?: string } = {};
  const c = clean(code, 64);
  const m = clean(message, MAX_SERVICE_MESSAGE);
  if (c) out.code = c;
  if (m) out.message = m;
  return out;
}
