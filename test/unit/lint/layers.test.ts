/** `npm run lint` refuses a dependency that points the wrong way (eslint.config.js, `layer`). */
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint();

const problems = async (filePath: string, source: string): Promise<string[]> => {
  const [result] = await eslint.lintText(source, { filePath });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
};

describe('dependency direction', () => {
  it.each([
    ['functions/core/sync/x.ts', "import { TABLES } from '../../adapters/dynamo/tables';"],
    ['functions/core/x.ts', "import { handler } from '../handlers/read';"],
    ['functions/adapters/dynamo/x.ts', "import { handler } from '../../handlers/read';"],
    ['functions/handlers/read.ts', "import { DynamoDataStore } from '../adapters/dynamo/data-store';"],
    ['functions/adapters/x.ts', "import { PATHS } from '../../scripts/local/paths';"],
    ['functions/api/routes.ts', "import { DynamoDataStore } from '../adapters/dynamo/data-store';"],
    ['functions/core/x.ts', "import { SimulatorClient } from '../../test/support/simulator-client';"],
    // Inside core: shared → events → connect → sync → read → write.
    ['functions/core/read/x.ts', "import { SyncService } from '../sync/sync-service';"],
    ['functions/core/write/x.ts', "import { dispatchDue } from '../sync/dispatch-service';"],
    ['functions/core/sync/x.ts', "import { ReadService } from '../read/read-service';"],
    ['functions/core/connect/x.ts', "import { breakerState } from '../sync/breaker';"],
    ['functions/core/events/x.ts', "import { LoginGate } from '../connect/login-gate';"],
    ['functions/core/shared/x.ts', "import { recordEvents } from '../events/recorder';"],
    ['functions/core/shared/x.ts', "import { energyOf } from '../read/energy';"],
    ['functions/core/sync/x.ts', "import { createServices } from '../services';"],
    ['functions/adapters/dynamo/x.ts', "import { SyncService } from '../../core/sync/sync-service';"],
    ['functions/adapters/dynamo/x.ts', "import { PATHS } from '../../../scripts/local/paths';"],
    // One zod in the bundles: zod/mini through core/shared/zod.ts, never classic beside it.
    ['functions/adapters/dynamo/x.ts', "import * as z from 'zod';"],
    ['functions/core/sync/x.ts', "import { z } from 'zod/v4';"],
    ['functions/handlers/x.ts', "import * as z from 'zod/mini';"],
  ])('refuses %s importing %s', async (file, line) => {
    expect(await problems(file, `${line}\nexport const used = 1;\n`)).toHaveLength(1);
  });

  it.each([
    ['functions/handlers/commons/runtime.ts', "import { createDocumentClient } from '../../adapters/dynamo/client';"],
    ['functions/adapters/dynamo/x.ts', "import { LIMITS } from '../../core/shared/limits';"],
    ['functions/handlers/read.ts', "import type { Services } from '../core/services';"],
    ['functions/handlers/commons/http.ts', "import { API_ROUTES } from '../../api/routes';"],
    ['functions/core/write/x.ts', "import { SyncGuard } from '../sync/sync-guard';"],
    ['functions/core/read/x.ts', "import { holdsWellnessData } from '../sync/summary-finality';"],
    ['functions/core/sync/x.ts', "import { LoginGate } from '../connect/login-gate';"],
    ['functions/core/shared/x.ts', "import type { AppEvent } from '../events/schema';"],
    ['functions/adapters/events/x.ts', "import { EVENT_LIMITS } from '../../core/events/rules';"],
    ['functions/adapters/dynamo/x.ts', "import * as z from '../../core/shared/zod';"],
  ])('allows %s importing %s', async (file, line) => {
    expect(await problems(file, `${line}\nexport const used = 1;\n`)).toEqual([]);
  });
});
