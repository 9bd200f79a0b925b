import { describe, expect, it } from 'vitest';
import { accessKeysFromEnv, DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET } from '../../controlplane/access-keys.js';

describe('accessKeysFromEnv', () => {
  it('uses the documented local pair by default', () => {
    expect(accessKeysFromEnv({})).toEqual([{ id: DEFAULT_ACCESS_KEY_ID, secret: DEFAULT_ACCESS_KEY_SECRET }]);
  });
  it('takes CASIM_ACCESS_KEY_ID / _SECRET and more pairs from CASIM_ACCESS_KEYS', () => {
    expect(
      accessKeysFromEnv({ CASIM_ACCESS_KEY_ID: 'a', CASIM_ACCESS_KEY_SECRET: 'sa', CASIM_ACCESS_KEYS: 'b:sb, c:s:c ,bad,' }),
    ).toEqual([
      { id: 'a', secret: 'sa' },
      { id: 'b', secret: 'sb' },
      { id: 'c', secret: 's:c' },
    ]);
  });
});
