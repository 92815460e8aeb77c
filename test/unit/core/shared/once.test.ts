import { describe, expect, it } from 'vitest';
import { once } from '../../../../functions/core/shared/once';
import { NAMED_SCHEMAS } from '../../../../functions/api/routes';

describe('once', () => {
  it('builds nothing until the first call, then the same value on every call', () => {
    let builds = 0;
    const value = once(() => ({ built: ++builds }));
    expect(builds).toBe(0);
    const first = value();
    expect([builds, value(), value()]).toEqual([1, first, first]);
    expect(value()).toBe(first);
  });

  it("keeps the answers' schemas one object each, so the OpenAPI document can name them", () => {
    const { Connection, ConnectionResponse } = NAMED_SCHEMAS.responses();
    expect(NAMED_SCHEMAS.responses().Connection).toBe(Connection);
    expect(ConnectionResponse.shape.connection).toBe(Connection);
  });
});
