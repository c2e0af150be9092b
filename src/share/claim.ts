import type { ShareClaim } from './types.js';

/**
 * The `{ appId, participantId }` to share, from what the client's `ensure()` returned: a
 * 2025 Context (`context_id`, `app_id`) or a 2024 Participant (`participant_id`, whose
 * `client_id` is the app's `app_id`). Fields are returned as found; the codec checks them.
 */
export function claimOf(object: unknown): ShareClaim {
  const o = (object && typeof object === 'object' ? object : {}) as Record<string, unknown>;
  const context = typeof o['context_id'] === 'string';
  return {
    appId: (context ? o['app_id'] : o['client_id']) as string,
    participantId: (context ? o['context_id'] : o['participant_id']) as string,
  };
}
