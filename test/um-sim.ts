// A tiny Ultra Messaging world that writes lbmmon samples interval by interval.
import { appendFileSync } from 'node:fs';
import { scratch } from './helpers';
// @ts-expect-error plain JS generator shared with the benchmark
import { contextBlock, eventQueueBlock, receiverBlock, sourceBlock } from './gen/lbmmon.mjs';

export const SRC = 'LBTRM:10.20.1.11:14390:8a2b3c4d:239.101.3.1:14400';

export interface SimApp {
  appid: string; ip: string; pid: number; oid: number; ctx: string;
  role: 'source' | 'receiver';
  c: Record<string, number>; // cumulative counters, by label
  evq?: Record<string, number>;
  unresolved?: number;
  silent?: boolean;
  /** the process goes on reporting its context, without transport blocks (its sessions ended) */
  noTransport?: boolean;
  /** cumulative context counters, by label (topic resolution drops, unknown datagrams) */
  ctxc?: Record<string, number>;
}

export class UmSim {
  t = Date.now() - 3600_000;
  apps: SimApp[] = [];
  /** `transform` rewrites each sample's C text (e.g. into the Java or .NET example's dialect) */
  constructor(readonly path: string, readonly intervalMs = 30_000, readonly transform: (c: string) => string = (c) => c) {}

  add(appid: string, role: 'source' | 'receiver', pid: number, ip = '10.20.1.5'): SimApp {
    const a: SimApp = { appid, ip, pid, oid: 0x1c1c7c0 + pid, ctx: pid.toString(16).padStart(16, '0'), role, c: {} };
    this.apps.push(a);
    return a;
  }

  bump(a: SimApp, label: string, n: number): void {
    a.c[label] = (a.c[label] ?? 0) + n;
  }

  /** One monitoring interval: every non-silent app publishes its blocks. */
  sample(): void {
    this.t += this.intervalMs;
    let out = '';
    for (const a of this.apps) {
      if (a.silent) continue;
      if (a.noTransport) { /* context only */ } else if (a.role === 'source') {
        this.bump(a, 'LBT-RM datagrams sent', 1000);
        out += sourceBlock(a, this.t, SRC, a.c);
      } else {
        this.bump(a, 'LBT-RM datagrams received', 1000);
        out += receiverBlock(a, this.t, SRC, a.c);
        if (a.evq) out += eventQueueBlock(a, this.t, a.evq);
      }
      out += contextBlock(a, this.t, { ...(a.ctxc ?? {}), 'Unresolved topics in receiver topic map': a.unresolved ?? 0, 'Number of data message fragments unrecoverably lost': a.c.fragments ?? 0 });
    }
    appendFileSync(this.path, this.transform(out + '\n'));
  }
}

export interface FeedSetup { dir: string; log: string; env: Record<string, string>; sim: UmSim; src: SimApp; rcv: SimApp }

/**
 * For each test of the calling suite: a fresh directory with an lbmmon log and a state directory,
 * and a world of one source (pricefeed) and one receiver (riskcalc) on SRC; `use` gets them.
 */
export function feedWorld(use: (w: FeedSetup) => void): void {
  scratch('lbmmon.log', (s) => {
    const sim = new UmSim(s.file);
    const src = sim.add('pricefeed', 'source', 0x96ee, '10.20.1.11');
    const rcv = sim.add('riskcalc', 'receiver', 0x5b9);
    use({ dir: s.dir, log: s.file, env: s.env, sim, src, rcv });
  });
}
