// English for the halt forecast and the buffer mode: when recording will have to stop, why, by which
// model, in working days of the office. Pure.
import type { ForecastCatalogue } from './catalogue.js';
import { oneDecimal } from './format.js';

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const pad = (n: number) => String(n).padStart(2, '0');

export const enForecast: ForecastCatalogue = {
  when: (c) => `${WEEKDAYS[c.weekday] ?? ''} ${c.day} ${MONTHS[c.month - 1] ?? c.month}${c.thisYear ? '' : ` ${c.year}`} at about ${pad(c.hour)}:${pad(c.minute)} ${c.zone}`,
  left: ({ days, seconds }) => {
    if (days !== null && days >= 1) return `about ${oneDecimal(days, 'en-GB')} working days from now`;
    const hours = seconds / 3600;
    return hours >= 1 ? `about ${oneDecimal(hours, 'en-GB')} working hours from now` : 'less than 1 working hour from now';
  },
  halt: (when, left) => `forecast: recording will have to stop on ${when}, ${left}`,
  withWhy: (halt, why) => `${halt}, because ${why}`,
  noHalt: 'forecast: no halt in sight within the next 60 days',
  noData: 'forecast: not enough data to forecast yet',
  why: (reason, subject) => {
    switch (reason) {
      case 'STORAGE_CRITICAL':
        return `volume ${subject} will reach its halt line (halt_ratio)`;
      case 'STORAGE_FILLING':
        return `volume ${subject} will have less room left than halt_eta of working time`;
      case 'CENTRAL_UNREACHABLE':
        return 'the central server is still unreachable and the local disk will hold less than buffer_min_hours of working time of recording';
      default:
        return `${reason} (${subject})`;
    }
  },
  model: {
    weekly: "weekly pattern, learned from this office's own use",
    office_hours: 'office hours (office_hours), until the weekly pattern can be learned',
    linear: 'straight line at the current rate',
  },
  modelLine: (model) => `forecast model: ${model}`,
  buffering: (since, ends) =>
    `Buffer mode since ${since}: the central server is unreachable; recording goes on on the local disk and is sent once the central server is back. ${
      ends === null ? 'No end in sight yet.' : `It must stop on ${ends} unless the central server is back.`
    }`,
  volume: (haltAt, roomWorkingHours) =>
    [
      haltAt === null ? 'halt line not in sight' : `halt line ${haltAt}`,
      ...(roomWorkingHours === null ? [] : [`room for about ${oneDecimal(roomWorkingHours, 'en-GB')} working hours`]),
    ].join(', '),
};
