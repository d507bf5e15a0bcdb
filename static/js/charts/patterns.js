// Draw the Patterns charts from the JSON the server wrote with json_script: the series in
// #chart-data, the colours in #chart-palette (journal.palette, which the report's SVG
// charts use too; no colour is written here).
// Runs under a strict CSP: no inline script, no eval; Chart.js 4 needs neither, and it
// only sets styles through the CSSOM. Chart.js is its UMD build, loaded before this
// module with a classic deferred script, so it is read from window.Chart. Without this
// script (or without Chart.js) each chart's "Show as table" still gives every number;
// the tables are also the text alternative for screen readers. Chart instances are kept
// in window.crampCharts (memory only; nothing is stored in the browser).
import {
  categoryAxis,
  countAxis,
  fitRows,
  forPage,
  helpFmt,
  horizontalBars,
  list,
  longDate,
  makeDrawer,
  monthYear,
  num,
  numberFmt,
  numbers,
  parseDay,
  plural,
  readJson,
  setDefaults,
  shortDate,
  text,
  titleFrom,
  wrap,
} from "./helpers.js";

const { Chart } = window;

if (document.getElementById("chart-data") && typeof Chart === "function") {
  const charts = readJson("chart-data") || {};
  const palette = readJson("chart-palette");
  if (!palette) console.error("#chart-palette is missing: the charts have no colours.");
  window.crampCharts = {};
  drawAll(Chart, charts, palette || {}, window.crampCharts);
}

function drawAll(Chart, charts, palette, drawn) {
  const colours = forPage(palette);
  const { blue, orange, green, pink, vermillion, grey, edge } = colours;
  setDefaults(Chart, colours);
  const draw = makeDrawer(Chart, charts, drawn);
  const bars = (canvas, labels, values, options) =>
    horizontalBars(canvas, labels, values, { notRecordedColor: grey, ...options });

  // Per day, week or month, as the server chose for the range's length (data.bucket).
  draw("over_time", (data) => {
    const starts = list(data.labels).map(text);
    const episodes = numbers(data.episodes, starts.length);
    const intensity = numbers(data.intensity, starts.length);
    // The first and last buckets may lie partly outside the range and so look low.
    const days = numbers(data.days, starts.length);
    const length = numbers(data.length, starts.length);
    const bucket = text(data.bucket);
    const short = (s) => {
      const day = parseDay(s);
      if (!day) return s;
      return bucket === "month" ? monthYear.format(day) : shortDate.format(day);
    };
    const heading = { day: "", week: "Week of ", month: "" }[bucket] ?? "";
    return {
      type: "bar",
      data: {
        labels: starts.map(short),
        datasets: [
          {
            label: "Episodes",
            data: episodes,
            yAxisID: "y",
            backgroundColor: blue,
            maxBarThickness: 32,
            order: 2,
          },
          {
            type: "line",
            label: "Average intensity (0–10)",
            data: intensity,
            yAxisID: "intensity",
            borderColor: vermillion,
            backgroundColor: vermillion,
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
                const start = starts[items[0].dataIndex];
                const day = parseDay(start);
                if (!day) return start;
                return bucket === "month" ? monthYear.format(day) : `${heading}${longDate.format(day)}`;
              },
              footer: (items) => {
                const i = items.length ? items[0].dataIndex : null;
                const n = i === null ? null : days[i];
                if (n === null || n >= length[i]) return "";
                return `Only ${plural(n, "day", "days")} of this ${bucket} ${n === 1 ? "is" : "are"} in the range`;
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

  // One count per label, as horizontal bars: the labels stay whole on a 360px phone
  // (duration's shortest range at the top). Only the words and the colour differ.
  const countCharts = {
    duration: { label: "Episodes", color: blue, say: (n) => plural(n, "episode", "episodes") },
    activity: { label: "Episodes", color: blue, say: (n) => plural(n, "episode", "episodes") },
    triggers: { label: "Times marked", color: vermillion, say: (n) => `Marked ${plural(n, "time", "times")}` },
  };
  for (const [id, { label, color, say }] of Object.entries(countCharts)) {
    draw(id, (data, canvas) => {
      const labels = list(data.labels).map(text);
      return bars(canvas, labels, numbers(data.counts, labels.length), {
        label,
        color,
        valueAxis: countAxis(label),
        tooltip: (item) => say(num(item.raw) ?? 0),
      });
    });
  }

  draw("regions", (data, canvas) => {
    const labels = list(data.labels).map(text);
    const sideColours = [blue, orange, green, pink, vermillion];
    let sides = list(data.sides).map((side, i) => ({
      label: text(side && side.side),
      data: numbers(side && side.counts, labels.length),
      backgroundColor: sideColours[i % sideColours.length],
      borderColor: edge,
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
    // Night as the server counts it (journal.patterns.stats.NIGHT_HOURS), sent with the data.
    const nightHours = new Set(numbers(data.night_hours, list(data.night_hours).length));
    const night = labels.map((h) => nightHours.has(Number.parseInt(h, 10)));
    return {
      type: "bar",
      data: {
        labels,
        datasets: [
          {
            label: `Night (${text(data.night_span)})`,
            data: counts.map((n, i) => (night[i] ? n : null)),
            backgroundColor: blue,
            grouped: false,
          },
          {
            label: "Day",
            data: counts.map((n, i) => (night[i] ? null : n)),
            backgroundColor: orange,
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

  draw("relief", (data, canvas) => {
    const labels = list(data.labels).map(text);
    const tried = numbers(data.tried, labels.length);
    const words = { 0: "none", 1: "some", 2: "a lot" };
    return bars(canvas, labels, numbers(data.average, labels.length), {
      label: "Average help",
      color: green,
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

  // How many times as many cramps a day with each factor as without: the interval as a
  // floating bar on a log scale (1 = no difference), the ratio as a point on it. A
  // factor without enough days has neither; an interval with no upper end reaches the
  // axis' edge. The verdicts are the server's (journal.patterns.insights.verdict).
  draw("comparisons", (data, canvas) => {
    const labels = list(data.labels).map(text);
    const ratio = numbers(data.ratio, labels.length);
    const low = numbers(data.low, labels.length);
    const high = numbers(data.high, labels.length);
    const verdict = list(data.verdict).map(text);
    // The tooltip's numbers are the server's words, rounded once from the exact values
    // (journal.patterns.insights): the numbers above only place the marks.
    const times = list(data.times).map(text);
    const between = list(data.between).map(text);
    const finite = [...ratio, ...low, ...high].filter((v) => v !== null && v > 0);
    const ceiling = Math.max(4, ...finite.map((v) => v * 1.5));
    const floor = Math.min(0.25, ...finite.map((v) => v / 1.5));
    const ranges = labels.map((_, i) =>
      low[i] === null ? null : [Math.max(low[i], floor), high[i] === null ? ceiling : high[i]],
    );
    fitRows(canvas, labels);
    return {
      type: "bar",
      data: {
        labels,
        datasets: [
          {
            label: "Likely range",
            data: ranges,
            backgroundColor: blue,
            maxBarThickness: 14,
            order: 2,
          },
          {
            type: "line",
            label: "Times as many",
            data: ratio.map((v) => (v === null ? null : Math.max(v, floor))),
            showLine: false,
            pointStyle: "rectRot",
            pointRadius: 6,
            backgroundColor: vermillion,
            borderColor: edge,
            order: 1,
          },
        ],
      },
      options: {
        indexAxis: "y",
        scales: {
          x: {
            type: "logarithmic",
            min: floor,
            max: ceiling,
            title: { display: true, text: "Times as many cramps a day (1 = no difference)" },
          },
          y: categoryAxis(),
        },
        plugins: {
          tooltip: {
            callbacks: {
              title: titleFrom(labels),
              label: (item) => {
                const i = item.dataIndex;
                if (ratio[i] === null || !times[i]) return verdict[i];
                return [`${times[i]} times as many`, `Likely between ${between[i]}`, verdict[i]];
              },
            },
            filter: (item) => item.datasetIndex === 1 || ratio[item.dataIndex] === null,
          },
        },
      },
    };
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
            backgroundColor: vermillion,
            maxBarThickness: 22,
          },
          {
            label: freeDays === null ? "Cramp-free days" : `Cramp-free days (${freeDays})`,
            data: relative(free),
            backgroundColor: blue,
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
}
