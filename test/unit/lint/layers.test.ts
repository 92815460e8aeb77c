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
  ])('refuses %s importing %s', async (file, line) => {
    expect(await problems(file, `${line}\nexport const used = 1;\n`)).toHaveLength(1);
  });

  it.each([
    ['functions/handlers/commons/runtime.ts', "import { createDocumentClient } from '../../adapters/dynamo/client';"],
    ['functions/adapters/dynamo/x.ts', "import { LIMITS } from '../../core/shared/limits';"],
    ['functions/handlers/read.ts', "import type { Services } from '../core/services';"],
    ['functions/handlers/commons/http.ts', "import { API_ROUTES } from '../../api/routes';"],
  ])('allows %s importing %s', async (file, line) => {
    expect(await problems(file, `${line}\nexport const used = 1;\n`)).toEqual([]);
  });
});
