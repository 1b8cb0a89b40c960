// The dashboard's forecast parts for /admin: the halt forecast in people's words with the model that
// answered, the buffer mode, and each volume's forecast. Pure; every value is escaped.
import { workingLeft, type WorkingTime } from '../../core/alerts/forecast-rules.js';
import type { Gate, VolumeState } from '../../core/types.js';
import { shortDateTime } from '../../i18n/format.js';
import { haltWhen } from '../../i18n/forecast-text.js';
import { forecastMessage } from '../../views/forecast.js';
import { html, type Fragment, type Html } from './html.js';
import type { AdminView } from './sections.js';

const capitalize = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/** Under the gate's state: when recording will have to stop and why (by which model), and the buffer mode. */
export function forecastParagraphs(v: AdminView, gate: Gate, volumes: readonly VolumeState[], working: WorkingTime): Html {
  const words = v.c.forecast;
  const message = forecastMessage(gate, { working, timeZone: v.timeZone, volumes }, v.language);
  const model = gate.forecast?.model ?? null;
  const forecast =
    message === null
      ? null
      : html`<p class="forecast"><strong>${capitalize(message)}</strong>${model === null ? null : html`<br><span class="muted">${words.modelLine(words.model[model])}</span>`}</p>`;
  const b = gate.buffering;
  const ends = b?.endsAt ?? null;
  const buffering =
    b === null
      ? null
      : html`<p class="buffering">${words.buffering(
          shortDateTime(b.since, v.now, v.timeZone, v.c.email.clock),
          ends === null ? null : `${haltWhen(ends, v.now, v.timeZone, v.language)}, ${words.left(workingLeft(ends, v.now, working))}`,
        )}</p>`;
  return html`${forecast}${buffering}`;
}

/** A volume's forecast: its halt line's time and room in working hours, and the model that answered. */
export function volumeForecastCell(v: AdminView, volume: VolumeState): Fragment {
  const f = volume.forecast;
  if (f === null) return '–';
  const words = v.c.forecast;
  const haltAt = f.haltAt === null ? null : shortDateTime(f.haltAt, v.now, v.timeZone, v.c.email.clock);
  const room = f.roomWorkingSeconds === null ? null : f.roomWorkingSeconds / 3600;
  return html`${words.volume(haltAt, room)}<br><span class="muted">${words.model[f.model]}</span>`;
}
