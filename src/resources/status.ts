import { PaketHttpError } from '../errors/PaketHttpError.js';
import type { Transport } from '../transport/http.js';
import { pathShower } from '../transport/encoding.js';
import type { PaketStatus } from '../types.js';
import { asObject, MAX_FIELD_LENGTH } from './answers.js';

const FIELDS = ['client_id', 'app_id', 'platform_id'] as const;

/**
 * `GET /v1`: the API status, reduced to its documented fields (`message`, `client_id`,
 * `app_id`, `platform_id`), with `test: true` when the answer carried
 * `Paket-Response-Type: Test`.
 */
export async function getStatus(transport: Transport): Promise<PaketStatus> {
  const response = await transport.request({ method: 'GET', segments: [] });
  const path = pathShower(transport.baseUrl)([]);
  const body = asObject(response.body);
  const message = body?.message;
  if (!body || typeof message !== 'string' || message.length > MAX_FIELD_LENGTH) {
    throw new PaketHttpError(
      'GET',
      path,
      response.status,
      undefined,
      `HTTP ${response.status} without the documented "message"`,
      'invalid_answer',
    );
  }
  const status: PaketStatus = { message };
  for (const field of FIELDS) {
    const value = Object.prototype.hasOwnProperty.call(body, field) ? body[field] : undefined;
    if (typeof value === 'string' && value.length <= MAX_FIELD_LENGTH) status[field] = value;
  }
  if (response.test) status.test = true;
  return status;
}
