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
        datasets: ["completed", "confirmed", "pending", "cancelled"].map(function (key) {
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
    new Chart(revenue, {
      type: "line",
      data: {
        labels: data.labels,
        datasets: ["fees", "topups"].map(function (key) {
          return {
            label: data.text[key],
            data: data[key].map(Number),
            borderColor: colors[key],
            backgroundColor: colors[key],
            tension: 0.25,
            pointRadius: 2
          };
        })
      },
      options: Object.assign({}, common, {
        scales: {
          x: { ticks: { maxRotation: 0, autoSkipPadding: 12 } },
          y: {
            beginAtZero: true,
            ticks: { callback: function (value) { return rupees.format(value); } }
          }
        },
        plugins: Object.assign({}, common.plugins, {
          tooltip: {
            callbacks: {
              label: function (ctx) { return ctx.dataset.label + ": " + rupees.format(ctx.parsed.y); }
            }
          }
        })
      })
    });
  }
})();
