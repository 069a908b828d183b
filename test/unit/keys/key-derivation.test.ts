import bls from '@chainsafe/bls';
import { deriveChildSK } from '@chainsafe/bls-hd-key';
import { deriveKeyFromEntropy } from '@chainsafe/bls-keygen';

import { bip39Seed } from '../../../activities/keys/bip39-seed.js';
import { signingKeyPath } from '../../../activities/keys/key-source.js';
import { bytesToHex } from '../../../domain/beacon/hex.js';
import { STAFI_MNEMONIC, STAFI_PUBKEY_0, STAFI_PUBKEY_1 } from '../../fixtures/beacon-vectors.js';

// EIP-2333 test vectors (specs/beacon-and-keys.md §2.2). bls-keygen's path parser only accepts
// full EIP-2334 paths, so single-level children go through bls-hd-key, the EIP-2333 code
// bls-keygen itself runs on.
const EIP2333 = [
  {
    seed: '0xc55257c360c07c72029aebc1b53c05ed0362ada38ead3e3e9efa3708e53495531f09a6987599d18264c1e1c92f2cf141630c7a3c4ab7c81b2f001698e7463b04',
    master: 6083874454709270928345386274498605044986640685124978867557563392430687146096n,
    index: 0,
    child: 20397789859736650942317412262472558107875392172444076792671091975210932703118n,
  },
  {
    seed: '0x3141592653589793238462643383279502884197169399375105820974944592',
    master: 29757020647961307431480504535336562678282505419141012933316116377660817309383n,
    index: 3141592653,
    child: 25457201688850691947727629385191704516744796114925897962676248250929345014287n,
  },
  {
    seed: '0x0099FF991111002299DD7744EE3355BBDD8844115566CC55663355668888CC00',
    master: 27580842291869792442942448775674722299803720648445448686099262467207037398656n,
    index: 4294967295,
    child: 29358610794459428860402234341874281240803786294062035874021252734817515685787n,
  },
  {
    seed: '0xd4e56740f876aef8c010b86a40d5f56745a118d0906a34e69aec8c0db1cb8fa3',
    master: 19022158461524446591288038168518313374041767046816487870552872741050760015818n,
    index: 42,
    child: 31372231650479070279774297061823572166496564838472787488249775572789064611981n,
  },
];

const toBigint = (bytes: Uint8Array): bigint => BigInt(bytesToHex(bytes));

describe('EIP-2333 key derivation', () => {
  it.each(EIP2333.map((v, i) => [i, v] as const))('reproduces case %i', (_case, vector) => {
    const master = deriveKeyFromEntropy(Buffer.from(vector.seed.slice(2), 'hex'));
    expect(toBigint(master)).toBe(vector.master);
    expect(toBigint(deriveChildSK(master, vector.index))).toBe(vector.child);
  });

  it('turns "abandon … about" with passphrase TREZOR into the case 0 seed (BIP-39)', () => {
    const mnemonic = `${'abandon '.repeat(11)}about`;
    expect(bytesToHex(bip39Seed(mnemonic, 'TREZOR'))).toBe(EIP2333[0]?.seed);
  });

  it('derives the StaFi pubkeys of validators 0 and 1 at m/12381/3600/i/0/0', () => {
    const seed = bip39Seed(STAFI_MNEMONIC);
    const pubkey = (index: number) =>
      bytesToHex(bls.secretKeyToPublicKey(deriveKeyFromEntropy(seed, signingKeyPath(index))));
    expect(signingKeyPath(1)).toBe('m/12381/3600/1/0/0');
    expect(pubkey(0)).toBe(STAFI_PUBKEY_0);
    expect(pubkey(1)).toBe(STAFI_PUBKEY_1);
  });
});
