import { DvtError, NON_RETRYABLE_CODES } from '../../domain/errors.js';

describe('DvtError', () => {
  it('carries its code, details, hint and retry class', () => {
    const cause = new Error('socket hang up');
    const error = new DvtError(
      'ERR_UPSTREAM_UNAVAILABLE',
      'Beacon node 127.0.0.1 did not answer.',
      {
        details: { endpoint: '127.0.0.1' },
        hint: 'Check that the beacon node is running.',
        cause,
      },
    );
    expect(error.message).toBe(
      'Beacon node 127.0.0.1 did not answer. Check that the beacon node is running.',
    );
    expect(error.code).toBe('ERR_UPSTREAM_UNAVAILABLE');
    expect(error.details).toEqual({ endpoint: '127.0.0.1' });
    expect(error.retryable).toBe(true);
    expect(error.cause).toBe(cause);
    expect(error.name).toBe('DvtError');
  });

  it('lists permanent codes as non-retryable and transient ones not', () => {
    expect(NON_RETRYABLE_CODES).toContain('ERR_OPERATOR_KEY_INVALID');
    expect(NON_RETRYABLE_CODES).toContain('ERR_TX_REVERTED');
    expect(NON_RETRYABLE_CODES).not.toContain('ERR_UPSTREAM_UNAVAILABLE');
  });
});
