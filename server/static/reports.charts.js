/* The report's charts (Chart.js, served from /assets/common/vendor): the figures come computed
   from the server in the page's #report-data; this module only draws them. */

import { number } from "./lib/format.js";
import { $ } from "./lib/dom.js";

// The colours are the design tokens' (tokens.css): a canvas cannot use var(--…) itself.
const token = (name) => getComputedStyle(document.documentElement).getPropertyValue(`--${name}`).trim();
// Read once the page's styles apply (setUpCharts), before any chart is drawn.
const C = { series: [], good: "", bad: "", ink: "", label: "" };
function readColours() {
  C.series = [1, 2, 3, 4, 5, 6, 7, 8].map((n) => token(`chart-${n}`));
  C.good = token("chart-good");
  C.bad = token("chart-bad");
  C.ink = token("ink");
  C.label = token("chart-label");
}

// Vertical dashed lines at the standard(s) on the histogram's minute axis.
const standardLines = {
  id: "standardLines",
  afterDatasetsDraw: (chart, args, options) => {
    const lines = options.lines || [];
    const x = chart.scales.x;
    const area = chart.chartArea;
    const ctx = chart.ctx;
    lines.forEach((line) => {
      const left = x.getPixelForValue(line.minutes - 1);
      const right = x.getPixelForValue(line.minutes);
      const px = (left + right) / 2;
      ctx.save();
      ctx.strokeStyle = C.ink;
      ctx.lineWidth = 2;
      ctx.setLineDash([6, 4]);
      ctx.beginPath();
      ctx.moveTo(px, area.top);
      ctx.lineTo(px, area.bottom);
      ctx.stroke();
      ctx.setLineDash([]);
      ctx.font = "bold 12px 'DejaVu Sans', sans-serif";
      ctx.textAlign = "left";
      const y = area.top + 12 + 16 * (line.row || 0);
      const width = ctx.measureText(line.label).width;
      ctx.fillStyle = C.label;
      ctx.fillRect(px + 2, y - 11, width + 6, 15);
      ctx.fillStyle = C.ink;
      ctx.fillText(line.label, px + 5, y);
      ctx.restore();
    });
  },
};

function baseOptions(extra) {
  const options = {
    responsive: true,
    maintainAspectRatio: false,
    animation: false,
    locale: "id-ID", // 1.664 and 12,5 on the axes and in the tooltips, as in the tables
    plugins: { legend: { position: "bottom", labels: { boxWidth: 12 } } },
    scales: {},
  };
  return Object.assign(options, extra || {});
}

/** The legend below, and each bar's or point's value in the tooltip ("A · KUA: 12,5%"). */
function legendAndValues(unit) {
  return {
    legend: { position: "bottom", labels: { boxWidth: 12 } },
    tooltip: { callbacks: { label: (item) => item.dataset.label + ": " + number(item.raw, 1) + unit } },
  };
}

function colourOf(data, code) {
  const index = data.services.findIndex((s) => {
    return s.code === code;
  });
  return C.series[(index < 0 ? 0 : index) % C.series.length];
}

function histogramConfig(data, code) {
  const bins = 31;
  const labels = [];
  for (let i = 0; i < bins; i++) labels.push(i === bins - 1 ? "30+" : String(i));
  const datasets = [];
  const lines = [];
  if (code === "*") {
    data.services.forEach((service) => {
      const counts = data.wait_histogram[service.code];
      if (!counts) return;
      datasets.push({
        label: service.code + " · " + service.name,
        data: counts,
        backgroundColor: colourOf(data, service.code),
      });
    });
    const seen = {};
    data.services.forEach((service) => {
      const m = service.standard_wait_minutes;
      if (!data.wait_histogram[service.code] || seen[m] !== undefined) return;
      seen[m] = Object.keys(seen).length;
      const codes = data.services
        .filter((s) => {
          return s.standard_wait_minutes === m;
        })
        .map((s) => {
          return s.code;
        })
        .join(", ");
      lines.push({ minutes: m, label: "Standar " + m + " mnt (" + codes + ")", row: seen[m] });
    });
  } else {
    const service = data.services.find((s) => {
      return s.code === code;
    });
    const counts = data.wait_histogram[code] || new Array(bins).fill(0);
    const standard = service ? service.standard_wait_minutes : 0;
    datasets.push({
      label: "Dalam standar",
      backgroundColor: C.good,
      data: counts.map((n, i) => {
        return i + 1 <= standard ? n : 0;
      }),
    });
    datasets.push({
      label: "Melebihi standar",
      backgroundColor: C.bad,
      data: counts.map((n, i) => {
        return i + 1 > standard ? n : 0;
      }),
    });
    if (service) lines.push({ minutes: standard, label: "Standar " + standard + " mnt" });
  }
  return {
    type: "bar",
    data: { labels: labels, datasets: datasets },
    options: baseOptions({
      plugins: {
        legend: { position: "bottom", labels: { boxWidth: 12 } },
        standardLines: { lines: lines },
        tooltip: {
          callbacks: {
            title: (items) => {
              return "Tunggu " + items[0].label + " menit";
            },
          },
        },
      },
      scales: {
        x: { stacked: true, title: { display: true, text: "Waktu tunggu (menit)" }, grid: { display: false } },
        y: { stacked: true, beginAtZero: true, title: { display: true, text: "Tiket" }, ticks: { precision: 0 } },
      },
    }),
    plugins: [standardLines],
  };
}

function arrivalsConfig(data) {
  const hours = {};
  Object.keys(data.arrivals).forEach((key) => {
    hours[parseInt(key.split("|")[0], 10)] = true;
  });
  let list = Object.keys(hours)
    .map(Number)
    .sort((a, b) => {
      return a - b;
    });
  if (list.length) {
    const first = list[0],
      last = list[list.length - 1];
    list = [];
    for (let h = first; h <= last; h++) list.push(h);
  }
  const days = Math.max(1, data.open_days);
  const datasets = data.services
    .map((service) => {
      return {
        label: service.code + " · " + service.name,
        backgroundColor: colourOf(data, service.code),
        data: list.map((hour) => {
          return (data.arrivals[hour + "|" + service.code] || 0) / days;
        }),
      };
    })
    .filter((set) => {
      return set.data.some((v) => {
        return v > 0;
      });
    });
  return {
    type: "bar",
    data: {
      labels: list.map((h) => {
        return (h < 10 ? "0" : "") + h + ".00";
      }),
      datasets: datasets,
    },
    options: baseOptions({
      plugins: legendAndValues(""),
      scales: {
        x: { stacked: true, grid: { display: false }, title: { display: true, text: "Jam" } },
        y: {
          stacked: true,
          beginAtZero: true,
          grace: "8%",
          title: { display: true, text: days > 1 ? "Pengunjung per hari" : "Pengunjung" },
        },
      },
    }),
  };
}

function complianceConfig(data, kind) {
  const few = data.buckets.length < 3;
  const datasets = data.services
    .map((service) => {
      const colour = colourOf(data, service.code);
      return {
        label: service.code + " · " + service.name,
        borderColor: colour,
        backgroundColor: colour,
        spanGaps: true,
        tension: 0,
        pointRadius: data.buckets.length > 40 ? 0 : 3,
        data: data.buckets.map((bucket) => {
          const pair = data.compliance[bucket + "|" + service.code];
          return pair && pair[kind] !== null ? Math.round(pair[kind] * 10) / 10 : null;
        }),
      };
    })
    .filter((set) => {
      return set.data.some((v) => {
        return v !== null;
      });
    });
  return {
    type: few ? "bar" : "line",
    data: { labels: data.bucket_labels, datasets: datasets },
    options: baseOptions({
      plugins: legendAndValues("%"),
      scales: {
        x: { grid: { display: false } },
        y: { min: 0, max: 100, title: { display: true, text: "% dalam standar" } },
      },
    }),
  };
}

export function setUpCharts() {
  const source = $("#report-data");
  if (!source || typeof window.Chart === "undefined") return;
  const data = JSON.parse(source.textContent);
  readColours();
  window.Chart.defaults.font.family = token("font");
  window.Chart.defaults.color = C.ink;
  const charts = {};
  function draw(name, config) {
    if (charts[name]) charts[name].destroy();
    const canvas = $('[data-chart="' + name + '"]');
    charts[name] = new window.Chart(canvas, config);
  }
  const serviceSelect = $("[data-histogram-service]");
  const kindSelect = $("[data-compliance-kind]");
  draw("histogram", histogramConfig(data, serviceSelect.value));
  draw("arrivals", arrivalsConfig(data));
  draw("compliance", complianceConfig(data, parseInt(kindSelect.value, 10)));
  serviceSelect.addEventListener("change", () => {
    draw("histogram", histogramConfig(data, serviceSelect.value));
  });
  kindSelect.addEventListener("change", () => {
    draw("compliance", complianceConfig(data, parseInt(kindSelect.value, 10)));
  });
  document.body.dataset.chartsReady = "true";
}
