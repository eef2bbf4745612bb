// Booking pages: mark the picked day when htmx loads its free times in place, then move focus
// (and the scroll position) to those times, so a phone user sees them and a screen reader
// announces their heading. Without JavaScript the day links open ?date=…#times instead.
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

document.body.addEventListener("htmx:afterSwap", function (event) {
  if (!event.detail.target || event.detail.target.id !== "slots") return;
  var heading = document.getElementById("times");
  if (!heading) return;
  heading.focus({ preventScroll: true });
  heading.scrollIntoView({ block: "start" });
});
