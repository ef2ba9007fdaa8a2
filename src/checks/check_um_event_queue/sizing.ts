/**
 * The seed's sizing rule: the oldest message in the queue must still be recoverable, so the
 * queue may hold at most half of what the source's retransmission window holds (24 MiB of
 * 200-byte messages is about 120,000 messages, so a 60,000 threshold is safe).
 */
export interface Sizing {
  windowMessages: number;
  safeThreshold: number;
  unsafe: boolean;
}

export function sizing(retransmitWindow: number, messageSize: number, critical: number | undefined): Sizing | null {
  if (!(messageSize > 0) || critical === undefined || !Number.isFinite(critical)) return null;
  const windowMessages = Math.floor(retransmitWindow / messageSize);
  const safeThreshold = Math.floor(windowMessages / 2);
  return { windowMessages, safeThreshold, unsafe: critical > safeThreshold };
}
