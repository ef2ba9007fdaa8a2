/**
 * A Gearman job server's address and the one way we connect to it: with a connect timeout, Nagle
 * off, and every failure an Error that names the server.
 */
import type { Socket } from 'node:net';
import { net } from '../lib/builtins.js';

export interface Server { host: string; port: number }

/** `host[:port]`, port 4730 by default; an IPv6 address goes in brackets: `[::1]:4730`. */
export function parseServer(text: string): Server {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([A-Za-z0-9_.-]+))(?::(\d{1,5}))?$/.exec(text.trim());
  if (!m) throw new Error(`'${text}' is not HOST[:PORT]`);
  const port = m[3] === undefined ? 4730 : Number(m[3]);
  if (port < 1 || port > 65535) throw new Error(`'${text}': port out of range`);
  const host = m[1] ?? m[2];
  // a DNS name: at most 253 characters, labels of at most 63 (a longer one is a mistake, not a host)
  if (host.length > 253 || host.split('.').some((l) => l.length > 63)) throw new Error(`'${text.slice(0, 80)}${text.length > 80 ? '...' : ''}' is not a host name`);
  return { host, port };
}

export const label = (s: Server) => `${s.host.includes(':') ? `[${s.host}]` : s.host}:${s.port}`;

export function opened(s: Server, timeoutMs: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const sock = net().connect({ host: s.host, port: s.port });
    const timer = setTimeout(() => { sock.destroy(); reject(new Error(`no connection to ${label(s)} within ${timeoutMs / 1000}s`)); }, timeoutMs);
    sock.once('connect', () => { clearTimeout(timer); sock.setNoDelay(true); resolve(sock); });
    sock.once('error', (e) => { clearTimeout(timer); reject(new Error(`cannot connect to ${label(s)}: ${(e as Error).message}`)); });
  });
}
