/* Staff dashboard charts. Data comes from the page (json_script), drawn with Chart.js 4. */
(function () {
  "use strict";
  var source = document.getElementById("dashboard-chart-data");
  if (!source || typeof Chart === "undefined") {
    return;
  }
  var data = JSON.parse(source.textContent);
  var colors = {
    confirmed: "#4f46e5",
    completed: "#16a34a",
    pending: "#f59e0b",
    cancelled: "#dc2626",
    no_show: "#9ca3af",
    fees: "#4f46e5",
    topups: "#0ea5e9"
  };
  var common = {
    responsive: true,
    maintainAspectRatio: false,
    interaction: { mode: "index", intersect: false },
    plugins: { legend: { position: "bottom", labels: { boxWidth: 12 } } }
  };

  var bookings = document.getElementById("bookings-chart");
  if (bookings) {
    new Chart(bookings, {
      type: "bar",
      data: {
        labels: data.labels,
        datasets: ["completed", "confirmed", "pending", "cancelled", "no_show"].map(function (key) {
          return {
            label: data.text[key],
            data: data.bookings[key],
            backgroundColor: colors[key],
            stack: "bookings"
          };
        })
      },
      options: Object.assign({}, common, {
        scales: {
          x: { stacked: true, ticks: { maxRotation: 0, autoSkipPadding: 12 } },
          y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } }
        }
      })
    });
  }

  var revenue = document.getElementById("revenue-chart");
  if (revenue) {
    var rupees = new Intl.NumberFormat("en-IN", { style: "currency", currency: "INR" });
    var wholeRupees = new Intl.NumberFormat("en-IN", {
      style: "currency",
      currency: "INR",
      maximumFractionDigits: 0
    });
    var money = function (value) { return rupees.format(value); };
    var axisMoney = function (value) { return wholeRupees.format(value); };
    var wide = !window.matchMedia("(max-width: 575.98px)").matches;
    new Chart(revenue, {
      data: {
        labels: data.labels,
        datasets: [
          {
            type: "line",
            label: data.text.fees,
            data: data.fees.map(Number),
            borderColor: colors.fees,
            backgroundColor: colors.fees,
            cubicInterpolationMode: "monotone",
            pointRadius: 2,
            yAxisID: "fees",
            order: 0
          },
          {
            type: "bar",
            label: data.text.topups,
            data: data.topups.map(Number),
            backgroundColor: "rgba(14, 165, 233, 0.45)",
            yAxisID: "topups",
            order: 1
          }
        ]
      },
      options: Object.assign({}, common, {
        scales: {
          x: { ticks: { maxRotation: 0, autoSkipPadding: 12 } },
          fees: {
            position: "left",
            beginAtZero: true,
            title: { display: wide, text: data.text.fees },
            suggestedMax: 10,
            ticks: { callback: axisMoney, precision: 0 }
          },
          topups: {
            position: "right",
            beginAtZero: true,
            grid: { drawOnChartArea: false },
            title: { display: wide, text: data.text.topups },
            suggestedMax: 100,
            ticks: { callback: axisMoney, precision: 0 }
          }
        },
        plugins: Object.assign({}, common.plugins, {
          tooltip: {
            callbacks: {
              label: function (ctx) { return ctx.dataset.label + ": " + money(ctx.parsed.y); }
            }
          }
        })
      })
    });
  }
})();
