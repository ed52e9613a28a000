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
  const response = await fetch(path, options);
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
    source.onmessage = (event) => onData(JSON.parse(event.data));
    source.onerror = () => { source.close(); setTimeout(open, 1000); };
  }
  following = {stop() { stopped = true; if (source) source.close(); }};
  open();
}

function header(state) {
  document.getElementById("clock").textContent = state.clock || "";
  const sev = document.getElementById("severity");
  if (state.severity) {
    sev.textContent = state.severity.name;
    sev.className = "sev level" + Math.min(state.severity.level, 4);
  }
  const status = state.status === "running" ? `running · ${state.speed}x` : (state.status || "");
  document.getElementById("status").textContent = status;
  if (state.title) document.getElementById("title").textContent = state.title;
}

function sentimentClass(value) {
  return value <= -0.5 ? "neg" : value < -0.05 ? "meh" : value > 0.2 ? "pos" : "";
}

function postItem(event, extra) {
  const kind = ["mention", "reply", "reshare"].includes(event.kind) ? null : el("span", {class: "kind"}, event.kind.replace(/_/g, " "));
  return el("li", {class: "post " + sentimentClass(event.sentiment) + (event.to ? " to-role" : "")},
    el("span", {class: "meta"}, el("b", {}, event.id), " ", event.clock, " ", el("span", {class: "platform p-" + event.platform}, event.platform), " ", event.handle ? "@" + event.handle : ""),
    kind, event.subject ? el("b", {class: "subject"}, event.subject, " ") : null,
    event.from ? el("span", {class: "meta"}, "from ", event.from, " ") : null,
    el("span", {class: "text"}, event.text),
    event.attachments && event.attachments.length ? el("span", {class: "meta"}, "attached: ", event.attachments.join(", ")) : null,
    extra || null);
}

function actionItem(action) {
  const where = action.channels && action.channels.length ? " via " + action.channels.join(", ") : "";
  return el("li", {class: "act" + (action.human ? " human" : "")},
    el("span", {class: "meta"}, action.clock, " ", el("b", {}, action.member), " (", action.role, ")"),
    " ", action.action.replace(/_/g, " "), where, action.obligation ? " · " + action.obligation : "",
    action.text ? el("q", {}, action.text) : null);
}
