// A survey form that the back-forward cache brings back may hold what the previous person on a
// shared device typed, and a spent one-time token: hide it and load a fresh, empty form instead.
// The form works without this script; the server side (autocomplete="off", a new session cookie
// after each submission) already keeps Chromium from restoring it after a submission.
"use strict";
window.addEventListener("pageshow", function (event) {
  if (!event.persisted || !document.querySelector("form[data-fresh-form]")) {
    return;
  }
  document.body.hidden = true;
  // A GET of the page's own address (without #fragment): never a re-post of an earlier answer.
  window.location.replace(window.location.href.split("#")[0]);
});
