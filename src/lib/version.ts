declare const __MSGWATCH_VERSION__: string | undefined;
export const VERSION: string = typeof __MSGWATCH_VERSION__ === 'string' ? __MSGWATCH_VERSION__ : '0.0.0-dev';
