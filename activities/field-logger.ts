/**
 * The part of the worker's logger (pino: fields first, then the message) that code outside an
 * activity context writes to: the start-up checks and the SSV index sync. Tests pass a recorder.
 */
export interface FieldLogger {
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
}
