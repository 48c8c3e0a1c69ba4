// The counter kiosk: one large face-and-word button per answer, no typing, no way back to the
// previous person's answers. Finished surveys go to the IndexedDB outbox first and are sent
// from there, each with a random id the server stores UNIQUE, so a resend never stores twice.
import * as store from "./store.js";

const root = document.getElementById("kiosk");
const TEXTS = JSON.parse(document.getElementById("kiosk-texts").textContent);
const PROFILE = ["jenis_kelamin", "pendidikan", "pekerjaan"];
const RETRY_MS = 5000;
const HELLO_MS = 30000;
const $ = (id) => document.getElementById(id);

let lang = "id";
let key = null;
let config = null;
let state = null; // the current respondent: {survey, question, answers, profile}
let revoked = false;
let idleTimer = null;
let thanksTimer = null;
let retryTimer = null;
let sending = false;
let sendAgain = false;

function t(name, params = {}) {
  let text = (TEXTS[lang] && TEXTS[lang][name]) || TEXTS.id[name] || name;
  for (const [k, v] of Object.entries(params)) text = text.replace(`%(${k})s`, String(v));
  return text;
}

function show(name) {
  for (const screen of root.querySelectorAll("section.screen")) {
    screen.hidden = screen.id !== `screen-${name}`;
  }
  root.dataset.screen = name;
  const heading = $(`screen-${name}`).querySelector("h1[tabindex]");
  if (heading) heading.focus({ preventScroll: true });
}

function applyTexts() {
  document.documentElement.lang = lang;
  for (const el of root.querySelectorAll("[data-text]")) el.textContent = t(el.dataset.text);
  document.title = t("title");
  const other = $("switch-lang");
  other.textContent = TEXTS[lang].switch;
  other.lang = TEXTS[lang].switch_lang;
  if (config) $("start-place").textContent = [config.unit, config.service, config.counter]
    .filter(Boolean).join(" · ");
}

// A face drawn from circles and one curve: frowning for the lowest answer, smiling for the
// highest, whatever the scale's length.
function face(index, count) {
  const ns = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("viewBox", "0 0 64 64");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("focusable", "false");
  svg.classList.add("face");
  const part = (tag, attrs, cls) => {
    const el = document.createElementNS(ns, tag);
    for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
    el.classList.add(cls);
    svg.append(el);
  };
  const bend = count > 1 ? -14 + (28 * index) / (count - 1) : 0;
  part("circle", { cx: 32, cy: 32, r: 29 }, "head");
  part("circle", { cx: 22, cy: 25, r: 4 }, "eye");
  part("circle", { cx: 42, cy: 25, r: 4 }, "eye");
  part("path", { d: `M18 44 Q32 ${44 + bend} 46 44` }, "mouth");
  return svg;
}

function tone(index, count) {
  return `tone-${count > 1 ? Math.round((3 * index) / (count - 1)) : 3}`;
}

function itemsBefore(surveyIndex) {
  return config.surveys.slice(0, surveyIndex).reduce((n, s) => n + s.items.length, 0);
}

function renderQuestion() {
  const survey = config.surveys[state.survey];
  const item = survey.items[state.question];
  const total = itemsBefore(config.surveys.length);
  const done = itemsBefore(state.survey) + state.question;
  $("progress-text").textContent = t("question", { n: done + 1, total });
  $("progress").max = total;
  $("progress").value = done;
  $("survey-title").textContent = survey.title[lang];
  $("question").textContent = item.text[lang];
  const count = item.labels.length;
  $("choices").replaceChildren(...item.labels.map((label, i) => {
    const button = document.createElement("button");
    button.type = "button";
    button.className = `choice ${tone(i, count)}`;
    button.dataset.item = item.code;
    button.dataset.value = String(label.value);
    button.setAttribute("aria-pressed", String(state.answers[item.code] === label.value));
    const word = document.createElement("span");
    word.className = "word";
    word.textContent = label[lang];
    button.append(face(i, count), word);
    button.addEventListener("click", () => answer(item.code, label.value));
    return button;
  }));
  $("back").hidden = state.question === 0;
  show("question");
}

function answer(code, value) {
  if (!state) return;
  state.answers[code] = value;
  state.question += 1;
  const survey = config.surveys[state.survey];
  if (state.question < survey.items.length) renderQuestion();
  else if (survey.profile) renderProfile();
  else finishSurvey();
}

function renderProfile() {
  $("profile-groups").replaceChildren(...PROFILE.map((field) => {
    const group = document.createElement("fieldset");
    group.className = "profile-group";
    const legend = document.createElement("legend");
    legend.textContent = t(field);
    const options = document.createElement("div");
    options.className = "options";
    for (const choice of config.profile[field]) {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "option";
      button.dataset.profile = field;
      button.dataset.code = choice.code;
      button.textContent = choice[lang];
      button.setAttribute("aria-pressed", String(state.profile[field] === choice.code));
      button.addEventListener("click", () => {
        if (state.profile[field] === choice.code) delete state.profile[field];
        else state.profile[field] = choice.code;
        for (const other of options.children) {
          other.setAttribute("aria-pressed", String(state.profile[field] === other.dataset.code));
        }
      });
      options.append(button);
    }
    group.append(legend, options);
    return group;
  }));
  show("profile");
}

function newId() {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

// Shown -> sent, bucketed here: the exact time never leaves the tablet (integrity checks only
// need to know that a survey took, say, under 10 seconds).
function durationBucket(started) {
  const seconds = (Date.now() - started) / 1000;
  let bucket = 0;
  for (const bound of config.duration_buckets || []) if (seconds >= bound) bucket = bound;
  return bucket;
}

async function finishSurvey() {
  const survey = config.surveys[state.survey];
  const body = {
    id: newId(), instrument: survey.slug, answers: state.answers,
    profile: survey.profile ? state.profile : {}, answered_at: Date.now(),
    duration: durationBucket(state.shown),
  };
  const respondent = state;
  respondent.shown = Date.now();
  respondent.answers = {};
  respondent.survey += 1;
  respondent.question = 0;
  if (respondent.survey < config.surveys.length) renderQuestion();
  else thanks();
  await store.enqueue({ kiosk: config.kiosk, body });
  updateStatus();
  flush();
}

function thanks() {
  state = null;
  clearTimeout(idleTimer);
  show("thanks");
  thanksTimer = setTimeout(toStart, config.thanks_seconds * 1000);
}

function toStart() {
  clearTimeout(idleTimer);
  clearTimeout(thanksTimer);
  state = null;
  if (revoked) return show("revoked");
  lang = "id";
  applyTexts();
  show("start");
}

function start() {
  state = { survey: 0, question: 0, answers: {}, profile: {}, shown: Date.now() };
  renderQuestion();
  armIdle();
}

// A half-filled survey left alone is thrown away: the next person starts afresh.
function armIdle() {
  clearTimeout(idleTimer);
  if (state && config) idleTimer = setTimeout(toStart, config.idle_seconds * 1000);
}

function setRevoked() {
  revoked = true;
  state = null;
  clearTimeout(idleTimer);
  clearTimeout(thanksTimer);
  store.setMeta("revoked", true);
  show("revoked");
}

function setUnenrolled() {
  key = null;
  state = null;
  show("unenrolled");
}

function post(url, body) {
  return fetch(url, {
    method: "POST",
    headers: { "Content-Type": "application/json", Authorization: `Kiosk ${key}` },
    body: JSON.stringify(body),
    credentials: "omit",
    cache: "no-store",
  });
}

async function updateStatus() {
  const waiting = await store.count();
  root.dataset.queued = String(waiting);
  const parts = [];
  if (!navigator.onLine) parts.push(t("offline"));
  if (waiting) parts.push(t("waiting", { n: waiting }));
  $("status").textContent = parts.join(" ");
}

function retryLater() {
  clearTimeout(retryTimer);
  retryTimer = setTimeout(flush, RETRY_MS);
}

async function flush() {
  if (sending) {
    sendAgain = true;
    return;
  }
  if (revoked || !key) return;
  sending = true;
  try {
    const items = await store.pending();
    for (const item of items) {
      if (config && item.kiosk !== config.kiosk) {
        await store.remove(item.seq);
        continue;
      }
      let response;
      try {
        response = await post(root.dataset.submit, { ...item.body, queued: items.length });
      } catch {
        retryLater(); // offline, or the reply was lost: the same id goes again later
        break;
      }
      if (response.status === 200 || response.status === 201) {
        await store.remove(item.seq);
      } else if (response.status === 403) {
        setRevoked();
        break;
      } else if (response.status === 401) {
        setUnenrolled();
        break;
      } else if (response.status === 422) {
        await store.remove(item.seq); // the server will never take it: do not block the rest
      } else {
        retryLater(); // rate limit or server trouble
        break;
      }
    }
  } finally {
    sending = false;
    await updateStatus();
  }
  if (sendAgain) {
    sendAgain = false;
    flush();
  }
}

async function hello() {
  if (!key || revoked) return;
  let response;
  try {
    response = await post(root.dataset.hello, { queued: await store.count() });
  } catch {
    return;
  }
  if (response.status === 403) return setRevoked();
  if (response.status === 401) return setUnenrolled();
  if (!response.ok) return;
  config = (await response.json()).config;
  await store.setMeta("config", config);
  if (!state && ["loading", "start"].includes(root.dataset.screen)) toStart();
}

function registerWorker() {
  if (!("serviceWorker" in navigator)) return; // plain HTTP on a LAN address: no reload offline
  navigator.serviceWorker.register(root.dataset.sw, { scope: root.dataset.scope })
    .then(() => navigator.serviceWorker.ready)
    .then(() => { root.dataset.offlineReady = "1"; })
    .catch(() => {});
}

async function boot() {
  $("start").addEventListener("click", start);
  $("back").addEventListener("click", () => {
    if (state && state.question > 0) {
      state.question -= 1;
      renderQuestion();
    }
  });
  $("profile-skip").addEventListener("click", () => {
    if (!state) return;
    state.profile = {};
    finishSurvey();
  });
  $("profile-finish").addEventListener("click", () => { if (state) finishSurvey(); });
  $("switch-lang").addEventListener("click", () => {
    lang = TEXTS[lang].switch_lang;
    applyTexts();
  });
  document.addEventListener("pointerdown", armIdle, true);
  document.addEventListener("keydown", armIdle, true);
  window.addEventListener("online", () => { hello().then(flush); });
  window.addEventListener("offline", updateStatus);
  registerWorker();

  key = await store.getMeta("key");
  config = await store.getMeta("config");
  revoked = Boolean(await store.getMeta("revoked"));
  if (revoked) show("revoked");
  else if (!key) show("unenrolled");
  else if (config) toStart();
  await hello();
  await flush();
  setInterval(() => { hello().then(flush); }, HELLO_MS);
  root.dataset.ready = "1";
}

boot();
