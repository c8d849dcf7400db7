// Small DOM and formatting helpers. Text always goes in as text nodes, never as HTML.

export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") element.className = value;
    else if (key === "dataset") Object.assign(element.dataset, value);
    else if (key === "style") Object.assign(element.style, value);
    else if (key.startsWith("on")) element.addEventListener(key.slice(2), value);
    else element.setAttribute(key, value === true ? "" : String(value));
  }
  element.append(...nodes(children));
  return element;
}

function nodes(children) {
  return children
    .flat(Infinity)
    .filter((child) => child !== null && child !== undefined && child !== false)
    .map((child) => (child instanceof Node ? child : String(child)));
}

export function byId(id) {
  return document.getElementById(id);
}

/** "ON_HOLD" → "On hold" */
export function label(value) {
  if (!value) return "";
  const words = value.toLowerCase().replaceAll("_", " ");
  return words[0].toUpperCase() + words.slice(1);
}

/** seconds → "m:ss" (or "h:mm:ss") */
export function clock(seconds) {
  const total = Math.max(0, Math.floor(seconds || 0));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, "0");
  return h ? `${h}:${String(m).padStart(2, "0")}:${s}` : `${m}:${s}`;
}

export function money(dollars) {
  return `$${(dollars || 0).toFixed(dollars >= 1 ? 2 : 4)}`;
}

export function timeOfDay(iso) {
  if (!iso) return "";
  return new Date(iso).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit" });
}

export function percent(value) {
  return `${Math.round(value ?? 0)}%`;
}

/** A horizontal bar for a 0-100 value. */
export function meter(value) {
  const width = Math.max(0, Math.min(100, value ?? 0));
  return h("span", { class: "meter" }, h("span", { class: "meter-fill", style: { width: `${width}%` } }));
}
