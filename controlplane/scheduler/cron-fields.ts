/**
 * The grammar of the time fields of a Cloud Assistant cron expression (spec §18.3, Decisions
 * item 11): `<sec> <min> <hour> <day-of-month> <month> <day-of-week> [<year>]`, with the agent's
 * (gorhill/cronexpr) semantics. The time zone token is not part of this grammar.
 */

/** Day-of-month: plain days, `L`, `LW` and `nW`. */
export interface DayOfMonthRule {
  /** False for `*` or `?`: the field does not narrow the days. */
  readonly restricted: boolean;
  /** Plain days 1–31 (days beyond a month's end never match). */
  readonly days: readonly number[];
  /** `15W`: the weekday nearest to that day, inside the same month. */
  readonly nearestWeekdays: readonly number[];
  /** `L`: the month's last day. */
  readonly lastDay: boolean;
  /** `LW`: the month's last weekday (Monday to Friday). */
  readonly lastWeekday: boolean;
}

/** Day-of-week: weekdays 0 = Sunday … 6 = Saturday (the input's 7 is Sunday too). */
export interface DayOfWeekRule {
  /** False for `*` or `?`: the field does not narrow the days. */
  readonly restricted: boolean;
  readonly weekdays: readonly number[];
  /** `5L`: the last such weekday of the month. */
  readonly lastInMonth: readonly number[];
  /** `6#3`: the nth (1–5) such weekday of the month. */
  readonly nthInMonth: readonly { readonly weekday: number; readonly nth: number }[];
}

/** A parsed expression; every list is ascending and free of duplicates. */
export interface CronFields {
  readonly seconds: readonly number[];
  readonly minutes: readonly number[];
  readonly hours: readonly number[];
  readonly dayOfMonth: DayOfMonthRule;
  readonly months: readonly number[];
  readonly dayOfWeek: DayOfWeekRule;
  /** 1970–2099; every year of that span when the year field is absent. */
  readonly years: readonly number[];
}

interface FieldGrammar {
  /** Span of `*` and `*\/n`; `max` is also the largest step, as in the agent. */
  readonly min: number;
  readonly max: number;
  /** Largest value that may be written (day-of-week accepts 7 for Sunday). */
  readonly valueMax: number;
  readonly names: ReadonlyMap<string, number>;
  readonly questionMark: boolean;
}

const MONTH_NAMES = namesOf(
  ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'],
  ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'],
  1,
);
const WEEKDAY_NAMES = namesOf(
  ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'],
  ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'],
  0,
);

const NO_NAMES: ReadonlyMap<string, number> = new Map();
const SECOND: FieldGrammar = { min: 0, max: 59, valueMax: 59, names: NO_NAMES, questionMark: false };
const MINUTE = SECOND;
const HOUR: FieldGrammar = { min: 0, max: 23, valueMax: 23, names: NO_NAMES, questionMark: false };
const DAY_OF_MONTH: FieldGrammar = { min: 1, max: 31, valueMax: 31, names: NO_NAMES, questionMark: true };
const MONTH: FieldGrammar = { min: 1, max: 12, valueMax: 12, names: MONTH_NAMES, questionMark: false };
const DAY_OF_WEEK: FieldGrammar = { min: 0, max: 6, valueMax: 7, names: WEEKDAY_NAMES, questionMark: true };
// `?` as a year: the agent's year-field pattern names it.
const YEAR: FieldGrammar = { min: 1970, max: 2099, valueMax: 2099, names: NO_NAMES, questionMark: true };

/** A number with at most one leading zero: `8`, `08`, `00`, `10`, `010`; not `008`. */
const NUMBER = /^0?(?:0|[1-9][0-9]*)$/;

/**
 * Parses 6 or 7 whitespace-separated fields (seconds first, optional year). Null for anything
 * outside the grammar: a wrong field count, a value out of range, `008`, a reversed range, a
 * zero or oversized step, `L`/`W` outside day-of-month, `#`/`nL` outside day-of-week.
 */
export function parseCronFields(expression: string): CronFields | null {
  const fields = expression.trim().split(/\s+/);
  if (fields.length !== 6 && fields.length !== 7) return null;
  const [second, minute, hour, dayOfMonthText, month, dayOfWeekText, year = '*'] = fields as [
    string, string, string, string, string, string, string?,
  ];
  const seconds = parseListField(second, SECOND);
  const minutes = parseListField(minute, MINUTE);
  const hours = parseListField(hour, HOUR);
  const dayOfMonth = parseDayOfMonth(dayOfMonthText);
  const months = parseListField(month, MONTH);
  const dayOfWeek = parseDayOfWeek(dayOfWeekText);
  const years = parseListField(year, YEAR);
  if (!seconds || !minutes || !hours || !dayOfMonth || !months || !dayOfWeek || !years) return null;
  return { seconds, minutes, hours, dayOfMonth, months, dayOfWeek, years };
}

/** One of the plain fields (seconds, minutes, hours, month, year): its matching values. */
function parseListField(text: string, grammar: FieldGrammar): number[] | null {
  const values = new Set<number>();
  const items = splitItems(text);
  if (!items) return null;
  for (const item of items) {
    const parsed = parseItem(item, grammar);
    if (parsed === null) return null;
    const members = parsed === 'wildcard' ? span(grammar.min, grammar.max, 1) : parsed;
    members.forEach((value) => values.add(value));
  }
  return values.size > 0 ? ascending(values) : null;
}

function parseDayOfMonth(text: string): DayOfMonthRule | null {
  let restricted = true;
  let lastDay = false;
  let lastWeekday = false;
  const days = new Set<number>();
  const nearestWeekdays = new Set<number>();
  const items = splitItems(text);
  if (!items) return null;
  for (const item of items) {
    const lower = item.toLowerCase();
    const nearest = /^(.+)w$/.exec(lower);
    if (lower === 'l') lastDay = true;
    else if (lower === 'lw') lastWeekday = true;
    else if (nearest) {
      const day = parseValue(nearest[1] ?? '', DAY_OF_MONTH);
      if (day === null) return null;
      nearestWeekdays.add(day);
    } else {
      const parsed = parseItem(item, DAY_OF_MONTH);
      if (parsed === null) return null;
      if (parsed === 'wildcard') restricted = false;
      else parsed.forEach((day) => days.add(day));
    }
  }
  if (!restricted) return { restricted, days: [], nearestWeekdays: [], lastDay: false, lastWeekday: false };
  return { restricted, days: ascending(days), nearestWeekdays: ascending(nearestWeekdays), lastDay, lastWeekday };
}

function parseDayOfWeek(text: string): DayOfWeekRule | null {
  let restricted = true;
  const weekdays = new Set<number>();
  const lastInMonth = new Set<number>();
  const nthInMonth = new Map<string, { weekday: number; nth: number }>();
  const items = splitItems(text);
  if (!items) return null;
  for (const item of items) {
    const lower = item.toLowerCase();
    const last = /^(.+)l$/.exec(lower);
    const nth = /^(.+)#([1-5])$/.exec(lower);
    if (last) {
      const weekday = parseValue(last[1] ?? '', DAY_OF_WEEK);
      if (weekday === null) return null;
      lastInMonth.add(weekday % 7);
    } else if (nth) {
      const weekday = parseValue(nth[1] ?? '', DAY_OF_WEEK);
      if (weekday === null) return null;
      const entry = { weekday: weekday % 7, nth: Number(nth[2]) };
      nthInMonth.set(`${entry.weekday}#${entry.nth}`, entry);
    } else {
      const parsed = parseItem(item, DAY_OF_WEEK);
      if (parsed === null) return null;
      if (parsed === 'wildcard') restricted = false;
      else parsed.forEach((weekday) => weekdays.add(weekday % 7));
    }
  }
  if (!restricted) return { restricted, weekdays: [], lastInMonth: [], nthInMonth: [] };
  return { restricted, weekdays: ascending(weekdays), lastInMonth: ascending(lastInMonth), nthInMonth: [...nthInMonth.values()] };
}

/** Comma-separated items; an empty item (`1,,2`, a trailing comma) makes the field invalid. */
function splitItems(text: string): string[] | null {
  const items = text.split(',');
  return items.every((item) => item.length > 0) ? items : null;
}

/**
 * One item: `*` / `?` (wildcard), `v`, `a-b`, `*\/n`, `v/n` (v up to the field's end) or
 * `a-b/n`. Values are numbers or, for month and day-of-week, names. As in the agent, `*` and
 * `v/n` in day-of-week span 0 (Sunday) to 6, so `*\/2` is Sunday, Tuesday, Thursday, Saturday.
 */
function parseItem(item: string, grammar: FieldGrammar): number[] | 'wildcard' | null {
  const parts = item.split('/');
  if (parts.length > 2) return null;
  const [range = '', stepText] = parts;
  const step = stepText === undefined ? 1 : parseNumber(stepText, 1, grammar.max);
  if (step === null) return null;
  if (range === '?' && grammar.questionMark && stepText === undefined) return 'wildcard';
  if (range === '*') return stepText === undefined ? 'wildcard' : span(grammar.min, grammar.max, step);
  const bounds = range.split('-');
  if (bounds.length > 2) return null;
  const start = parseValue(bounds[0] ?? '', grammar);
  if (start === null) return null;
  if (bounds.length === 1) {
    if (stepText === undefined) return [start];
    // `v/n` runs to the field's end; a day-of-week 7 (Sunday) stays a single day.
    return span(start, Math.max(grammar.max, start), step);
  }
  const written = parseValue(bounds[1] ?? '', grammar);
  // A day-of-week range ending on Sunday (`SAT-SUN`, `5-0`) ends the Monday-first week: 7.
  const end = grammar === DAY_OF_WEEK && written === 0 && start > 0 ? 7 : written;
  if (end === null || end < start) return null;
  return span(start, end, step);
}

function parseValue(token: string, grammar: FieldGrammar): number | null {
  const named = grammar.names.get(token.toLowerCase());
  if (named !== undefined) return named;
  return parseNumber(token, grammar.min, grammar.valueMax);
}

function parseNumber(token: string, min: number, max: number): number | null {
  if (!NUMBER.test(token)) return null;
  const value = Number(token);
  return value >= min && value <= max ? value : null;
}

function span(start: number, end: number, step: number): number[] {
  const values: number[] = [];
  for (let value = start; value <= end; value += step) values.push(value);
  return values;
}

function ascending(values: Iterable<number>): number[] {
  return [...new Set(values)].sort((a, b) => a - b);
}

function namesOf(short: readonly string[], long: readonly string[], first: number): ReadonlyMap<string, number> {
  return new Map([...short, ...long].map((name, index) => [name, first + (index % short.length)]));
}
