/**
 * Installs the EIP-7002 withdrawal-request predeploy mock at its canonical address on a Hardhat
 * node: deploy normally (so the constructor sets the fee and the admin), copy the runtime code with
 * `hardhat_setCode` and the mock's three storage slots with `hardhat_setStorageAt`.
 */
import { ContractFactory, toQuantity, type JsonRpcApiProvider, type Signer } from 'ethers';
import { artifact, type Artifacts } from '../contracts/compile.js';

/** The EIP-7002 system contract address (specs/beacon-and-keys.md §9). */
export const WITHDRAWAL_REQUEST_PREDEPLOY = '0x00000961Ef480Eb55e80D19ad83579A64c007002';

/** Storage slots of `WithdrawalRequestPredeployMock`: fee, admin, request count. */
const MOCK_SLOTS = 3;

export interface InstallWithdrawalRequestPredeployParameters {
  artifacts: Artifacts;
  /** Fee in wei; 0 means the EIP's minimum of 1 wei. The admin may change it later. */
  fee: bigint;
}

/**
 * Puts the mock at {@link WITHDRAWAL_REQUEST_PREDEPLOY}, with `admin` as the signer's address.
 * Idempotent: installing again overwrites code and state. Returns the predeploy address.
 */
export async function installWithdrawalRequestPredeploy(
  signer: Signer,
  provider: JsonRpcApiProvider,
  { artifacts, fee }: InstallWithdrawalRequestPredeployParameters,
): Promise<string> {
  const mock = artifact(artifacts, 'WithdrawalRequestPredeployMock');
  const factory = new ContractFactory(mock.abi, mock.bytecode, signer);
  const deployed = await factory.deploy(await signer.getAddress(), fee);
  await deployed.waitForDeployment();
  const source = await deployed.getAddress();
  const code = await provider.getCode(source);
  await provider.send('hardhat_setCode', [WITHDRAWAL_REQUEST_PREDEPLOY, code]);
  for (let slot = 0; slot < MOCK_SLOTS; slot++) {
    const value = await provider.getStorage(source, slot);
    await provider.send('hardhat_setStorageAt', [
      WITHDRAWAL_REQUEST_PREDEPLOY,
      toQuantity(slot),
      value,
    ]);
  }
  return WITHDRAWAL_REQUEST_PREDEPLOY;
}
