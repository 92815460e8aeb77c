import { fileURLToPath } from 'node:url';

export const BRIDGE_SCHEMA_PATH = fileURLToPath(new URL('../python-layer/garmin_bridge/protocol.schema.json', import.meta.url));

export const renderBridgeSchema = (schema: unknown): string => `${JSON.stringify(schema, null, 2)}\n`;
