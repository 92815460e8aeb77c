/** The connect attempts in memory, with the DynamoDB store's conditions (MFA mailbox, submission cap). */
import type { AttemptRecord, AttemptStore } from '../../../functions/core/shared/ports';

export class MemoryAttemptStore implements AttemptStore {
  readonly attempts = new Map<string, AttemptRecord & { mfaCode?: string; mfaCodeId?: string }>();

  async create(attempt: AttemptRecord): Promise<void> {
    this.attempts.set(`${attempt.userId}#${attempt.attemptId}`, structuredClone(attempt));
  }

  async get(userId: string, attemptId: string, now: Date): Promise<AttemptRecord | undefined> {
    const attempt = this.attempts.get(`${userId}#${attemptId}`);
    return attempt && attempt.expiresAt * 1000 > now.getTime() ? structuredClone(attempt) : undefined;
  }

  async submitMfaCode(userId: string, attemptId: string, code: string, codeId: string, maxSubmissions: number): Promise<boolean> {
    const attempt = this.attempts.get(`${userId}#${attemptId}`);
    if (attempt?.status !== 'mfa_required' || attempt.mfaSubmissions >= maxSubmissions) return false;
    Object.assign(attempt, { mfaCode: code, mfaCodeId: codeId, mfaSubmissions: attempt.mfaSubmissions + 1 });
    return true;
  }

  async finish(userId: string, attemptId: string, status: 'connected' | 'failed', error?: { code: string; message: string }): Promise<void> {
    const attempt = this.attempts.get(`${userId}#${attemptId}`);
    if (!attempt || attempt.status === 'connected' || attempt.status === 'failed') return;
    attempt.status = status;
    if (error) attempt.error = error;
    delete attempt.credentials;
    delete attempt.mfaCode;
  }

  async deleteAllForUser(userId: string): Promise<{ deleted: number; running: number }> {
    const mine = [...this.attempts].filter(([key]) => key.startsWith(`${userId}#`));
    for (const [key] of mine) this.attempts.delete(key);
    return { deleted: mine.length, running: mine.filter(([, a]) => a.status !== 'connected' && a.status !== 'failed').length };
  }
}
