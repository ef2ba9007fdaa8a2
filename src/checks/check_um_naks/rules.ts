/**
 * The conditions Informatica's monitoring notes (UltraMessaging/um_kb, kb/monitoring-notes.md)
 * say to watch, as problems of one series: a loss burst in one interval, NAKs the source refused,
 * malformed datagrams, dropped topic resolution datagrams, unknown transport traffic, and
 * (worth knowing) messages for topics nobody here subscribed to. Pure: values in, problems out.
 */
import { breach } from '../../lib/evaluate.js';
import type { Thresholds } from '../../lib/thresholds.js';
import type { Growth, Peak, Series } from './series.js';
import { dropped, naksRefused, trDropped } from './series.js';

/** Whether `value` breaches the warning or critical range this run has for `metric` (-w/-c or its default). */
const breaches = (th: Thresholds, metric: string, value: number) => breach(th.get(metric), value) !== null;

/** What the summary names first: the worse kind, then the larger amount. */
export enum Severity { Naks = 1, Stale, NoTopic, Unknown, Unresolved, Unanswered, Dropped, Ncfs, Streak, Loss, Unrecoverable }

export interface Problem { severity: Severity; amount: number; text: string }

/**
 * A burst and unknown traffic are named when they breach the run's own lost_max and unknown_rate
 * thresholds, so the lines follow -w/-c as the state does.
 */
export function notesRules(s: Series, g: Growth, p: Peak, who: string, when: string, th: Thresholds): Problem[] {
  const out: Problem[] = [];
  if (s.kind === 'rcv') {
    if (p.lost > 0 && (p.rate !== null || breaches(th, 'lost_max', p.lost))) {
      out.push({ severity: Severity.Loss, amount: p.lost, text: `loss: receiver ${who} lost ${p.lost} datagrams from ${s.source} in one interval${p.rate !== null ? ` (${p.rate}% of what it carried)` : ''} ${when}` });
    }
    if (dropped(g) > 0) {
      out.push({ severity: Severity.Dropped, amount: dropped(g), text: `malformed datagrams: receiver ${who} dropped ${dropped(g)} datagrams of ${s.source} (size ${g.dropSize}, type ${g.dropType}, version ${g.dropVer}, hdr ${g.dropHdr}, other ${g.dropOther}): usually a non-UM sender on the address ${when}` });
    }
    const lbm = g.lbmMsgs + g.noTopic;
    if (lbm > 0 && g.noTopic / lbm > 0.25) {
      out.push({ severity: Severity.NoTopic, amount: g.noTopic, text: `topic mapping: receiver ${who} got ${Math.round((100 * g.noTopic) / lbm)}% of its messages on ${s.source} for topics it does not subscribe to (worth a look at the topic/transport mapping) ${when}` });
    }
  } else if (s.kind === 'src') {
    if (p.lost > 0 && (p.rate !== null || breaches(th, 'lost_max', p.lost))) {
      out.push({ severity: Severity.Loss, amount: p.lost, text: `loss: source ${who} had ${p.lost} datagrams NAKed on ${s.source} in one interval${p.rate !== null ? ` (${p.rate}% of what it sent)` : ''} ${when}` });
    }
    if (naksRefused(g) > 0) {
      out.push({ severity: Severity.Dropped, amount: naksRefused(g), text: `NAKs refused: source ${who} refused ${naksRefused(g)} NAKs on ${s.source} (ignored ${g.naksIgnored}, shed ${g.naksShed}, retransmit delay ${g.naksDelay}): receivers asked for what it would not resend ${when}` });
    }
  } else {
    if (trDropped(g) > 0) {
      out.push({ severity: Severity.Dropped, amount: trDropped(g), text: `topic resolution: ${who} dropped ${trDropped(g)} topic resolution datagrams (version ${g.trVer}, type ${g.trType}, malformed ${g.trMalformed}): usually a non-UM sender on the resolver address ${when}` });
    }
    if (p.unknownRate !== null && breaches(th, 'unknown_rate', p.unknownRate)) {
      out.push({ severity: Severity.Unknown, amount: g.unknownRm + g.unknownRu, text: `unknown datagrams: ${who} received ${p.unknownRate}/s datagrams of transport sessions it did not subscribe to (LBT-RM ${g.unknownRm}, LBT-RU ${g.unknownRu}): publishers share a multicast address:port ${when}` });
    }
  }
  return out;
}
