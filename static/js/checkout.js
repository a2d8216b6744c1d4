/* The payment step: Stripe.js collects the card (it never touches Magpie), confirms the
   checkout's SetupIntent, then asks Magpie to charge it. 3-D Secure is finished in Stripe.js. */
(function () {
  "use strict";
  var form = document.getElementById("payment-form");
  var configNode = document.getElementById("stripe-config");
  if (!form || !configNode || typeof Stripe === "undefined") { return; }
  var config = JSON.parse(configNode.textContent);
  var stripe = Stripe(config.publishableKey);
  var card = stripe.elements().create("card");
  card.mount("#card-element");
  var button = document.getElementById("pay-button");
  var message = document.getElementById("payment-message");
  var csrf = (document.cookie.match(/(?:^|; )csrftoken=([^;]+)/) || [])[1] || "";

  function fail(text) {
    message.textContent = text || "The payment did not go through. Please try again.";
    button.disabled = false;
  }

  function post(url) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": decodeURIComponent(csrf), "Accept": "application/json" }
    }).then(function (response) { return response.json(); });
  }

  function handle(result) {
    if (result.status === "paid" || result.status === "pending") {
      window.location.assign(result.redirect);
    } else if (result.status === "requires_action") {
      stripe.confirmCardPayment(result.client_secret).then(function (answer) {
        if (answer.error) { fail(answer.error.message); return; }
        post(config.confirmUrl).then(handle, function () { fail(); });
      });
    } else {
      // A refused card needs a fresh SetupIntent: reload the step to get one.
      fail(result.message);
      if (result.field === "payment_method") { setTimeout(function () { window.location.reload(); }, 2500); }
    }
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    button.disabled = true;
    message.textContent = "";
    stripe.confirmCardSetup(config.clientSecret, { payment_method: { card: card } }).then(function (answer) {
      if (answer.error) { fail(answer.error.message); return; }
      post(config.payUrl).then(handle, function () { fail(); });
    });
  });
})();
