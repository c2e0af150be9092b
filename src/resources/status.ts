import type { Transport } from '../transport/http.js';
import type { PaketStatus } from '../types.js';
import { expectObject } from './validate.js';

/** `GET /v1`: the API status. */
export async function getStatus(transport: Transport): Promise<PaketStatus> {
  const response = await transport.request({ method: 'GET', segments: [] });
  return expectObject<PaketStatus>(response, 'GET', transport.displayPath([]), 'message');
}
