/**
 * `msgwatch --runtime-check [DB]`: what runs inside the executable, for security audits and for
 * a host that must prove it can run it (glibc), and, given an SQLite database (MCS's), proof
 * that the runtime's own node:sqlite opens it read-only here, with no native addon.
 */
export function runtimeReport(db?: string): { text: string; ok: boolean } {
  const header = (process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined)?.header;
  const lines = [
    `node ${process.version} (v8 ${process.versions.v8}, openssl ${process.versions.openssl}, sqlite ${process.versions.sqlite ?? 'none'})`,
    `glibc ${header?.glibcVersionRuntime ?? 'unknown'} (2.28 or later needed)`,
  ];
  let ok = true;
  if (db !== undefined) {
    try {
      const { DatabaseSync } = process.getBuiltinModule('node:sqlite') as typeof import('node:sqlite');
      const d = new DatabaseSync(db, { readOnly: true });
      try {
        const row = d.prepare("select count(*) as n from sqlite_master where type = 'table'").get() as { n: number };
        lines.push(`${db}: opened read-only with node:sqlite, ${row.n} tables`);
      } finally {
        d.close();
      }
    } catch (e) {
      ok = false;
      lines.push(`${db}: ${(e as Error).message}`);
    }
  }
  return { text: `${lines.join('\n')}\n`, ok };
}
