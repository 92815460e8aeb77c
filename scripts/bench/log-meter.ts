/**
 * The structured log lines the functions write, counted as CloudWatch Logs ingests them: the
 * Powertools logger's lines and the EMF metrics blobs (JSON lines on the process's stdout and
 * stderr, at the deployed level, POWERTOOLS_LOG_LEVEL=INFO) and the bridge's lines (its stderr,
 * which the stdio transport hands to `bridgeLogger`). The counted lines stay off the terminal;
 * warnings and errors are still shown. Lambda's own platform lines (START, REPORT) are not
 * written locally: the cost model adds them as an assumption.
 */
import type { BridgeLogger } from '../../functions/adapters/bridge/bridge-process';

/** The functions' logger lines (they carry no function name: the log group says it), their EMF blobs, the bridge's lines. */
export type LogSource = 'functions' | 'metrics' | 'bridge';

export interface LogTally {
  lines: number;
  bytes: number;
}

export type LogSnapshot = Record<LogSource, LogTally>;

const SOURCES: LogSource[] = ['functions', 'metrics', 'bridge'];
const empty = (): LogSnapshot => Object.fromEntries(SOURCES.map((s) => [s, { lines: 0, bytes: 0 }])) as LogSnapshot;

const sourceOf = (entry: Record<string, unknown>): LogSource => ('_aws' in entry ? 'metrics' : 'functions');

const parseLine = (line: string): Record<string, unknown> | undefined => {
  if (!line.startsWith('{')) return undefined;
  try {
    const value: unknown = JSON.parse(line);
    return value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
};

/** The bytes Python's json.dumps writes for `entry` (", " and ": " between items, as the bridge's formatter). */
const pythonJsonBytes = (entry: Record<string, unknown>): number => {
  const keys = Object.keys(entry).length;
  return Buffer.byteLength(JSON.stringify(entry)) + Math.max(0, 2 * keys - 1);
};

export class LogMeter {
  private readonly tally = empty();

  /** Swallows and counts the JSON lines written to stdout and stderr from now on (warnings and errors still shown). */
  install(): void {
    for (const stream of [process.stdout, process.stderr]) {
      const write = stream.write.bind(stream) as (chunk: string | Uint8Array, ...rest: unknown[]) => boolean;
      stream.write = ((chunk: string | Uint8Array, ...rest: unknown[]): boolean => {
        const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
        const lines = text.split('\n').filter((line) => line.length > 0);
        const entries = lines.map(parseLine);
        if (lines.length === 0 || entries.some((e) => e === undefined)) return write(chunk, ...rest);
        for (const [i, entry] of entries.entries()) {
          this.count(sourceOf(entry as Record<string, unknown>), Buffer.byteLength(lines[i] as string));
          const level = String((entry as Record<string, unknown>).level ?? '');
          if (level === 'WARN' || level === 'ERROR' || level === 'CRITICAL') write(`${lines[i]}\n`);
        }
        // Console passes a callback as the last argument: call it as a written chunk would.
        const done = rest.find((r): r is () => void => typeof r === 'function');
        done?.();
        return true;
      }) as typeof stream.write;
    }
  }

  /** The bridge's log lines (from the stdio transport): counted; errors shown. */
  readonly bridgeLogger: BridgeLogger = {
    debug: (message: string, ...extra: unknown[]) => this.countBridge('DEBUG', message, extra),
    info: (message: string, ...extra: unknown[]) => this.countBridge('INFO', message, extra),
    warn: (message: string, ...extra: unknown[]) => this.countBridge('WARNING', message, extra),
    error: (message: string, ...extra: unknown[]) => {
      this.countBridge('ERROR', message, extra);
      process.stderr.write(`[bridge] ${message}\n`);
    },
  } as BridgeLogger;

  private countBridge(level: string, message: string, extra: unknown[]): void {
    const first = extra[0];
    const fields = first !== null && typeof first === 'object' && 'bridge' in first ? (first as { bridge: Record<string, unknown> }).bridge : {};
    this.count('bridge', pythonJsonBytes({ ...fields, level, message }));
  }

  private count(source: LogSource, bytes: number): void {
    this.tally[source].lines++;
    this.tally[source].bytes += bytes;
  }

  snapshot(): LogSnapshot {
    return Object.fromEntries(SOURCES.map((s) => [s, { ...this.tally[s] }])) as LogSnapshot;
  }
}

export const diffLogs = (after: LogSnapshot, before: LogSnapshot): LogSnapshot =>
  Object.fromEntries(SOURCES.map((s) => [s, { lines: after[s].lines - before[s].lines, bytes: after[s].bytes - before[s].bytes }])) as LogSnapshot;

/** The benchmark's one meter: the process has one stdout (scripts/bench/main.ts installs it before anything logs). */
export const logMeter = new LogMeter();
