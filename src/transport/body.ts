// Reading an answer's body within bounds: at most `capBytes`, and never past `deadline`
// (a server that sends headers and then nothing, or a body that never ends, is cut off).

/** The largest answer body the SDK reads: 1 MB. The documented answers are far smaller. */
export const MAX_BODY_BYTES = 1_048_576;

/** Thrown (inside the transport only) when a body is over the cap. */
export class BodyTooLarge extends Error {}

interface ReaderLike {
  read(): Promise<{ done: boolean; value?: Uint8Array }>;
  cancel(): Promise<void>;
}

/**
 * The body's text. Refuses (`BodyTooLarge`) a declared or streamed length over `capBytes`
 * without reading past it, and cancels the read after `timeoutMs`. Engines without response
 * streams or `TextDecoder` (the whatwg-fetch polyfill) have buffered the body already; it is
 * then measured after the fact.
 */
export async function readBody(
  response: Response,
  capBytes: number,
  timeoutMs: number,
): Promise<string> {
  const declared = Number(response.headers.get('content-length'));
  const stream = response.body as { getReader?: () => ReaderLike } | null | undefined;
  const reader = stream && typeof stream.getReader === 'function' ? stream.getReader() : undefined;
  if (declared > capBytes) {
    if (reader) reader.cancel().catch(() => undefined);
    throw new BodyTooLarge();
  }
  if (!reader || typeof TextDecoder !== 'function') {
    const text = await response.text();
    if (text.length > capBytes) throw new BodyTooLarge();
    return text;
  }
  const decoder = new TextDecoder();
  let text = '';
  let size = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const cancel = (): void => {
    reader.cancel().catch(() => undefined);
  };
  try {
    // Where AbortController is missing, the caller's deadline cannot abort the fetch: this
    // timer at least releases the connection.
    let late = false;
    timer = setTimeout(() => {
      late = true;
      cancel();
    }, timeoutMs);
    for (;;) {
      const { done, value } = await reader.read();
      // A cancelled read ends like a finished one: never take a cut body for a whole one.
      if (late) throw new Error('body read timed out');
      if (done) break;
      if (!value) continue;
      size += value.byteLength;
      if (size > capBytes) {
        cancel();
        throw new BodyTooLarge();
      }
      text += decoder.decode(value, { stream: true });
    }
    return text + decoder.decode();
  } finally {
    clearTimeout(timer);
  }
}
