declare const __MSGWATCH_VERSION__: string | undefined;
export const VERSION: string = typeof __MSGWATCH_VERSION__ === 'string' ? __MSGWATCH_VERSION__ : '0.0.0-dev';

/** What --version prints: security audits ask which Node runs inside the executable. */
export function versionLine(program: string): string {
  const own = program === 'msgwatch' ? '' : ` (msgwatch ${VERSION}, node ${process.version})`;
  return program === 'msgwatch' ? `msgwatch v${VERSION} (node ${process.version})\n` : `${program} v${VERSION}${own}\n`;
}
