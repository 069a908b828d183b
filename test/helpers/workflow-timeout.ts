// Time-skipping workflow tests finish in about a second; a stuck one should fail within a
// minute, not hold the run for the global three minutes the e2e projects need.
import { jest } from '@jest/globals';

jest.setTimeout(60_000);
