"use strict";
// Shared by every page: build DOM from data (text only, never HTML), call the API, follow
// the live stream (Server-Sent Events, reconnecting; a page reload starts from the state).

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "class") node.className = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

// What the server put in the page for its script (a JSON block, never inline code).
function pageData() {
  const block = document.getElementById("page");
  return block ? JSON.parse(block.textContent) : {};
}

// The page's words in the drill's language: the server hands them over, built from its
// catalogue (drills/i18n); there is no catalogue in the scripts. A message it did not hand
// over (an English page) reads as written. Values fill the message's {fields}.
const PAGE_WORDS = {lang: pageData().lang || "en", words: pageData().words || {}};

function w(message, values) {
  const words = PAGE_WORDS.words;
  const text = Object.prototype.hasOwnProperty.call(words, message) ? words[message] : message;
  return values ? text.replace(/\{(\w+)\}/g, (m, key) => (key in values ? String(values[key]) : m)) : text;
}

// A role or an action as the page shows it: its display name in the drill's language (an
// English page shows what it always showed).
function shown(id, name, english) {
  if (PAGE_WORDS.lang === "en" || !name) return english === undefined ? id : english;
  return name;
}

function fill(node, children) {
  node.replaceChildren(...children);
}

function notice(text, kind) {
  const box = document.getElementById("notice");
  if (!box) return;
  box.textContent = text;
  box.className = "notice " + (kind || "");
  box.hidden = !text;
  if (text && kind !== "error") setTimeout(() => { if (box.textContent === text) box.hidden = true; }, 4000);
}

async function api(method, path, body, headers) {
  const options = {method, headers: Object.assign({"Accept": "application/json"}, headers || {})};
  if (body !== undefined) {
    options.headers["Content-Type"] = "application/json";
    options.body = JSON.stringify(body);
  }
  let response;
  try { response = await fetch(path, options); }
  catch (e) { connection(false); throw new Error(w("the server cannot be reached (connection lost); try again")); }
  const text = await response.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch (e) { data = {error: text}; }
  if (!response.ok) throw new Error((data && data.error) || response.statusText);
  return data;
}

// One live stream per page: following another drill closes the one before.
let following = null;

function follow(path, onData) {
  if (following) following.stop();
  let source = null;
  let stopped = false;
  function open() {
    if (stopped) return;
    source = new EventSource(path);
    source.onopen = () => connection(true);
    source.onmessage = (event) => { connection(true); onData(JSON.parse(event.data)); };
    source.onerror = () => { source.close(); if (!stopped) connection(false); setTimeout(open, 1000); };
  }
  following = {stop() { stopped = true; if (source) source.close(); }};
  open();
}

// A banner while the live connection is down (the page reconnects by itself).
function connection(up) {
  let banner = document.getElementById("connection");
  if (!banner) {
    banner = el("div", {id: "connection", class: "connection", role: "alert", hidden: true},
      w("Connection lost: reconnecting… What you see may be out of date; what you type is kept."));
    document.body.prepend(banner);
  }
  banner.hidden = up;
}

// Plain words for the monitoring signals (never a field name on a screen).
const SIGNAL_WORDS = {mentions_1h: "mentions in the last hour", negative_share: "share negative",
  velocity: "new posts a minute", reach_1h: "people reached in the last hour",
  press_1h: "press contacts in the last hour", arousal_1h: "how heated (last hour)",
  influencers_1h: "influencer posts in the last hour", misinformation_1h: "false claims in the last hour",
  mentions_15m: "mentions (last 15 minutes)", negative_15m: "negative posts (last 15 minutes)",
  negative_1h: "negative posts (last hour)", negative_reach_1h: "negative reach (last hour)",
  press_total: "press (whole drill)", misinformation_share: "misinformation share"};

function signalName(key) {
  if (SIGNAL_WORDS[key]) return w(SIGNAL_WORDS[key]);
  return String(key).replace(/_1h$/, " (last hour)").replace(/_15m$/, " (last 15 minutes)")
    .replace(/_total$/, " (whole drill)").replace(/^negative /, "negative posts ").replace(/_/g, " ");
}

// An optional chime when a message arrives (the person switches it on: browsers allow
// sound only after a click).
const chime = {on: false, context: null};

function chimeToggle(button) {
  chime.on = !chime.on;
  if (chime.on && !chime.context) chime.context = new (window.AudioContext || window.webkitAudioContext)();
  button.textContent = chime.on ? w("Sound on") : w("Sound off");
  button.setAttribute("aria-pressed", String(chime.on));
}

function ding() {
  if (!chime.on || !chime.context) return;
  const ctx = chime.context, osc = ctx.createOscillator(), gain = ctx.createGain();
  osc.frequency.value = 880;
  gain.gain.setValueAtTime(0.15, ctx.currentTime);
  gain.gain.exponentialRampToValueAtTime(0.001, ctx.currentTime + 0.4);
  osc.connect(gain).connect(ctx.destination);
  osc.start();
  osc.stop(ctx.currentTime + 0.4);
}

function header(state) {
  document.getElementById("clock").textContent = state.clock || "";
  const sev = document.getElementById("severity");
  if (state.severity) {
    sev.textContent = shown(state.severity.name, state.severity.shown);
    sev.className = "sev level" + Math.min(state.severity.level, 4);
  }
  const plainStatus = {created: "not started yet", paused: "paused", ended: "ended", failed: "stopped by an error"};
  const status = state.status === "running" ? w("running · {speed}× speed", {speed: state.speed}) : (plainStatus[state.status] ? w(plainStatus[state.status]) : state.status || "");
  document.getElementById("status").textContent = status;
  if (state.title) document.getElementById("title").textContent = state.title;
}

function sentimentClass(value) {
  return value <= -0.5 ? "neg" : value < -0.05 ? "meh" : value > 0.2 ? "pos" : "";
}

function postItem(event, extra) {
  const kind = ["mention", "reply", "reshare"].includes(event.kind) ? null : el("span", {class: "kind"}, shown(event.kind, event.kind_name, event.kind.replace(/_/g, " ")));
  return el("li", {class: "post " + sentimentClass(event.sentiment) + (event.to ? " to-role" : "")},
    el("span", {class: "meta"}, el("b", {}, event.id), " ", event.clock, " ", el("span", {class: "platform p-" + event.platform}, event.platform), " ", event.handle ? "@" + event.handle : ""),
    kind, event.subject ? el("b", {class: "subject"}, event.subject, " ") : null,
    event.from ? el("span", {class: "meta"}, w("from {sender}", {sender: event.from}), " ") : null,
    el("span", {class: "text"}, event.text),
    event.attachments && event.attachments.length ? el("span", {class: "meta"}, w("attached: {files}", {files: event.attachments.join(", ")})) : null,
    extra || null);
}

function actionItem(action) {
  const where = action.channels && action.channels.length ? " " + w("via {channels}", {channels: action.channels.join(", ")}) : "";
  return el("li", {class: "act" + (action.human ? " human" : "")},
    el("span", {class: "meta"}, action.clock, " ", el("b", {}, action.member), " (", shown(action.role, action.role_name), ")"),
    " ", shown(action.action, action.action_name, action.action.replace(/_/g, " ")), where, action.obligation ? " · " + action.obligation : "",
    action.text ? el("q", {}, action.text) : null);
}
