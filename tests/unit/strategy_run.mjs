// Runs IoT Lab's dashboard strategy outside a browser: reads {config, hass} as JSON on
// stdin, prints the dashboard the strategy generates. Used by tests/unit/test_strategy.py.
globalThis.HTMLElement = class {};
const defined = {};
globalThis.customElements = { define: (tag, cls) => { defined[tag] = cls; } };
globalThis.window = globalThis;
globalThis.navigator = { language: "en" };
const [, , modulePath] = process.argv;
await import(modulePath);
let input = "";
for await (const chunk of process.stdin) input += chunk;
const { config, hass } = JSON.parse(input);
const strategy = defined["ll-strategy-dashboard-iot-lab"];
const dashboard = await strategy.generate(config, hass);
console.log(JSON.stringify({ dashboard, registered: window.customStrategies }));
