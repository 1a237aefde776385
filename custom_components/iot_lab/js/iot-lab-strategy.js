// IoT Lab's dashboard strategy: a dashboard built from the IoT Lab boards Home Assistant
// knows at the moment it is shown, so that a new board appears without editing anything.
// Served by the integration (frontend.py) and loaded by the frontend as an extra module.
//
//   strategy:
//     type: custom:iot-lab
//     kinds: [light, climate, door, measurement]   # which board kinds (default: all)
//     views: single                                 # single (default), kind or area
//     mean_period: day                              # day, week or month for the means
//
// "Take control" in the dashboard's menu turns the result into an ordinary dashboard.

const TEXTS = {
  en: {
    title: "IoT Lab",
    lab: "Lab",
    light: "Light boards",
    climate: "Climate boards",
    door: "Door counters",
    measurement: "Other sensors",
    shows: "what the board shows",
    led: "LED",
    oled: "OLED",
    lightLevel: "light level",
    lightHistory: "light",
    history: "history",
    statistics: "statistics (5 min)",
    meanTemperature: { day: "Mean temperature today", week: "Mean temperature this week", month: "Mean temperature this month" },
    meanHumidity: { day: "Mean humidity today", week: "Mean humidity this week", month: "Mean humidity this month" },
    occupancy: "occupancy",
    passages: "passages",
    alerts: "Alerts",
    connectivity: "Board connectivity",
    noArea: "No area",
    empty: "No IoT Lab board yet: flash a board with the IoT Lab firmware and it shows up here.",
    description: "Your IoT Lab boards: light, climate, door counters, alerts and connectivity, kept up to date by itself.",
  },
  fr: {
    title: "IoT Lab",
    lab: "Labo",
    light: "Cartes lumière",
    climate: "Cartes climat",
    door: "Compteurs de porte",
    measurement: "Autres capteurs",
    shows: "ce que la carte affiche",
    led: "LED",
    oled: "OLED",
    lightLevel: "niveau de lumière",
    lightHistory: "lumière",
    history: "historique",
    statistics: "statistiques (5 min)",
    meanTemperature: { day: "Température moyenne du jour", week: "Température moyenne de la semaine", month: "Température moyenne du mois" },
    meanHumidity: { day: "Humidité moyenne du jour", week: "Humidité moyenne de la semaine", month: "Humidité moyenne du mois" },
    occupancy: "occupation",
    passages: "passages",
    alerts: "Alertes",
    connectivity: "Connexion des cartes",
    noArea: "Sans pièce",
    empty: "Pas encore de carte IoT Lab : flashez une carte avec le firmware IoT Lab et elle apparaîtra ici.",
    description: "Vos cartes IoT Lab : lumière, climat, compteurs de porte, alertes et connexion, à jour toutes seules.",
  },
};

const KINDS = ["light", "climate", "door", "measurement"];
// The entity that makes a board of each kind, in the order boards are shown.
const KIND_OF_ROLE = { light_level: "light", temperature: "climate", humidity: "climate", occupancy: "door", measurement: "measurement" };
// Entities without a translation key are named after their device class.
const ROLE_OF_DEVICE_CLASS = { temperature: "temperature", humidity: "humidity", connectivity: "connectivity" };

function texts(hass) {
  const language = (hass.locale && hass.locale.language) || hass.language || "en";
  return TEXTS[language.split("-")[0]] || TEXTS.en;
}

// Every IoT Lab device with its entities by role (led, oled, temperature...).
function iotLabBoards(hass) {
  const boards = new Map();
  for (const entry of Object.values(hass.entities || {})) {
    if (entry.platform !== "iot_lab" || !entry.device_id || entry.hidden) continue;
    const state = hass.states[entry.entity_id];
    const role =
      entry.translation_key ||
      (state && ROLE_OF_DEVICE_CLASS[state.attributes.device_class]);
    if (!role) continue;
    if (!boards.has(entry.device_id)) {
      const device = (hass.devices || {})[entry.device_id] || {};
      boards.set(entry.device_id, {
        name: device.name_by_user || device.name || entry.device_id,
        area: device.area_id || null,
        roles: {},
      });
    }
    boards.get(entry.device_id).roles[role] = entry.entity_id;
  }
  for (const board of boards.values()) {
    const roles = Object.keys(board.roles);
    board.kind = KINDS.find((kind) => roles.some((role) => KIND_OF_ROLE[role] === kind)) || null;
  }
  return [...boards.values()]
    .filter((board) => board.kind)
    .sort((a, b) => KINDS.indexOf(a.kind) - KINDS.indexOf(b.kind) || a.name.localeCompare(b.name));
}

function present(board, roles) {
  return roles.map((role) => board.roles[role]).filter(Boolean);
}

function lightCards(board, t) {
  const r = board.roles;
  const cards = [
    { type: "gauge", entity: r.light_level, name: `${board.name}: ${t.lightLevel}`, min: 0, max: 100, severity: { green: 40, yellow: 15, red: 0 } },
    { type: "entities", title: board.name, entities: present(board, ["led", "oled", "light_raw", "calibration_dark", "calibration_bright", "connectivity", "last_heard"]) },
  ];
  const shows = [];
  if (r.led) shows.push({ entity: r.led, name: t.led });
  if (r.oled) shows.push({ entity: r.oled, name: t.oled });
  if (shows.length) cards.push({ type: "glance", title: `${board.name}: ${t.shows}`, columns: 2, entities: shows });
  cards.push({ type: "history-graph", title: `${board.name}: ${t.lightHistory}`, hours_to_show: 3, entities: [r.light_level] });
  return cards;
}

function climateCards(board, t, period) {
  const both = present(board, ["temperature", "humidity"]);
  const cards = [
    { type: "glance", title: board.name, entities: present(board, ["temperature", "humidity", "connectivity", "last_heard"]) },
    { type: "history-graph", title: `${board.name}: ${t.history}`, hours_to_show: 6, entities: both },
    { type: "statistics-graph", title: `${board.name}: ${t.statistics}`, entities: both, period: "5minute", days_to_show: 1, stat_types: ["mean", "min", "max"], chart_type: "line" },
  ];
  const means = [];
  if (board.roles.temperature) means.push({ type: "statistic", entity: board.roles.temperature, name: t.meanTemperature[period], period: { calendar: { period } }, stat_type: "mean" });
  if (board.roles.humidity) means.push({ type: "statistic", entity: board.roles.humidity, name: t.meanHumidity[period], period: { calendar: { period } }, stat_type: "mean" });
  cards.push({ type: "horizontal-stack", cards: means });
  return cards;
}

function doorCards(board, t) {
  const cards = [
    { type: "entities", title: board.name, entities: present(board, ["entries_today", "exits_today", "occupancy", "peak_occupancy", "lifetime_entries", "lifetime_exits", "reset_occupancy", "connectivity", "last_heard"]) },
    { type: "history-graph", title: `${board.name}: ${t.occupancy}`, hours_to_show: 6, entities: [board.roles.occupancy] },
  ];
  if (board.roles.passage) cards.push({ type: "logbook", title: `${board.name}: ${t.passages}`, target: { entity_id: [board.roles.passage] }, hours_to_show: 1 });
  return cards;
}

function boardCard(board, t, period) {
  if (board.kind === "measurement") {
    return { type: "history-graph", title: board.name, hours_to_show: 6, entities: [board.roles.measurement] };
  }
  const cards = { light: lightCards, climate: climateCards, door: doorCards }[board.kind](board, t, period);
  return { type: "vertical-stack", cards };
}

function footer(boards, t) {
  const alerts = boards.flatMap((board) => Object.entries(board.roles).filter(([role]) => role.endsWith("_alert")).map(([, id]) => id));
  // Boards with no status topic have no connectivity: when they were last heard from.
  const connectivity = boards.map((board) => board.roles.connectivity || board.roles.last_heard).filter(Boolean);
  const cards = [];
  if (alerts.length) cards.push({ type: "entities", title: t.alerts, state_color: true, entities: alerts });
  if (connectivity.length) cards.push({ type: "glance", title: t.connectivity, entities: connectivity });
  return cards;
}

// One section: a heading, then each board's card.
function section(heading, boards, t, period) {
  return { type: "grid", cards: [{ type: "heading", heading }, ...boards.map((board) => ({ ...boardCard(board, t, period), grid_options: { columns: "full" } }))] };
}

function view(title, path, sections, extra) {
  return { type: "sections", title, path, icon: "mdi:flask", max_columns: 3, sections: [...sections, ...extra] };
}

class IotLabDashboardStrategy extends HTMLElement {
  static async generate(config, hass) {
    const t = texts(hass);
    const kinds = Array.isArray(config.kinds) && config.kinds.length ? config.kinds : KINDS;
    const period = ["day", "week", "month"].includes(config.mean_period) ? config.mean_period : "day";
    const boards = iotLabBoards(hass).filter((board) => kinds.includes(board.kind));
    const byKind = KINDS.filter((kind) => kinds.includes(kind))
      .map((kind) => [kind, boards.filter((board) => board.kind === kind)])
      .filter(([, list]) => list.length);
    const tail = [{ type: "grid", cards: [{ type: "heading", heading: t.alerts }, ...footer(boards, t).map((card) => ({ ...card, grid_options: { columns: "full" } }))] }];
    if (!boards.length) {
      return { title: t.title, views: [view(t.lab, "lab", [{ type: "grid", cards: [{ type: "markdown", content: t.empty }] }], [])] };
    }
    if (config.views === "kind") {
      return {
        title: t.title,
        views: byKind.map(([kind, list]) => view(t[kind], kind, [section(t[kind], list, t, period)], footer(list, t).length ? [{ type: "grid", cards: footer(list, t) }] : [])),
      };
    }
    if (config.views === "area") {
      const areas = new Map();
      for (const board of boards) {
        const key = board.area || "";
        if (!areas.has(key)) areas.set(key, []);
        areas.get(key).push(board);
      }
      const named = [...areas.entries()].map(([id, list]) => [id ? ((hass.areas || {})[id] || {}).name || id : t.noArea, id || "no-area", list]);
      named.sort((a, b) => (a[1] === "no-area") - (b[1] === "no-area") || a[0].localeCompare(b[0]));
      return {
        title: t.title,
        views: named.map(([name, id, list]) => view(name, id.replace(/[^a-z0-9_-]/gi, "-").toLowerCase(), KINDS.filter((kind) => list.some((b) => b.kind === kind)).map((kind) => section(t[kind], list.filter((b) => b.kind === kind), t, period)), [{ type: "grid", cards: footer(list, t) }])),
      };
    }
    return { title: t.title, views: [view(t.lab, "lab", byKind.map(([kind, list]) => section(t[kind], list, t, period)), tail)] };
  }
}

customElements.define("ll-strategy-dashboard-iot-lab", IotLabDashboardStrategy);
window.customStrategies = window.customStrategies || [];
window.customStrategies.push({
  type: "iot-lab",
  strategyType: "dashboard",
  name: "IoT Lab",
  description: texts({ language: navigator.language || "en" }).description,
});
