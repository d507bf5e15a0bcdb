// Draw the Patterns charts from the JSON the server wrote with json_script.
// Runs under a strict CSP: no inline script, no eval; Chart.js 4 needs neither, and it
// only sets styles through the CSSOM. Without this script (or without Chart.js) each
// chart's "Show as table" still gives every number; the tables are also the text
// alternative for screen readers. Chart instances are kept in window.crampCharts
// (memory only; nothing is stored in the browser).
(() => {
  "use strict";

  const source = document.getElementById("chart-data");
  const { Chart } = window;
  if (!source || typeof Chart !== "function") return;
  const charts = JSON.parse(source.textContent) || {};
  window.crampCharts = {};

  // Okabe–Ito, safe for the common colour-vision deficiencies. Yellow and sky are too
  // pale on white for a bar on its own, so they are not used alone.
  const BLUE = "#0072B2";
  const ORANGE = "#E69F00";
  const GREEN = "#009E73";
  const PINK = "#CC79A7";
  const VERMILLION = "#D55E00";
  const GREY = "#8a8a8a";

  const lang = document.documentElement.lang || undefined;
  const numberFmt = new Intl.NumberFormat(lang, { maximumFractionDigits: 1 });
  const helpFmt = new Intl.NumberFormat(lang, { maximumFractionDigits: 2 });
  const shortDate = new Intl.DateTimeFormat(lang, { day: "numeric", month: "short", timeZone: "UTC" });
  const longDate = new Intl.DateTimeFormat(lang, {
    day: "numeric",
    month: "short",
    year: "numeric",
    timeZone: "UTC",
  });

  const bodyStyle = getComputedStyle(document.body);
  Chart.defaults.font.family = bodyStyle.fontFamily;
  Chart.defaults.color = bodyStyle.color || "#212529";
  Chart.defaults.animation = false;
  Chart.defaults.maintainAspectRatio = false;
  Chart.defaults.plugins.legend.labels.boxWidth = 14;

  // Payload helpers: anything missing or not a number becomes null, never an exception.
  const list = (value) => (Array.isArray(value) ? value : []);
  const num = (value) => (typeof value === "number" && Number.isFinite(value) ? value : null);
  const numbers = (value, length) => {
    const out = list(value).map(num);
    while (length !== undefined && out.length < length) out.push(null);
    return length === undefined ? out : out.slice(0, length);
  };
  const text = (value) => (value === null || value === undefined ? "" : String(value));
  const plural = (n, one, many) => `${numberFmt.format(n)} ${n === 1 ? one : many}`;
  const isNotRecorded = (label) => /^not recorded$/i.test(text(label));

  const parseDay = (iso) => {
    const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text(iso));
    return match ? new Date(Date.UTC(+match[1], +match[2] - 1, +match[3])) : null;
  };

  // Long category names on a narrow phone: break them over lines of about `width` chars.
  const wrap = (label, width = 16) => {
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
  const fitRows = (canvas, labels) => {
    const box = canvas.closest(".chart-box");
    if (!box || !labels.length) return;
    const lines = Math.max(1, ...labels.map(lineCount));
    const rem = Math.max(16, 4.5 + labels.length * (0.8 + 0.7 * lines));
    box.style.height = `${rem}rem`;
  };

  const countAxis = (title) => ({
    beginAtZero: true,
    suggestedMax: 1,
    ticks: { precision: 0 },
    title: { display: Boolean(title), text: title },
  });
  const categoryAxis = (extra = {}) => ({
    grid: { display: false },
    ticks: { autoSkip: false, ...extra },
  });

  // Tooltip title from the original label (the axis may show it wrapped).
  const titleFrom = (labels) => (items) => (items.length ? text(labels[items[0].dataIndex]) : "");

  // A chart is drawn when it comes near the screen, not on load: drawing all eight at
  // once kept a phone's main thread busy for about half a second before the page
  // answered a tap. Each chart's configuration (and its box's height) is set up front,
  // so nothing moves when it draws. Printing draws whatever is left.
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

  // Errors are shown in the console (the browser tests fail on it); the others still draw.
  const draw = (key, build) => {
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
        window.crampCharts[key] = new Chart(canvas, config);
      } catch (error) {
        console.error(`Chart "${key}" could not be drawn:`, error);
      }
    });
    if (nearScreen) nearScreen.observe(canvas);
    else drawNow(canvas);
  };

  // A simple horizontal bar chart of one series, e.g. activity or triggers.
  const horizontalBars = (canvas, labels, values, options) => {
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
            backgroundColor: labels.map((l) => (isNotRecorded(l) ? GREY : options.color)),
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

  draw("weekly", (data) => {
    const weeks = list(data.labels).map(text);
    const episodes = numbers(data.episodes, weeks.length);
    const intensity = numbers(data.intensity, weeks.length);
    // The first and last weeks may lie partly outside the range and so look low.
    const days = numbers(data.days, weeks.length);
    return {
      type: "bar",
      data: {
        labels: weeks.map((w) => {
          const day = parseDay(w);
          return day ? shortDate.format(day) : w;
        }),
        datasets: [
          {
            label: "Episodes",
            data: episodes,
            yAxisID: "y",
            backgroundColor: BLUE,
            maxBarThickness: 32,
            order: 2,
          },
          {
            type: "line",
            label: "Average intensity (0–10)",
            data: intensity,
            yAxisID: "intensity",
            borderColor: VERMILLION,
            backgroundColor: VERMILLION,
            borderWidth: 2,
            pointRadius: 3,
            pointStyle: "rectRot",
            spanGaps: false,
            order: 1,
          },
        ],
      },
      options: {
        interaction: { mode: "index", intersect: false },
        scales: {
          x: { grid: { display: false }, ticks: { maxRotation: 0, autoSkipPadding: 8 } },
          y: countAxis("Episodes"),
          intensity: {
            position: "right",
            min: 0,
            max: 10,
            ticks: { stepSize: 2 },
            grid: { drawOnChartArea: false },
            title: { display: true, text: "Intensity" },
          },
        },
        plugins: {
          legend: { labels: { sort: (a, b) => a.datasetIndex - b.datasetIndex } },
          tooltip: {
            callbacks: {
              title: (items) => {
                if (!items.length) return "";
                const day = parseDay(weeks[items[0].dataIndex]);
                return `Week of ${day ? longDate.format(day) : weeks[items[0].dataIndex]}`;
              },
              footer: (items) => {
                const n = items.length ? days[items[0].dataIndex] : null;
                if (n === null || n >= 7) return "";
                return `Only ${plural(n, "day", "days")} of this week ${n === 1 ? "is" : "are"} in the range`;
              },
              label: (item) => {
                if (item.dataset.yAxisID === "intensity") {
                  const v = num(item.raw);
                  return v === null ? "Average intensity: –" : `Average intensity: ${numberFmt.format(v)}/10`;
                }
                return `Episodes: ${numberFmt.format(num(item.raw) ?? 0)}`;
              },
            },
          },
        },
      },
    };
  });

  // Horizontal, shortest at the top: the range labels stay whole on a 360px phone.
  draw("duration", (data, canvas) => {
    const labels = list(data.labels).map(text);
    return horizontalBars(canvas, labels, numbers(data.counts, labels.length), {
      label: "Episodes",
      color: BLUE,
      valueAxis: countAxis("Episodes"),
      tooltip: (item) => plural(num(item.raw) ?? 0, "episode", "episodes"),
    });
  });

  draw("regions", (data, canvas) => {
    const labels = list(data.labels).map(text);
    const colours = [BLUE, ORANGE, GREEN, PINK, VERMILLION];
    let sides = list(data.sides).map((side, i) => ({
      label: text(side && side.side),
      data: numbers(side && side.counts, labels.length),
      backgroundColor: colours[i % colours.length],
      borderColor: "#fff",
      borderWidth: 1,
      maxBarThickness: 28,
    }));
    // A side nobody used would only add an empty legend entry.
    const used = sides.filter((s) => s.data.some((n) => n));
    if (used.length) sides = used;
    const wrapped = labels.map((l) => wrap(l));
    fitRows(canvas, wrapped);
    return {
      type: "bar",
      data: { labels: wrapped, datasets: sides },
      options: {
        indexAxis: "y",
        interaction: { mode: "index", intersect: false },
        scales: {
          x: { ...countAxis("Episodes"), stacked: true },
          y: { ...categoryAxis(), stacked: true },
        },
        plugins: {
          tooltip: {
            filter: (item) => Boolean(num(item.raw)),
            callbacks: {
              title: titleFrom(labels),
              label: (item) => `${item.dataset.label}: ${numberFmt.format(num(item.raw) ?? 0)}`,
              footer: (items) => {
                if (!items.length) return "";
                const i = items[0].dataIndex;
                const total = sides.reduce((sum, s) => sum + (s.data[i] || 0), 0);
                return `Total: ${plural(total, "episode", "episodes")}`;
              },
            },
          },
        },
      },
    };
  });

  draw("hours", (data) => {
    const labels = list(data.labels).map(text);
    const counts = numbers(data.counts, labels.length);
    // Night as the server counts it: 22:00 to 05:59 local time.
    const night = labels.map((h) => {
      const hour = Number.parseInt(h, 10);
      return hour >= 22 || hour < 6;
    });
    return {
      type: "bar",
      data: {
        labels,
        datasets: [
          {
            label: "Night (22:00–06:00)",
            data: counts.map((n, i) => (night[i] ? n : null)),
            backgroundColor: BLUE,
            grouped: false,
          },
          {
            label: "Day",
            data: counts.map((n, i) => (night[i] ? null : n)),
            backgroundColor: ORANGE,
            grouped: false,
          },
        ],
      },
      options: {
        scales: {
          x: {
            grid: { display: false },
            ticks: { maxRotation: 0, autoSkipPadding: 6 },
            title: { display: true, text: "Hour the cramp began" },
          },
          y: countAxis("Episodes"),
        },
        plugins: {
          tooltip: {
            filter: (item) => item.raw !== null,
            callbacks: {
              title: (items) => {
                if (!items.length) return "";
                const h = labels[items[0].dataIndex];
                return `${h}:00–${h}:59`;
              },
              label: (item) => plural(num(item.raw) ?? 0, "episode", "episodes"),
            },
          },
        },
      },
    };
  });

  draw("activity", (data, canvas) => {
    const labels = list(data.labels).map(text);
    return horizontalBars(canvas, labels, numbers(data.counts, labels.length), {
      label: "Episodes",
      color: BLUE,
      valueAxis: countAxis("Episodes"),
      tooltip: (item) => plural(num(item.raw) ?? 0, "episode", "episodes"),
    });
  });

  draw("triggers", (data, canvas) => {
    const labels = list(data.labels).map(text);
    return horizontalBars(canvas, labels, numbers(data.counts, labels.length), {
      label: "Times marked",
      color: VERMILLION,
      valueAxis: countAxis("Times marked"),
      tooltip: (item) => `Marked ${plural(num(item.raw) ?? 0, "time", "times")}`,
    });
  });

  draw("relief", (data, canvas) => {
    const labels = list(data.labels).map(text);
    const tried = numbers(data.tried, labels.length);
    const words = { 0: "none", 1: "some", 2: "a lot" };
    return horizontalBars(canvas, labels, numbers(data.average, labels.length), {
      label: "Average help",
      color: GREEN,
      // How often each was tried, beside its name: an average of one try is not much.
      axisLabels: labels.map((l, i) =>
        tried[i] === null ? wrap(l) : [wrap(l)].flat().concat(`tried ${plural(tried[i], "time", "times")}`),
      ),
      padRight: 24,
      valueAxis: {
        min: 0,
        max: 2,
        ticks: {
          stepSize: 1,
          callback: (value) => (value in words ? `${value} ${words[value]}` : ""),
        },
        title: { display: true, text: "Average help" },
      },
      tooltip: (item) => {
        const v = num(item.raw);
        const n = tried[item.dataIndex];
        return [
          `Average help: ${v === null ? "–" : helpFmt.format(v)} (0 none – 2 a lot)`,
          `Tried ${n === null ? "–" : plural(n, "time", "times")}`,
        ];
      },
    });
  });

  // Fluid, exercise and sleep have different units, so each measure gets its own scale:
  // within a measure the longer bar is 100% and the real averages are written beside
  // the bars (and in the tooltip). The value axis is hidden because it has no unit.
  draw("days", (data, canvas) => {
    const labels = list(data.labels).map(text);
    const units = labels.map((l) => (/\(([^)]+)\)\s*$/.exec(l) || [])[1] || "");
    const names = labels.map((l) => l.replace(/\s*\([^)]*\)\s*$/, ""));
    const cramp = numbers(data.cramp, labels.length);
    const free = numbers(data.free, labels.length);
    const scale = labels.map((_, i) => Math.max(Math.abs(cramp[i] ?? 0), Math.abs(free[i] ?? 0)));
    const relative = (values) =>
      values.map((v, i) => (v === null ? null : scale[i] ? (Math.abs(v) / scale[i]) * 100 : 0));
    const real = [cramp, free];
    const shown = (v, i) => (v === null ? "no data" : `${numberFmt.format(v)} ${units[i]}`.trim());
    // How many days each average rests on: a check-in need not record every measure.
    const counts = [numbers(data.cramp_n, labels.length), numbers(data.free_n, labels.length)];
    const crampDays = num(data.cramp_days);
    const freeDays = num(data.free_days);

    const valueLabels = {
      id: "cjValueLabels",
      afterDatasetsDraw(chart) {
        const { ctx } = chart;
        ctx.save();
        ctx.font = `${Chart.defaults.font.size}px ${Chart.defaults.font.family}`;
        ctx.fillStyle = Chart.defaults.color;
        ctx.textBaseline = "middle";
        chart.data.datasets.forEach((_, d) => {
          if (!chart.isDatasetVisible(d)) return;
          chart.getDatasetMeta(d).data.forEach((bar, i) => {
            const x = Number.isFinite(bar.x) ? bar.x : chart.chartArea.left;
            if (Number.isFinite(bar.y)) ctx.fillText(shown(real[d][i], i), x + 4, bar.y);
          });
        });
        ctx.restore();
      },
    };

    // Room on the right for the widest value written beside its bar.
    const context = canvas.getContext("2d");
    context.font = `${Chart.defaults.font.size}px ${Chart.defaults.font.family}`;
    const widest = Math.max(
      0,
      ...real.flatMap((values) => values.map((v, i) => context.measureText(shown(v, i)).width)),
    );
    fitRows(canvas, labels.concat(labels));
    return {
      type: "bar",
      data: {
        labels: names,
        datasets: [
          {
            label: crampDays === null ? "Cramp days" : `Cramp days (${crampDays})`,
            data: relative(cramp),
            backgroundColor: VERMILLION,
            maxBarThickness: 22,
          },
          {
            label: freeDays === null ? "Cramp-free days" : `Cramp-free days (${freeDays})`,
            data: relative(free),
            backgroundColor: BLUE,
            maxBarThickness: 22,
          },
        ],
      },
      plugins: [valueLabels],
      options: {
        indexAxis: "y",
        layout: { padding: { right: Math.ceil(widest) + 8 } },
        scales: {
          x: { display: false, min: 0, max: 100 },
          y: categoryAxis(),
        },
        plugins: {
          tooltip: {
            callbacks: {
              title: (items) => (items.length ? `${names[items[0].dataIndex]}, average per day` : ""),
              label: (item) => {
                const group = item.datasetIndex === 0 ? "Cramp days" : "Cramp-free days";
                const n = counts[item.datasetIndex][item.dataIndex];
                const over = n === null ? "" : ` (over ${plural(n, "day", "days")})`;
                return `${group}: ${shown(real[item.datasetIndex][item.dataIndex], item.dataIndex)}${over}`;
              },
            },
          },
        },
      },
    };
  });
})();
