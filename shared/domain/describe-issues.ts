import type { z } from 'zod';

/** Renders zod issues as `path: message; path: message`, naming every bad field. */
export function describeIssues(issues: readonly z.core.$ZodIssue[]): string {
  return issues
    .map((issue) => {
      const path = issue.path.length > 0 ? issue.path.join('.') : '(message)';
      return `${path}: ${issue.message}`;
    })
    .join('; ');
}
