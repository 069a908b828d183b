import bls from '@chainsafe/bls';

import { DvtError } from '../../domain/errors.js';
import { withFailures } from '../failure.js';
import { bytesToHex } from '../../domain/beacon/hex.js';
import type { NetworkParams } from '../../domain/beacon/network-params.js';
import { buildSharesPayload } from './build-shares-payload.js';
import type { SharesPayload } from './build-shares-payload.js';
import { checkKeyIndex } from './check-key-index.js';
import type { KeySource } from './key-source.js';
import type { ShareOperator } from './operator-public-key.js';
import { signDepositData } from './sign-deposit-data.js';
import { signVoluntaryExit } from './sign-voluntary-exit.js';
import type { SignVoluntaryExitReturnType } from './sign-voluntary-exit.js';

export interface KeysActivitiesConfig {
  /** The SSV cluster owner that sends `registerValidator`; its address is signed into shares. */
  ssvOwnerAddress: string;
}

export interface KeysActivitiesDeps {
  /** Resolves key indexes to signing keys (e.g. {@link openMnemonicKeyStore}). */
  keySource: KeySource;
  /** The network whose deposit and exit domains are signed under. */
  network: NetworkParams;
  config: KeysActivitiesConfig;
}

/** Public deposit data for the pool's deposit/stake calls; the amount as a decimal string. */
export interface DepositDataResult {
  pubkey: `0x${string}`;
  withdrawalCredentials: `0x${string}`;
  amountGwei: string;
  signature: `0x${string}`;
  depositDataRoot: `0x${string}`;
}

const UINT64_DECIMAL = /^(0|[1-9][0-9]{0,19})$/;
const MAX_UINT64 = (1n << 64n) - 1n;

function parseUint64(value: string, field: string): bigint {
  if (typeof value !== 'string' || !UINT64_DECIMAL.test(value) || BigInt(value) > MAX_UINT64) {
    throw new DvtError('ERR_INVALID_INPUT', `${field} must be a decimal string of a uint64.`, {
      details: { field, value: typeof value === 'string' ? value : typeof value },
    });
  }
  return BigInt(value);
}

/**
 * Keys activities: the only place where validator secret keys exist, derived on demand from the
 * key source by key index and zeroed after use. Inputs are key indexes and public data; outputs
 * are public data only (pubkeys, signatures, roots, shares encrypted to operators), so nothing
 * secret reaches workflow history. Errors are `DvtError`s whose messages and details carry only
 * public identifiers; they leave as ApplicationFailures typed by their code (activities/failure.ts).
 */
export function createKeysActivities({ keySource, network, config }: KeysActivitiesDeps) {
  async function withSigningKey<T>(
    keyIndex: number,
    use: (secretKey: Uint8Array) => T,
  ): Promise<Awaited<T>> {
    const secretKey = await keySource.deriveSigningKey(checkKeyIndex(keyIndex));
    try {
      return await use(secretKey);
    } finally {
      secretKey.fill(0);
    }
  }

  return withFailures({
    /**
     * The validator public key of `keyIndex`. Deterministic and side-effect free, so safe to
     * retry. Errors: `ERR_INVALID_INPUT` (bad index), `ERR_KEYSTORE`.
     */
    async deriveValidatorPubkey({
      keyIndex,
    }: {
      keyIndex: number;
    }): Promise<{ pubkey: `0x${string}` }> {
      return withSigningKey(keyIndex, (secretKey) => ({
        pubkey: bytesToHex(bls.secretKeyToPublicKey(secretKey)),
      }));
    },

    /**
     * Signs deposit data for `keyIndex` (1 ETH pre-deposit or 31 ETH stake; the amount is the
     * caller's) under the network's deposit domain. Deterministic: a retry returns identical
     * bytes. Errors: `ERR_INVALID_INPUT` (bad index, amount or credentials), `ERR_KEYSTORE`.
     */
    async signDepositData({
      keyIndex,
      withdrawalCredentials,
      amountGwei,
    }: {
      keyIndex: number;
      withdrawalCredentials: string;
      amountGwei: string;
    }): Promise<DepositDataResult> {
      const amount = parseUint64(amountGwei, 'amountGwei');
      return withSigningKey(keyIndex, (secretKey) => {
        const deposit = signDepositData({
          secretKey,
          withdrawalCredentials,
          amountGwei: amount,
          network,
        });
        return {
          pubkey: deposit.pubkey,
          withdrawalCredentials: deposit.withdrawalCredentials,
          amountGwei: deposit.amountGwei,
          signature: deposit.signature,
          depositDataRoot: deposit.depositDataRoot,
        };
      });
    },

    /**
     * Builds the SSV `sharesData` of `keyIndex` for the operators, signed for `ownerNonce` by the
     * configured owner. Not byte-deterministic (fresh shares), but any result is valid for that
     * nonce, so retrying before registration is safe; after a mined registration the nonce has
     * moved and the caller must not reuse it. Errors: `ERR_INVALID_INPUT`,
     * `ERR_OPERATOR_KEY_INVALID` (naming the operator), `ERR_SHARES_PAYLOAD`, `ERR_KEYSTORE`.
     */
    async buildSharesPayload({
      keyIndex,
      operators,
      ownerNonce,
    }: {
      keyIndex: number;
      operators: ShareOperator[];
      ownerNonce: number;
    }): Promise<SharesPayload> {
      return withSigningKey(keyIndex, (secretKey) =>
        buildSharesPayload({
          secretKey,
          operators,
          ownerAddress: config.ssvOwnerAddress,
          ownerNonce,
        }),
      );
    },

    /**
     * Builds payloads for one bulk registration: `keyIndexes[j]` is signed with
     * `ownerNonce + j`. Same retry semantics and errors as `buildSharesPayload`.
     */
    async buildBulkSharesPayloads({
      keyIndexes,
      operators,
      ownerNonce,
    }: {
      keyIndexes: number[];
      operators: ShareOperator[];
      ownerNonce: number;
    }): Promise<SharesPayload[]> {
      const payloads: SharesPayload[] = [];
      for (const [j, keyIndex] of keyIndexes.entries()) {
        payloads.push(
          await withSigningKey(keyIndex, (secretKey) =>
            buildSharesPayload({
              secretKey,
              operators,
              ownerAddress: config.ssvOwnerAddress,
              ownerNonce: ownerNonce + j,
            }),
          ),
        );
      }
      return payloads;
    },

    /**
     * Signs a voluntary exit of `keyIndex`'s validator under the EIP-7044 domain, in the beacon
     * API's `SignedVoluntaryExit` shape. Deterministic, so safe to retry. Errors:
     * `ERR_INVALID_INPUT` (bad index, epoch or validator index), `ERR_KEYSTORE`.
     */
    async signVoluntaryExit({
      keyIndex,
      epoch,
      validatorIndex,
    }: {
      keyIndex: number;
      epoch: string;
      validatorIndex: string;
    }): Promise<SignVoluntaryExitReturnType> {
      const exit = {
        epoch: parseUint64(epoch, 'epoch'),
        validatorIndex: parseUint64(validatorIndex, 'validatorIndex'),
      };
      return withSigningKey(keyIndex, (secretKey) =>
        signVoluntaryExit({ secretKey, ...exit, network }),
      );
    },
  });
}

/** The keys activities, for `proxyActivities<KeysActivities>` in workflows. */
export type KeysActivities = ReturnType<typeof createKeysActivities>;
