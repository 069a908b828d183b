import { makeError } from 'ethers';
import { readChain } from '../../../activities/chain/chain-read.js';
import { DvtError } from '../../../domain/errors.js';

/** A read that fails with each of `failures` in turn, then answers `value`. */
function flaky<T>(failures: Error[], value: T) {
  const read = { calls: 0 };
  const fn = (): Promise<T> => {
    const failure = failures[read.calls++];
    return failure === undefined ? Promise.resolve(value) : Promise.reject(failure);
  };
  return { read, fn };
}

const serverError = (): Error =>
  makeError('missing response', 'SERVER_ERROR', {
    request: null as never,
    response: null as never,
  });
const revert = (): Error =>
  makeError('execution reverted', 'CALL_EXCEPTION', {
    action: 'call',
    data: '0x',
    reason: 'nope',
    transaction: { to: null, data: '0x' },
    invocation: null,
    revert: null,
  });

describe('readChain', () => {
  const waits: number[] = [];
  const sleep = (ms: number): Promise<void> => {
    waits.push(ms);
    return Promise.resolve();
  };
  beforeEach(() => waits.splice(0));

  it('tries a read again after failures that are not answers, then returns its value', async () => {
    const { read, fn } = flaky([serverError(), serverError()], 42);
    await expect(readChain({ what: 'x.y', sleep }, fn)).resolves.toBe(42);
    expect(read.calls).toBe(3);
    expect(waits).toEqual([100, 200]);
  });

  it('gives up after its attempts with the retryable ERR_UPSTREAM_UNAVAILABLE', async () => {
    const { read, fn } = flaky([serverError(), serverError(), serverError()], 42);
    const failure = readChain({ what: 'SSVNetwork.getValidator', sleep }, fn);
    await expect(failure).rejects.toBeInstanceOf(DvtError);
    await expect(failure).rejects.toMatchObject({
      code: 'ERR_UPSTREAM_UNAVAILABLE',
      message: expect.stringContaining(
        'SSVNetwork.getValidator failed: the RPC did not answer.',
      ) as unknown,
    });
    expect(read.calls).toBe(3);
  });

  it('does not try a revert again: it is an answer', async () => {
    const { read, fn } = flaky([revert()], 42);
    await expect(readChain({ what: 'x.y', sleep }, fn)).rejects.toMatchObject({
      code: 'ERR_TX_REVERTED',
    });
    expect(read.calls).toBe(1);
    expect(waits).toEqual([]);
  });

  it('passes a DvtError through at once', async () => {
    const own = new DvtError('ERR_INVALID_INPUT', 'bad');
    const { read, fn } = flaky([own], 42);
    await expect(readChain({ what: 'x.y', sleep }, fn)).rejects.toBe(own);
    expect(read.calls).toBe(1);
  });
});
