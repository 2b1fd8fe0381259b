import { Cron } from 'croner';
import { InvalidInputError } from '../errors.ts';

/**
 * A schedule's times: a five-field unix-cron expression (as Cloud Scheduler takes it) read in an
 * IANA time zone by croner. Daylight saving time follows croner, which behaves as ISC cron does
 * (docs/architecture.md, "Schedules"):
 * - a wall time that does not exist (clocks go forward) fires once, at the instant the gap ends,
 *   when the expression names that hour (`30 1 * * *` in Europe/London fires at 02:00 BST on the
 *   day clocks go forward); an expression that matches every hour has no fires inside the gap;
 * - a wall time that happens twice (clocks go back) fires once, at its first occurrence, when the
 *   expression names that hour; an expression that matches every hour fires in both passes, so it
 *   keeps following elapsed time.
 */
export class CronSchedule {
  readonly #cron: Cron;

  private constructor(cron: Cron) {
    this.#cron = cron;
  }

  /** INVALID_ARGUMENT naming the problem: not five fields, a field out of range, an unknown time zone. */
  static parse(expression: string, timeZone: string): CronSchedule {
    if (!isTimeZone(timeZone)) throw new InvalidInputError(`timeZone "${timeZone}" is not an IANA time zone such as Europe/London or Asia/Seoul`, { code: 'INVALID_SCHEDULE' });
    const fields = expression.trim().split(/\s+/);
    if (fields.length !== 5) {
      throw new InvalidInputError(`cron "${expression}" must have five fields (minute hour day-of-month month day-of-week), as Cloud Scheduler takes it`, { code: 'INVALID_SCHEDULE' });
    }
    const beyondUnixCron = fields.find((field) => /[A-Za-z#?]/.test(field.replace(/\b(?:JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEP|OCT|NOV|DEC|SUN|MON|TUE|WED|THU|FRI|SAT)\b/gi, '')));
    if (beyondUnixCron !== undefined) {
      throw new InvalidInputError(`cron "${expression}": "${beyondUnixCron}" is not unix-cron (numbers, *, ranges, lists, steps, month and day names), which is what Cloud Scheduler takes; L, W, # and ? are not`, { code: 'INVALID_SCHEDULE' });
    }
    try {
      return new CronSchedule(new Cron(fields.join(' '), { timezone: timeZone, paused: true, mode: '5-part' }));
    } catch (error) {
      throw new InvalidInputError(`cron "${expression}" is not valid: ${(error as Error).message.replace(/^CronPattern: /, '')}`, { code: 'INVALID_SCHEDULE' });
    }
  }

  /** The first fire time strictly after `after` (epoch ms); undefined when there is none. */
  next(after: number): number | undefined {
    return this.#cron.nextRun(new Date(after))?.getTime();
  }

  /**
   * The latest `limit` fire times in (`after`, `until`], oldest first, and how many fire times that
   * interval holds in all — counted up to `countLimit`, so a minutely schedule left paused for a
   * year costs bounded work (`countCapped` says the count stopped there).
   */
  latestBetween(after: number, until: number, limit: number, countLimit = 10_000): { times: number[]; total: number; countCapped: boolean } {
    // Cron times are whole minutes, so a reference 1 ms after `until` includes it.
    const times = this.#cron.previousRuns(limit, new Date(until + 1)).map((date) => date.getTime()).filter((time) => time > after).reverse();
    if (times.length < limit) return { times, total: times.length, countCapped: false };
    let total = 0;
    for (let time = this.next(after); time !== undefined && time <= until && total < countLimit; time = this.next(time)) total += 1;
    return { times, total, countCapped: total >= countLimit };
  }
}

function isTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone });
    return /^[A-Za-z_+-]+(?:\/[A-Za-z0-9_+-]+)*$/.test(timeZone);
  } catch {
    return false;
  }
}
