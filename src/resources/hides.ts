// Hiding an item of the Up Next row (S6), through the outbox like links: stored before it is
// sent, coalesced per item (the last of hide and unhide is what is sent), delivered in order.
import { PaketInputError } from '../errors/PaketInputError.js';
import type { Outbox } from '../outbox/outbox.js';
import { hideBody, route } from '../transport/routes.js';
import type { Transport } from '../transport/http.js';
import type { PaketSession } from '../types.js';
import { isStatus, keptFor } from './failures.js';
import { checkProfileId } from './identity.js';
import { readFields } from './paged.js';
import { checkId } from './validate.js';

/** Which item: the publisher's Participant (Context) ID and its content ID. */
export interface HideInput {
  participantId: string;
  contentId: string;
}

export interface HidesConfig {
  transport: Transport;
  outbox: Outbox;
  /** The profile's Session from the durable record (never created here). */
  current(profileId: string): Promise<PaketSession | undefined>;
}

export function createHides(config: HidesConfig) {
  const { transport, outbox } = config;
  const dialect = transport.dialect;
  const kept = keptFor('Session');

  const deliver = async (
    op: { type: string; profileId: string; participantId: string; contentId?: string },
    d: { guard: () => boolean },
  ) => {
    const session = await config.current(op.profileId).catch(kept);
    if (!session) return {}; // no Session: no row, nothing to hide
    try {
      await transport.request({
        ...route(dialect, 'hide', { sessionId: session.session_id, publisherId: op.participantId }),
        body: hideBody(dialect, op.contentId ?? '', op.type === 'unhide' ? 'unhide' : 'hide'),
        guard: d.guard,
      });
    } catch (error) {
      // No such item in the row (anymore): nothing to hide.
      if (!isStatus(error, 404)) throw error;
    }
    return {};
  };
  outbox.register('hide', { deliver });
  outbox.register('unhide', { deliver });

  const submit = async (type: 'hide' | 'unhide', profileId: string, input: HideInput) => {
    const where = `sessions.${type}`;
    const p = checkProfileId(profileId, where);
    if (type === 'unhide' && dialect !== 'contexts') {
      throw new PaketInputError(
        'dialect',
        "unhide exists only in the 'contexts' (2025) dialect; the 2024 API can only hide",
        where,
      );
    }
    const { participantId, contentId } = readFields(input, ['participantId', 'contentId'], where);
    const participant = checkId('participantId', participantId, where);
    const content = checkId('contentId', contentId, where);
    // Queued at once, as every write is, so writes reach the service in call order. With no
    // Session stored, its delivery finds no row and sends nothing.
    await outbox.submit({
      type,
      target: JSON.stringify(['hide', p, participant, content]),
      profileId: p,
      participantId: participant,
      contentId: content,
    });
  };

  return {
    /** Hides an item of the profile's Up Next row (S6, `action: "hide"`). */
    hide: (profileId: string, input: HideInput): Promise<void> => submit('hide', profileId, input),
    /** Shows a hidden item again (S6, `action: "unhide"`; the contexts dialect only). */
    unhide: (profileId: string, input: HideInput): Promise<void> =>
      submit('unhide', profileId, input),
  };
}
