/**
 * The simulator's clock: slot = (now + offset − genesis_time) / SECONDS_PER_SLOT
 * (specs/beacon-and-keys.md §12.2). The offset is how tests and the admin API pass epochs
 * without waiting.
 */

export interface SimClockParameters {
  genesisTime: number;
  secondsPerSlot: number;
  slotsPerEpoch: number;
  /** Milliseconds since the Unix epoch, like `Date.now`. */
  now: () => number;
}

export type SimClock = ReturnType<typeof makeSimClock>;

/** A clock over an injected `now`; slots before genesis read as slot 0. */
export function makeSimClock({
  genesisTime,
  secondsPerSlot,
  slotsPerEpoch,
  now,
}: SimClockParameters) {
  let offsetSeconds = 0;
  const currentSlot = (): bigint => {
    const elapsed = Math.floor(now() / 1000) + offsetSeconds - genesisTime;
    return elapsed <= 0 ? 0n : BigInt(Math.floor(elapsed / secondsPerSlot));
  };
  return {
    currentSlot,
    currentEpoch: (): bigint => currentSlot() / BigInt(slotsPerEpoch),
    epochOf: (slot: bigint): bigint => slot / BigInt(slotsPerEpoch),
    /** Moves the clock forward by whole slots. */
    advanceSlots(slots: number): void {
      if (!Number.isSafeInteger(slots) || slots < 0)
        throw new Error('slots must be a non-negative integer');
      offsetSeconds += slots * secondsPerSlot;
    },
    /**
     * Moves the clock to the first slot of the epoch `epochs` after the current one, so that
     * advancing by 1 always enters the next epoch whatever the slot within the epoch.
     */
    advanceEpochs(epochs: number): void {
      if (!Number.isSafeInteger(epochs) || epochs < 0)
        throw new Error('epochs must be a non-negative integer');
      if (epochs === 0) return;
      const target =
        (currentSlot() / BigInt(slotsPerEpoch) + BigInt(epochs)) * BigInt(slotsPerEpoch);
      const elapsed = Math.floor(now() / 1000) + offsetSeconds - genesisTime;
      offsetSeconds += Number(target) * secondsPerSlot - elapsed;
    },
  };
}
