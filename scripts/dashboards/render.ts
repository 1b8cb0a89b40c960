// The dashboard files as committed: file name -> exact text. Pure; scripts/dashboards.ts writes them
// and test/monitoring/dashboards.test.ts compares them with the files in dashboards/.
import { fleetDashboard } from './fleet.js';
import type { Json } from './grafana.js';
import { officeDashboard } from './office.js';

const text = (dashboard: Json): string => `${JSON.stringify(dashboard, null, 2)}\n`;

export function renderDashboards(): ReadonlyMap<string, string> {
  return new Map([
    ['jaga-office.json', text(officeDashboard())],
    ['jaga-fleet.json', text(fleetDashboard())],
  ]);
}
