import {
  coreLogLevel,
  makeLogger,
  redactUrls,
  sdkLogger,
  type LogLevelName,
} from '../../../worker/logging.js';

const PRIVATE_KEY = `0x${'4c'.repeat(32)}`;
const MNEMONIC =
  'abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about';

function capture(level: LogLevelName = 'info') {
  const lines: string[] = [];
  const logger = makeLogger({ level, destination: { write: (line: string) => lines.push(line) } });
  const entries = () => lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  return { logger, lines, entries };
}

describe('makeLogger', () => {
  it('writes one JSON object per line with level name, time, name and message', () => {
    const { logger, lines, entries } = capture();
    logger.info({ taskQueue: 'dvt-router' }, 'dvt-router worker started');
    logger.debug('not at info');
    expect(lines).toHaveLength(1);
    expect(lines[0]?.endsWith('\n')).toBe(true);
    expect(entries()[0]).toMatchObject({
      level: 'info',
      name: 'dvt-router',
      msg: 'dvt-router worker started',
      taskQueue: 'dvt-router',
    });
    expect(typeof entries()[0]?.time).toBe('string');
  });

  it('redacts private keys, mnemonics and passwords at any depth', () => {
    const { logger, lines, entries } = capture();
    logger.warn(
      {
        privateKey: PRIVATE_KEY,
        nested: { mnemonic: MNEMONIC, deeper: { keystorePassword: 'hunter2' } },
        list: [{ secret: 'tops3cret-value' }],
        keyIndex: 3,
      },
      'loaded keys',
    );
    const text = lines.join('');
    expect(text).not.toContain(PRIVATE_KEY.slice(2));
    expect(text).not.toContain('abandon');
    expect(text).not.toContain('hunter2');
    expect(text).not.toContain('tops3cret-value');
    expect(entries()[0]).toMatchObject({
      privateKey: '[redacted]',
      nested: { mnemonic: '[redacted]', deeper: { keystorePassword: '[redacted]' } },
      list: [{ secret: '[redacted]' }],
      keyIndex: 3,
    });
  });

  it('reduces URLs to their host in fields, messages and errors', () => {
    const { logger, lines, entries } = capture();
    const url = 'https://user:pa55@rpc.example.com/v3/0123456789abcdef?apikey=s3cr3t';
    logger.error({ rpc: url, error: new Error(`request to ${url} failed`) }, `cannot reach ${url}`);
    const text = lines.join('');
    for (const leaked of ['pa55', '0123456789abcdef', 's3cr3t', 'user:']) {
      expect(text).not.toContain(leaked);
    }
    expect(entries()[0]).toMatchObject({
      rpc: 'rpc.example.com',
      msg: 'cannot reach rpc.example.com',
      error: { type: 'Error', message: 'request to rpc.example.com failed' },
    });
  });

  it('never changes the objects it is given', () => {
    const { logger } = capture();
    const meta = { privateKey: PRIVATE_KEY, url: 'http://a.example/x' };
    logger.info(meta, 'x');
    expect(meta).toEqual({ privateKey: PRIVATE_KEY, url: 'http://a.example/x' });
  });

  it('logs bigints, byte arrays and cycles without throwing', () => {
    const { logger, entries } = capture();
    const cycle: Record<string, unknown> = { a: 1 };
    cycle.self = cycle;
    logger.info({ wei: 10n ** 18n, bytes: new Uint8Array(32), cycle }, 'odd values');
    expect(entries()[0]).toMatchObject({
      wei: '1000000000000000000',
      bytes: '[32 bytes]',
      cycle: { a: 1, self: '[circular]' },
    });
  });
});

describe('sdkLogger', () => {
  it('turns a forwarded workflow log entry into a JSON line with its workflow context', () => {
    const { logger, entries } = capture();
    sdkLogger(logger).log('INFO', 'stage changed', {
      sdkComponent: 'workflow',
      namespace: 'default',
      taskQueue: 'dvt-router',
      workflowId: 'validator/0xpool/3',
      runId: '5e0b3f52-6e7b-4c64-9d34-1c7c8f2e2a11',
      workflowType: 'validatorLifecycle',
      stage: 'deposit',
      [Symbol.for('log_timestamp')]: 1n,
    });
    expect(entries()).toEqual([
      expect.objectContaining({
        level: 'info',
        msg: 'stage changed',
        sdkComponent: 'workflow',
        workflowId: 'validator/0xpool/3',
        runId: '5e0b3f52-6e7b-4c64-9d34-1c7c8f2e2a11',
        workflowType: 'validatorLifecycle',
        taskQueue: 'dvt-router',
        stage: 'deposit',
      }),
    ]);
  });

  it('keeps activity context and redacts a secret an activity put in its fields', () => {
    const { logger, lines, entries } = capture();
    sdkLogger(logger).warn('derived key', {
      sdkComponent: 'activity',
      activityId: '7',
      activityType: 'deriveValidatorPubkey',
      workflowId: 'validator/0xpool/3',
      attempt: 2,
      taskToken: 'CiQwMWExZmMxZS1lOTFh',
      mnemonic: MNEMONIC,
    });
    expect(lines.join('')).not.toContain('CiQwMWExZmMxZS1lOTFh');
    expect(lines.join('')).not.toContain('abandon');
    expect(entries()[0]).toMatchObject({
      level: 'warn',
      activityId: '7',
      activityType: 'deriveValidatorPubkey',
      workflowId: 'validator/0xpool/3',
      attempt: 2,
      mnemonic: '[redacted]',
    });
  });

  it('maps SDK levels and filters below the configured one', () => {
    const { logger, entries } = capture('warn');
    const sdk = sdkLogger(logger);
    sdk.trace('t');
    sdk.debug('d');
    sdk.info('i');
    sdk.warn('w');
    sdk.error('e', { sdkComponent: 'core' });
    expect(entries().map((e) => [e.level, e.msg])).toEqual([
      ['warn', 'w'],
      ['error', 'e'],
    ]);
  });
});

describe('helpers', () => {
  it('keeps non-web URLs but drops their credentials', () => {
    expect(redactUrls('postgres://admin:pw@db:5432/temporal')).toBe('postgres://db:5432/temporal');
    expect(redactUrls('at run (file:///work/main/worker/start.ts:10:5)')).toBe(
      'at run (file:///work/main/worker/start.ts:10:5)',
    );
    expect(redactUrls('ws://node.example:8546/secret-path')).toBe('node.example:8546');
  });

  it('keeps the native Core at WARN unless debugging', () => {
    expect(coreLogLevel('info')).toBe('WARN');
    expect(coreLogLevel('debug')).toBe('DEBUG');
    expect(coreLogLevel('error')).toBe('ERROR');
  });
});
