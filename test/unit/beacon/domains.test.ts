import { createHash } from 'node:crypto';

import { bytesToHex } from '../../../domain/beacon/hex.js';
import { computeDomain, computeForkDataRoot } from '../../../domain/beacon/compute-domain.js';
import { computeSigningRoot } from '../../../domain/beacon/compute-signing-root.js';
import { depositDomain, voluntaryExitDomain } from '../../../domain/beacon/domains.js';
import { PUBLIC_NETWORKS, devnetNetworkParams } from '../../../domain/beacon/network-params.js';
import { DvtError } from '../../../domain/errors.js';

function sha256(...parts: Uint8Array[]): Uint8Array {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return new Uint8Array(hash.digest());
}

// specs/beacon-and-keys.md §4.4 and §8.1.
const DEPOSIT_DOMAINS = {
  mainnet: '0x03000000f5a5fd42d16a20302798ef6ed309979b43003d2320d9f0e8ea9831a9',
  hoodi: '0x03000000719103511efa4f1362ff2a50996cccf329cc84cb410c5e5c7d351d03',
  holesky: '0x030000005b83a23759c560b2d0c64576e1dcfc34ea94c4988f3e0d9f77f05387',
  sepolia: '0x03000000d3010778cd08ee514b08fe67b6c503b510987a4ce43f42306d97c67c',
} as const;
const EXIT_DOMAINS = {
  mainnet: '0x04000000bba4da96354c9f25476cf1bc69bf583a7f9e0af049305b62de676640',
  hoodi: '0x0400000072bbc3705de0766b1ea9cfd60f0a5cc5f2dca3b942b222e8320b035b',
  holesky: '0x0400000017e2dad36f1d3595152042a9ad23430197557e2e7e82bc7f7fc72972',
  sepolia: '0x0400000047eb72b3be36f08feffcaba760f0a2ed78c1a85f0654941a0d19d0fa',
} as const;

describe('beacon signing domains', () => {
  it.each(Object.entries(DEPOSIT_DOMAINS))(
    'computes the %s deposit domain from GENESIS_FORK_VERSION and a zero root',
    (name, expected) => {
      const network = PUBLIC_NETWORKS[name as keyof typeof DEPOSIT_DOMAINS];
      expect(bytesToHex(depositDomain(network))).toBe(expected);
    },
  );

  it.each(Object.entries(EXIT_DOMAINS))(
    'computes the %s EIP-7044 exit domain from CAPELLA_FORK_VERSION and the validators root',
    (name, expected) => {
      const network = PUBLIC_NETWORKS[name as keyof typeof EXIT_DOMAINS];
      expect(bytesToHex(voluntaryExitDomain(network))).toBe(expected);
    },
  );

  it('computes the fork data root as SHA256(version ‖ 28 zero bytes ‖ root)', () => {
    const gvr = PUBLIC_NETWORKS.mainnet.genesisValidatorsRoot;
    const root = computeForkDataRoot('0x03000000', gvr);
    const expected = sha256(
      Buffer.from('03000000', 'hex'),
      Buffer.alloc(28),
      Buffer.from(gvr.slice(2), 'hex'),
    );
    expect(bytesToHex(root)).toBe(bytesToHex(expected));
    // The mainnet exit domain is DOMAIN_VOLUNTARY_EXIT ‖ that root's first 28 bytes.
    expect(`0x04000000${bytesToHex(root.slice(0, 28)).slice(2)}`).toBe(EXIT_DOMAINS.mainnet);
  });

  it('computes a signing root as the root of SigningData(object root, domain)', () => {
    const domain = computeDomain({ domainType: '0x03000000', forkVersion: '0x00000000' });
    const objectRoot = Uint8Array.from({ length: 32 }, (_, i) => i);
    // SigningData has two 32-byte leaves, so its root is SHA256(object_root ‖ domain).
    expect(bytesToHex(computeSigningRoot(objectRoot, domain))).toBe(
      bytesToHex(sha256(objectRoot, domain)),
    );
  });

  it('rejects a fork version that is not 4 bytes', () => {
    expect(() => computeDomain({ domainType: '0x03000000', forkVersion: '0x000000' })).toThrow(
      new DvtError('ERR_INVALID_INPUT', 'fork version must be 4 bytes, got 3.'),
    );
  });
});

describe('network parameters', () => {
  it('builds devnet parameters from the beacon config spec and genesis', () => {
    const devnet = devnetNetworkParams({
      spec: {
        DEPOSIT_CHAIN_ID: '31337',
        GENESIS_FORK_VERSION: '0x10000038',
        CAPELLA_FORK_VERSION: '0x40000038',
        DEPOSIT_CONTRACT_ADDRESS: '0x5FbDB2315678afecb367f032d93F642f64180aa3',
      },
      genesisValidatorsRoot: `0x${'ab'.repeat(32)}`,
    });
    expect(devnet).toEqual({
      name: 'devnet',
      chainId: 31337,
      genesisForkVersion: '0x10000038',
      capellaForkVersion: '0x40000038',
      genesisValidatorsRoot: `0x${'ab'.repeat(32)}`,
      depositContract: '0x5fbdb2315678afecb367f032d93f642f64180aa3',
    });
    // A devnet domain differs from every public one: signatures cannot cross networks.
    expect(Object.values(DEPOSIT_DOMAINS)).not.toContain(bytesToHex(depositDomain(devnet)));
  });

  it('reports a config spec without CAPELLA_FORK_VERSION', () => {
    expect(() =>
      devnetNetworkParams({
        spec: {
          DEPOSIT_CHAIN_ID: '31337',
          GENESIS_FORK_VERSION: '0x10000038',
          DEPOSIT_CONTRACT_ADDRESS: '0x5FbDB2315678afecb367f032d93F642f64180aa3',
        },
        genesisValidatorsRoot: `0x${'ab'.repeat(32)}`,
      }),
    ).toThrow(
      'Beacon config spec lacks CAPELLA_FORK_VERSION. Check that the devnet beacon node serves /eth/v1/config/spec in full.',
    );
  });

  it('lists the chain ids of the public networks', () => {
    expect(Object.values(PUBLIC_NETWORKS).map((n) => `${n.name}:${n.chainId}`)).toEqual([
      'mainnet:1',
      'hoodi:560048',
      'holesky:17000',
      'sepolia:11155111',
    ]);
  });
});
