/** Writes the bridge protocol (zod, functions/core/shared/bridge-protocol.ts) as JSON Schema for the Python side. */
import { writeFileSync } from 'node:fs';
import { bridgeJsonSchema } from '../functions/core/shared/bridge-protocol';
import { BRIDGE_SCHEMA_PATH, renderBridgeSchema } from './bridge-schema';

writeFileSync(BRIDGE_SCHEMA_PATH, renderBridgeSchema(bridgeJsonSchema()));
console.log(`wrote ${BRIDGE_SCHEMA_PATH}`);
