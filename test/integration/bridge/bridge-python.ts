/** Options shared by the tests that run the real Python bridge over stdio. */
import { readFile } from 'node:fs/promises';
import type { StdioTransportOptions } from '../../../functions/adapters/bridge/stdio-transport';
import type { BridgeLogger } from '../../../functions/adapters/bridge/bridge-process';

/** Another interpreter for local runs (e.g. before scripts/setup.sh made .venv); the default is .venv's. */
export const PYTHON_OVERRIDE_ENV = 'GARMIN_BRIDGE_PYTHON';

export interface LogEntry {
  level: 'debug' | 'info' | 'warn' | 'error';
  message: unknown;
  extra: unknown[];
}

export const capturingLogger = (entries: LogEntry[]): BridgeLogger => {
  const at =
    (level: LogEntry['level']) =>
    (message: unknown, ...extra: unknown[]) => {
      entries.push({ level, message, extra });
    };
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
};

export const bridgeOptions = (entries: LogEntry[], extra: StdioTransportOptions = {}): StdioTransportOptions => ({
  pythonPath: process.env[PYTHON_OVERRIDE_ENV],
  logger: capturingLogger(entries),
  ...extra,
  env: { LOG_LEVEL: 'INFO', ...extra.env },
});

/** Whether `pid` is a running process (a zombie counts as gone). */
export const isRunning = async (pid: number): Promise<boolean> => {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  // Field 3, after the parenthesised command name, is the state.
  return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
};
