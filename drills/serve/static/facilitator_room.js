"use strict";
// The facilitator's tabletop controls (issue 19): edit a waiting inject, schedule a message
// to roles, post as a persona, and choose what the room wall projects. Every one is an input
// the drill logs, so a replay and the report see it. Texts are shown as text, never HTML.

const PLATFORMS = ["x", "tiktok", "instagram", "facebook", "linkedin", "youtube", "news"];
const KINDS = ["customer", "journalist", "influencer", "regulator", "employee", "activist", "politician", "public"];
let personasShown = "";

// The page's forms lay out with CSS display, which outranks the hidden attribute.
function show(node, on) { node.style.display = on ? "" : "none"; }

async function send(path, body, said) {
  try { await api("POST", `/api/drills/${current}/${path}`, body, auth); notice(said); return true; }
  catch (e) { notice(e.message, "error"); return false; }
}

function projectButton(id) {
  return el("button", {class: "link", title: w("Show it on the room wall"), onclick: () =>
    send("control", {op: "project", item: id}, w("{id} is on the room wall.", {id}))}, w("project"));
}

function feedExtra(event) {
  const reply = event.to ? null : el("button", {class: "link", title: w("Reply to it as a persona"), onclick: () => {
    document.getElementById("persona-reply").value = event.id;
    document.querySelector("#persona textarea").focus();
  }}, w("reply as persona"));
  return el("span", {class: "meta"}, " ", projectButton(event.id), " ", reply);
}

// An edit form lives across re-renders (the list is drawn again on every update): typing in
// it is never lost.
const editors = {};

function injectExtra(inject) {
  if (!inject.editable) return null;
  if (!editors[inject.id]) editors[inject.id] = editor(inject);
  return editors[inject.id];
}

function editor(inject) {
  const text = el("textarea", {rows: 2, maxlength: 2000}, (inject.text || "").replace(/\{\{/g, "{").replace(/\}\}/g, "}"));
  const at = el("input", {placeholder: "new time, like 2h from the start", size: 14});
  const to = el("input", {placeholder: "roles, comma-separated", value: (inject.to || []).join(", "), size: 18});
  const form = el("form", {class: "form edit", onsubmit: async (e) => {
    e.preventDefault();
    const body = {edit: inject.id, text: text.value};
    if (at.value.trim()) body.at = at.value.trim();
    if (inject.to && inject.to.length) body.to = to.value.split(",").map((r) => r.trim()).filter(Boolean);
    if (await send("inject", body, w("{id} changed.", {id: inject.id}))) show(form, false);
  }}, el("label", {}, w("Text"), " ", text), el("label", {}, w("At"), " ", at), inject.to && inject.to.length ? el("label", {}, w("To"), " ", to) : null, el("button", {}, w("Save")));
  show(form, false);  // through the CSSOM: the page's CSP refuses inline style attributes
  return el("span", {}, " ", el("button", {class: "link", onclick: () => show(form, form.style.display === "none")}, w("edit")), form);
}

function roomControls(drill) {
  const roles = Object.keys(drill.join || {});
  fill(document.getElementById("message-to"), roles.map((r) => el("option", {value: r}, r.replace(/_/g, " "))));
  fill(document.getElementById("persona-platform"), PLATFORMS.map((p) => el("option", {value: p}, p)));
  fill(document.getElementById("persona-kind"), KINDS.map((k) => el("option", {value: k}, k)));
  personasShown = "";
}

function renderRoomControls(state) {
  const personas = state.personas || [];
  const key = JSON.stringify(personas);
  if (key !== personasShown) {
    personasShown = key;
    fill(document.getElementById("persona-pick"), [el("option", {value: ""}, w("typed in below")),
      ...personas.map((p) => el("option", {value: p.id}, `${p.name} (@${p.handle}, ${p.kind}, ${p.followers.toLocaleString()} on ${p.platform})`))]);
  }
  show(document.getElementById("persona-typed"), document.getElementById("persona-pick").value === "");
  const shown = state.projected;
  fill(document.getElementById("projected"), shown ? [
    el("ol", {class: "feed"}, shown.type === "post" ? postItem(shown) : actionItem(shown)),
    el("button", {onclick: () => send("control", {op: "project", item: ""}, w("The wall shows the feed."))}, w("Clear the wall"))]
    : [el("p", {}, w("The public feed. Project a post or an action to show it there."))]);
}

document.getElementById("persona-pick").addEventListener("change", (e) => {
  show(document.getElementById("persona-typed"), e.target.value === "");
});

document.getElementById("message").addEventListener("submit", async (e) => {
  e.preventDefault();
  const form = new FormData(e.target);
  const body = {to: form.getAll("to"), text: form.get("text"), channel: form.get("channel")};
  for (const key of ["from", "subject"]) if (form.get(key)) body[key] = form.get(key);
  const when = String(form.get("in") || "").replace(/^in\s+/, "").trim();
  if (when && when !== "now") body.in = when;
  if (form.get("attachment")) body.attachments = [form.get("attachment")];
  if (await send("inject", body, when && when !== "now" ? w("Message scheduled in {when}.", {when}) : w("Message sent."))) e.target.reset();
});

document.getElementById("persona").addEventListener("submit", async (e) => {
  e.preventDefault();
  const form = new FormData(e.target);
  const body = {text: form.get("text")};
  if (form.get("persona")) body.persona = form.get("persona");
  else {
    body.handle = form.get("handle"); body.platform = form.get("platform"); body.kind = form.get("kind");
    body.followers = Number(form.get("followers") || 0);
    if (form.get("name")) body.name = form.get("name");
  }
  if (form.get("reply_to")) body.reply_to = form.get("reply_to");
  if (await send("post", body, w("Posted in the public feed."))) {
    e.target.querySelector("textarea").value = "";
    document.getElementById("persona-reply").value = "";
  }
});
