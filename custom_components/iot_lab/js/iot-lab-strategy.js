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

// IOT_LAB is put before this code by the integration (dashboard.py) as it serves it:
// `contract` says which entity roles (translation keys, or device classes of entities
// named after them) make each kind of board and go on which card, taken from the entity
// descriptions; `texts` are the translations' dashboard texts, by language.
const { contract: C, texts: TEXTS } = IOT_LAB;
const KINDS = C.kinds;
const ALERTS = new Set(C.alerts);
const PRESENCE = C.presence;

function texts(hass) {
  const language = (hass.locale && hass.locale.language) || hass.language || "en";
  return TEXTS[language.split("-")[0]] || TEXTS.en;
}

// The role of an entity on its device: its translation key, else its device class.
function roleOf(entry, state) {
  return entry.translation_key || (state && state.attributes.device_class) || null;
}

// Every IoT Lab device with its entities by role (led, oled, temperature...).
function iotLabBoards(hass) {
  const boards = new Map();
  for (const entry of Object.values(hass.entities || {})) {
    if (entry.platform !== "iot_lab" || !entry.device_id || entry.hidden) continue;
    const role = roleOf(entry, hass.states[entry.entity_id]);
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
    board.kind = KINDS.find((kind) => roles.some((role) => C.kind_of_role[role] === kind)) || null;
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
  const level = r[C.light.level];
  const cards = [
    { type: "gauge", entity: level, name: `${board.name}: ${t.light_level}`, min: 0, max: 100, severity: { green: 40, yellow: 15, red: 0 } },
    { type: "entities", title: board.name, entities: present(board, C.light.details) },
  ];
  const shows = [];
  if (r[C.light.led]) shows.push({ entity: r[C.light.led], name: t.led });
  if (r[C.light.oled]) shows.push({ entity: r[C.light.oled], name: t.oled });
  if (shows.length) cards.push({ type: "glance", title: `${board.name}: ${t.shows}`, columns: 2, entities: shows });
  cards.push({ type: "history-graph", title: `${board.name}: ${t.light_history}`, hours_to_show: 3, entities: [level] });
  return cards;
}

function climateCards(board, t, period) {
  const temperature = board.roles[C.climate.temperature];
  const humidity = board.roles[C.climate.humidity];
  const both = [temperature, humidity].filter(Boolean);
  const cards = [
    { type: "glance", title: board.name, entities: present(board, C.climate.glance) },
    { type: "history-graph", title: `${board.name}: ${t.history}`, hours_to_show: 6, entities: both },
    { type: "statistics-graph", title: `${board.name}: ${t.statistics}`, entities: both, period: "5minute", days_to_show: 1, stat_types: ["mean", "min", "max"], chart_type: "line" },
  ];
  const means = [];
  if (temperature) means.push({ type: "statistic", entity: temperature, name: t[`mean_temperature_${period}`], period: { calendar: { period } }, stat_type: "mean" });
  if (humidity) means.push({ type: "statistic", entity: humidity, name: t[`mean_humidity_${period}`], period: { calendar: { period } }, stat_type: "mean" });
  cards.push({ type: "horizontal-stack", cards: means });
  return cards;
}

function doorCards(board, t) {
  const cards = [
    { type: "entities", title: board.name, entities: present(board, C.door.details) },
    { type: "history-graph", title: `${board.name}: ${t.occupancy}`, hours_to_show: 6, entities: [board.roles[C.door.occupancy]] },
  ];
  const passage = board.roles[C.door.passage];
  if (passage) cards.push({ type: "logbook", title: `${board.name}: ${t.passages}`, target: { entity_id: [passage] }, hours_to_show: 1 });
  return cards;
}

function measurementCard(board) {
  return { type: "history-graph", title: board.name, hours_to_show: 6, entities: [board.roles[C.measurement.value]] };
}

// A board's card: a stack of its kind's cards, or a measurement's one graph.
const BOARD_CARDS = { light: lightCards, climate: climateCards, door: doorCards };

function boardCard(board, t, period) {
  const cards = BOARD_CARDS[board.kind];
  return cards ? { type: "vertical-stack", cards: cards(board, t, period) } : measurementCard(board);
}

function footer(boards, t) {
  const alerts = boards.flatMap((board) => Object.entries(board.roles).filter(([role]) => ALERTS.has(role)).map(([, id]) => id));
  // Boards with no status topic have no connectivity: when they were last heard from.
  const connectivity = boards.map((board) => PRESENCE.map((role) => board.roles[role]).find(Boolean)).filter(Boolean);
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
      const named = [...areas.entries()].map(([id, list]) => [id ? ((hass.areas || {})[id] || {}).name || id : t.no_area, id || "no-area", list]);
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
