// What the Patterns charts share: reading the server's json_script data, number and date
// formats, payload checks, axes, row heights and drawing each chart as it nears the screen.
// A plain ES module (no build step), loaded by static/js/charts/patterns.js.

// The JSON a json_script element holds, or null when it is missing or not JSON.
export const readJson = (id) => {
  const element = document.getElementById(id);
  if (!element) return null;
  try {
    return JSON.parse(element.textContent);
  } catch (error) {
    console.error(`#${id} does not hold JSON:`, error);
    return null;
  }
};

const lang = document.documentElement.lang || undefined;
export const numberFmt = new Intl.NumberFormat(lang, { maximumFractionDigits: 1 });
export const helpFmt = new Intl.NumberFormat(lang, { maximumFractionDigits: 2 });
export const shortDate = new Intl.DateTimeFormat(lang, { day: "numeric", month: "short", timeZone: "UTC" });
export const monthYear = new Intl.DateTimeFormat(lang, { month: "short", year: "numeric", timeZone: "UTC" });
export const longDate = new Intl.DateTimeFormat(lang, {
  day: "numeric",
  month: "short",
  year: "numeric",
  timeZone: "UTC",
});

// A colour the page's stylesheet sets (Bootstrap's variables follow the colour mode).
const pageVar = (name) => getComputedStyle(document.body).getPropertyValue(name).trim();

// The palette as this page shows it: the lines between stacked segments take the page's
// background, so they read as gaps in dark mode as in light.
export const forPage = (palette) => ({ ...palette, edge: pageVar("--bs-body-bg") || palette.edge });

// Chart.js's defaults for every chart: the page's own font, text and line colours (so
// they follow dark mode), no animation.
export const setDefaults = (Chart, palette) => {
  const bodyStyle = getComputedStyle(document.body);
  Chart.defaults.font.family = bodyStyle.fontFamily;
  Chart.defaults.color = bodyStyle.color || palette.text;
  Chart.defaults.borderColor = pageVar("--bs-border-color") || Chart.defaults.borderColor;
  Chart.defaults.animation = false;
  Chart.defaults.maintainAspectRatio = false;
  Chart.defaults.plugins.legend.labels.boxWidth = 14;
};

// Payload helpers: anything missing or not a number becomes null, never an exception.
export const list = (value) => (Array.isArray(value) ? value : []);
export const num = (value) => (typeof value === "number" && Number.isFinite(value) ? value : null);
export const numbers = (value, length) => {
  const out = list(value).map(num);
  while (length !== undefined && out.length < length) out.push(null);
  return length === undefined ? out : out.slice(0, length);
};
export const text = (value) => (value === null || value === undefined ? "" : String(value));
export const plural = (n, one, many) => `${numberFmt.format(n)} ${n === 1 ? one : many}`;
export const isNotRecorded = (label) => /^not recorded$/i.test(text(label));

export const parseDay = (iso) => {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text(iso));
  return match ? new Date(Date.UTC(+match[1], +match[2] - 1, +match[3])) : null;
};

// Long category names on a narrow phone: break them over lines of about `width` chars.
export const wrap = (label, width = 16) => {
  const words = text(label).split(/\s+/).filter(Boolean);
  const lines = [];
  for (const word of words) {
    const last = lines.length - 1;
    if (last >= 0 && lines[last].length + 1 + word.length <= width) lines[last] += ` ${word}`;
    else lines.push(word);
  }
  return lines.length > 1 ? lines : text(label);
};
const lineCount = (label) => (Array.isArray(label) ? label.length : 1);

// Horizontal charts grow with their number of rows so every label keeps its own line.
export const fitRows = (canvas, labels) => {
  const box = canvas.closest(".chart-box");
  if (!box || !labels.length) return;
  const lines = Math.max(1, ...labels.map(lineCount));
  const rem = Math.max(16, 4.5 + labels.length * (0.8 + 0.7 * lines));
  box.style.height = `${rem}rem`;
};

export const countAxis = (title) => ({
  beginAtZero: true,
  suggestedMax: 1,
  ticks: { precision: 0 },
  title: { display: Boolean(title), text: title },
});
export const categoryAxis = (extra = {}) => ({
  grid: { display: false },
  ticks: { autoSkip: false, ...extra },
});

// Tooltip title from the original label (the axis may show it wrapped).
export const titleFrom = (labels) => (items) => (items.length ? text(labels[items[0].dataIndex]) : "");

// A simple horizontal bar chart of one series, e.g. activity or triggers. "Not recorded"
// is drawn in options.notRecordedColor.
export const horizontalBars = (canvas, labels, values, options) => {
  const shown = options.axisLabels || labels.map((l) => wrap(l));
  fitRows(canvas, shown);
  return {
    type: "bar",
    data: {
      labels: shown,
      datasets: [
        {
          label: options.label,
          data: values,
          backgroundColor: labels.map((l) => (isNotRecorded(l) ? options.notRecordedColor : options.color)),
          maxBarThickness: 28,
        },
      ],
    },
    options: {
      indexAxis: "y",
      layout: { padding: { right: options.padRight || 0 } },
      scales: { x: options.valueAxis, y: categoryAxis() },
      plugins: {
        legend: { display: false },
        tooltip: { callbacks: { title: titleFrom(labels), label: options.tooltip } },
      },
    },
  };
};

// A chart is drawn when it comes near the screen, not on load: drawing all eight at
// once kept a phone's main thread busy for about half a second before the page
// answered a tap. Each chart's configuration (and its box's height) is set up front,
// so nothing moves when it draws. Printing draws whatever is left.
//
// makeDrawer(Chart, charts, drawn) gives draw(key, build): build(data, canvas) returns
// the configuration for #chart-<key> from charts[key]; the Chart instance goes in
// drawn[key]. Errors are shown in the console (the browser tests fail on it); the
// others still draw.
export const makeDrawer = (Chart, charts, drawn) => {
  const waiting = new Map();
  const drawNow = (canvas) => {
    const make = waiting.get(canvas);
    waiting.delete(canvas);
    if (make) make();
  };
  const nearScreen =
    "IntersectionObserver" in window
      ? new IntersectionObserver(
          (entries) => {
            for (const entry of entries) {
              if (!entry.isIntersecting) continue;
              nearScreen.unobserve(entry.target);
              drawNow(entry.target);
            }
          },
          { rootMargin: "50% 0px" },
        )
      : null;
  window.addEventListener("beforeprint", () => [...waiting.keys()].forEach(drawNow));

  return (key, build) => {
    const canvas = document.getElementById(`chart-${key}`);
    const data = charts[key];
    if (!canvas || !data || data.empty) return;
    let config;
    try {
      config = build(data, canvas);
    } catch (error) {
      console.error(`Chart "${key}" could not be set up:`, error);
      return;
    }
    waiting.set(canvas, () => {
      try {
        drawn[key] = new Chart(canvas, config);
      } catch (error) {
        console.error(`Chart "${key}" could not be drawn:`, error);
      }
    });
    if (nearScreen) nearScreen.observe(canvas);
    else drawNow(canvas);
  };
};
