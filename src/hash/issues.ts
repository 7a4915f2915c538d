// Constructors for HashIssue, so every module words its problems the same way: what is wrong, where, what to do.
import type { HashIssue, HashIssueCode } from './types.js';

export const RECOLLECT = 'collect it again on the device with Get-WindowsAutopilotInfo';

export function error(code: HashIssueCode, offset: number, message: string): HashIssue {
  return { code, severity: 'error', message, offset };
}

export function warning(code: HashIssueCode, offset: number, message: string): HashIssue {
  return { code, severity: 'warning', message, offset };
}

export function hasError(issues: readonly HashIssue[]): boolean {
  for (const i of issues) if (i.severity === 'error') return true;
  return false;
}
