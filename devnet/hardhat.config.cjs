// Hardhat 2 configuration for the devnet's EVM node. Read by `hardhat node` only; contracts are
// compiled by solc-js (devnet/contracts/compile.ts), not by Hardhat. Values come from the
// launcher (devnet/chain.ts) through the environment.
const env = process.env;

module.exports = {
  solidity: '0.8.28',
  // Hardhat never compiles here: solc-js does (devnet/contracts/compile.ts).
  paths: {
    root: __dirname,
    sources: '../.devnet/hardhat-no-sources',
    cache: '../.devnet/hardhat-cache',
  },
  networks: {
    hardhat: {
      chainId: Number(env.DEVNET_CHAIN_ID || 31337),
      hardfork: 'cancun',
      accounts: {
        mnemonic:
          env.DEVNET_MNEMONIC || 'test test test test test test test test test test test junk',
        count: Number(env.DEVNET_ACCOUNTS || 40),
        accountsBalance: env.DEVNET_ACCOUNT_BALANCE_WEI || '1000000000000000000000000',
      },
      mining: { auto: true, interval: Number(env.DEVNET_BLOCK_INTERVAL_MS || 0) || undefined },
      blockGasLimit: 60000000,
      allowUnlimitedContractSize: true,
      loggingEnabled: false,
    },
  },
};
