// Booking pages: mark the picked day when htmx loads its free times in place.
document.addEventListener("click", function (event) {
  var cell = event.target.closest("[data-day-cell]");
  if (!cell) return;
  document.querySelectorAll("[data-day-cell]").forEach(function (other) {
    other.classList.remove("btn-primary");
    other.classList.add("btn-outline-primary");
    other.removeAttribute("aria-current");
  });
  cell.classList.remove("btn-outline-primary");
  cell.classList.add("btn-primary");
  cell.setAttribute("aria-current", "date");
});
