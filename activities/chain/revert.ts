/**
 * Decodes revert data against the ABIs the router talks to, so every failed simulation or
 * receipt comes back as a named error (`IncorrectClusterState`, `Error("SuperNode: …")`).
 */
import { Interface, isCallException, type InterfaceAbi } from 'ethers';

export interface DecodedRevert {
  /** Custom error name, `Error` for require strings, `Panic` for asserts, or `UnknownRevert`. */
  name: string;
  /** Arguments as strings (bigints in decimal). */
  args: string[];
  /** One line for operators: `IncorrectClusterState()` or `SuperNode: pubkey exists`. */
  summary: string;
  /** The raw revert data, 0x-hex ('0x' when the node gave none). */
  data: string;
}

export type RevertDecoder = (data: string | null | undefined) => DecodedRevert;

/** A decoder over the given ABIs (first match wins; Error(string) and Panic are built in). */
export function makeRevertDecoder(abis: readonly InterfaceAbi[]): RevertDecoder {
  const interfaces = abis.map((abi) => new Interface(abi));
  if (interfaces.length === 0) interfaces.push(new Interface([]));
  return (data) => {
    const hex = data && data !== '0x' ? data : '0x';
    if (hex !== '0x') {
      for (const iface of interfaces) {
        let parsed;
        try {
          parsed = iface.parseError(hex);
        } catch {
          parsed = null;
        }
        if (parsed) {
          const args = parsed.args.toArray().map((a: unknown) => String(a));
          const summary =
            parsed.name === 'Error' ? (args[0] ?? 'Error') : `${parsed.name}(${args.join(', ')})`;
          return { name: parsed.name, args, summary, data: hex };
        }
      }
    }
    return {
      name: 'UnknownRevert',
      args: [],
      summary: hex === '0x' ? 'reverted without data' : `unknown revert data ${hex.slice(0, 74)}`,
      data: hex,
    };
  };
}

/** The revert data inside an ethers error, if it is a call exception. */
export function revertDataOf(error: unknown): string | undefined {
  if (isCallException(error)) return error.data ?? '0x';
  const nested = (error as { error?: { data?: unknown } } | null)?.error?.data;
  if (typeof nested === 'string' && nested.startsWith('0x')) return nested;
  if (nested && typeof nested === 'object' && 'data' in nested) {
    const inner = (nested as { data?: unknown }).data;
    if (typeof inner === 'string' && inner.startsWith('0x')) return inner;
  }
  return undefined;
}
