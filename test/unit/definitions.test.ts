import { ALL_SEARCH_ATTRIBUTES, workflowIds } from '../../workflows/definitions.js';

describe('workflow identities', () => {
  it('builds validator ids from the lower-cased pool and the key index', () => {
    expect(workflowIds.validator('0xAbC', 12)).toBe('validator/0xabc/12');
  });

  it('builds cluster ids with ascending operator ids whatever the input order', () => {
    expect(workflowIds.cluster('0xDEF', [13, 2, 7, 4])).toBe('cluster/0xdef/2-4-7-13');
  });
});

describe('search attributes', () => {
  it('declares the five lifecycle attributes with their types', () => {
    expect(ALL_SEARCH_ATTRIBUTES.map(({ name, type }) => `${name}:${type}`)).toEqual([
      'DvtStage:KEYWORD',
      'DvtPubkey:KEYWORD',
      'DvtKeyIndex:INT',
      'DvtCluster:KEYWORD',
      'DvtPool:KEYWORD',
    ]);
  });
});
