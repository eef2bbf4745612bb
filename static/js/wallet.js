/* Wallet pages: quick amounts, Razorpay Checkout, TEST MODE return. No inline scripts (CSP). */
(function () {
  "use strict";
  // Django's JavaScript catalogue (i18n/js/, locale/*/LC_MESSAGES/djangojs.po) defines
  // gettext(); without it the English text is shown.
  var _ = typeof window.gettext === "function" ? window.gettext : function (text) { return text; };

  // Add money: preset buttons fill the amount field.
  document.querySelectorAll("[data-amount-preset]").forEach(function (button) {
    button.addEventListener("click", function () {
      var input = document.querySelector("#topup-form input[name=amount]");
      if (input) {
        input.value = button.getAttribute("data-amount-preset");
        input.focus();
      }
    });
  });

  // TEST MODE: carry the signed result back to our callback, as Razorpay's Checkout does.
  document.querySelectorAll("form[data-autosubmit]").forEach(function (form) {
    window.setTimeout(function () { form.submit(); }, 400);
  });

  // Razorpay Checkout: open it for our stored order; post the signed result to the callback
  // through our own form so the CSRF token travels with it.
  var opener = document.getElementById("rzp-open");
  if (!opener || typeof window.Razorpay !== "function") {
    if (opener) {
      opener.disabled = true;
      var missing = document.getElementById("rzp-error");
      if (missing) {
        missing.textContent = _(
          "The payment window could not load. Check your connection and reload the page."
        );
        missing.classList.remove("d-none");
      }
    }
    return;
  }
  var data = opener.dataset;
  var callback = document.getElementById("rzp-callback");
  var errorBox = document.getElementById("rzp-error");
  var checkout = new window.Razorpay({
    key: data.key,
    amount: data.amount,
    currency: data.currency,
    order_id: data.orderId,
    name: data.name,
    description: data.description,
    prefill: { name: data.prefillName, email: data.prefillEmail, contact: data.prefillContact },
    theme: { color: "#4f46e5" },
    handler: function (response) {
      callback.elements.razorpay_order_id.value = response.razorpay_order_id;
      callback.elements.razorpay_payment_id.value = response.razorpay_payment_id;
      callback.elements.razorpay_signature.value = response.razorpay_signature;
      opener.disabled = true;
      callback.submit();
    }
  });
  checkout.on("payment.failed", function (response) {
    if (errorBox) {
      var reason = response && response.error && response.error.description;
      errorBox.textContent =
        (reason ? reason + " " : "") + _("The payment did not go through. You can try again.");
      errorBox.classList.remove("d-none");
    }
  });
  opener.addEventListener("click", function () { checkout.open(); });
  checkout.open();
})();
