// Spends the one-time enrolment token in this page's address and keeps the kiosk credential
// it is exchanged for; then opens the kiosk. Runs only in a real browser: a link preview that
// fetches the page without running scripts spends nothing.
import * as store from "./store.js";

const main = document.getElementById("enrol");
const texts = JSON.parse(document.getElementById("kiosk-texts").textContent);
const message = document.getElementById("enrol-message");

function say(name) {
  message.textContent = `${texts.id[name]} / ${texts.en[name]}`;
}

async function enrol() {
  let response;
  try {
    response = await fetch(main.dataset.enrol, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ token: main.dataset.token }),
      credentials: "omit",
      cache: "no-store",
    });
  } catch {
    say("enrol_offline");
    return;
  }
  if (!response.ok) {
    main.dataset.failed = "1";
    say("enrol_failed");
    return;
  }
  const data = await response.json();
  // Answers still queued belong to the kiosk this browser was before: not to this counter.
  await store.clearOutbox();
  await store.setMeta("key", data.key);
  await store.setMeta("config", data.config);
  await store.setMeta("revoked", false);
  location.replace(main.dataset.next);
}

enrol();
