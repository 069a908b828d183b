/**
 * Depositors: user traffic for the devnet. Each tick one depositor account stakes ETH into the
 * pool's UserDeposit, so the pool fills at a steady, configurable rate.
 */
import { Contract, type BaseWallet } from 'ethers';

export interface DepositorsOptions {
  wallets: readonly BaseWallet[];
  userDeposit: string;
  /** Wei staked per tick. */
  amountWei: bigint;
  intervalMs: number;
  /** Stop after this much was staked in total; unbounded when omitted. */
  totalWei?: bigint | undefined;
}

export interface Depositors {
  /** Wei staked so far. */
  stakedWei(): bigint;
  /** Stakes `amountWei` once now (also used by tests and by the first tick). */
  depositNow(amountWei?: bigint): Promise<void>;
  stop(): Promise<void>;
}

export function startDepositors(options: DepositorsOptions): Depositors {
  let staked = 0n;
  let turn = 0;
  let stopped = false;
  let running: Promise<void> = Promise.resolve();

  async function depositNow(amountWei = options.amountWei): Promise<void> {
    const wallet = options.wallets[turn++ % options.wallets.length];
    if (!wallet) throw new Error('depositors need at least one wallet');
    const pool = new Contract(options.userDeposit, ['function deposit() payable'], wallet);
    const tx = (await pool.getFunction('deposit')({ value: amountWei })) as {
      wait(): Promise<unknown>;
    };
    await tx.wait();
    staked += amountWei;
  }

  const tick = (): void => {
    if (stopped) return;
    if (options.totalWei !== undefined && staked >= options.totalWei) return;
    running = depositNow().catch((error: unknown) => {
      console.error('depositor tick failed:', error instanceof Error ? error.message : error);
    });
  };
  const timer = options.intervalMs > 0 ? setInterval(tick, options.intervalMs) : undefined;

  return {
    stakedWei: () => staked,
    depositNow,
    async stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      await running;
    },
  };
}
