import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { processTable } from '../../../scripts/local/process-table';

describe('processTable', () => {
  it('lists this process, alive and with CPU time, and a child started in a group of its own under that group', async () => {
    const own = processTable().find((p) => p.pid === process.pid);
    expect(own?.state).not.toBe('Z');
    expect(own?.cpuSeconds).toBeGreaterThan(0);
    const child = spawn(process.execPath, ['-e', 'process.stdin.resume()'], { detached: true, stdio: ['pipe', 'ignore', 'ignore'] });
    await once(child, 'spawn');
    try {
      expect(processTable().find((p) => p.pid === child.pid)?.group).toBe(child.pid);
    } finally {
      child.kill();
      await once(child, 'exit');
    }
  });
});
