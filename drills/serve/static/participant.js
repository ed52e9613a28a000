"use strict";
// A participant's page: the role's inbox, the feed to act on, a composer with templates and
// coaching before publishing, the team's public statements. Acts only as the join code's role.

const body = pageData();
const code = {"X-Join-Code": body.code};
let state = null;
let platform = "all";
let chosenChannels = null;

// True when the server took it; otherwise the error stays on screen (and the composer
// keeps what was typed).
async function send(payload, done) {
  try {
    await api("POST", `/api/drills/${body.drill}/actions`, payload, code);
    notice(done || "Done.");
    refresh();
    return true;
  } catch (e) { notice(`Not sent: ${e.message}`, "error"); return false; }
}

let heard = null;

async function refresh() {
  try { render(await api("GET", `/api/drills/${body.drill}/state`, undefined, code)); }
  catch (e) { notice(e.message, "error"); }
}

// Drafts waiting for this role's approval: the text to read, Approve, or Reject with a
// comment. Drawn again only when the drafts change, so a comment being typed survives the
// state pushed every second.
let approvalsKey = null;
function renderApprovals(items) {
  const key = JSON.stringify(items.map((i) => [i.id, i.round, i.draft]));
  if (key === approvalsKey) return;
  approvalsKey = key;
  const box = document.getElementById("approvals");
  box.hidden = !items.length;
  fill(box, items.map((i) => {
    const comment = el("textarea", {rows: 2, maxlength: 5000, placeholder: "What should change? (sent to the drafter with the rejection)", "aria-label": `Comment on ${i.id}`, class: "comment"});
    const reject = () => {
      if (!comment.value.trim()) { notice("Say what should change before rejecting.", "error"); comment.focus(); return; }
      send({action: "reject", obligation: i.id, comment: comment.value}, `Rejected ${i.id}: sent back to the drafter.`);
    };
    return el("li", {class: "item approval"},
      el("div", {}, el("span", {class: "tag"}, "APPROVE"), " ", el("b", {}, i.id), " ", i.action.replace(/_/g, " "),
        i.round > 1 ? ` · round ${i.round}` : "", ` · ${i.left_text}`, i.channels.length ? ` · via ${i.channels.join(", ")}` : ""),
      i.draft ? el("blockquote", {class: "draft"}, i.draft) : el("p", {class: "empty"}, "(no text to read)"),
      comment,
      el("div", {class: "buttons"},
        el("button", {class: "primary", onclick: () => send({action: "approve", obligation: i.id}, `Approved ${i.id}.`)}, "Approve"),
        el("button", {class: "danger", onclick: reject}, "Reject with comment")));
  }));
}

function compose(action, obligation, event, channels) {
  document.getElementById("c-action").value = action;
  document.getElementById("c-obligation").value = obligation || "";
  document.getElementById("c-event").value = event || "";
  chosenChannels = channels || null;
  renderChannels();
  const template = state.templates[action];
  const text = document.getElementById("c-text");
  if (template && !text.value) text.value = template;
  document.getElementById("composer").scrollIntoView({behavior: "smooth"});
  text.focus();
}

function renderChannels() {
  const box = document.getElementById("c-channels");
  const checked = new Set(chosenChannels || []);
  fill(box, (state ? state.platforms : []).map((p) =>
    el("label", {class: "check"}, el("input", {type: "checkbox", name: "channel", value: p, checked: checked.has(p)}), p)));
}

function render(s) {
  const first = state === null;
  state = s;
  header(s);
  const roleWords = s.role.replace(/_/g, " ");
  document.getElementById("who").textContent = s.name === s.role || s.name === roleWords ? roleWords : `${s.name} · ${roleWords}`;
  const count = s.messages.length + s.inbox.length;
  if (heard !== null && count > heard) ding();
  heard = count;
  if (typeof hotwashShow === "function") hotwashShow(s.status === "ended");
  if (first) {
    fill(document.getElementById("c-action"), s.public_actions.concat(["acknowledge", "notify", "route", "brief", "approve"]).map((a) => el("option", {value: a}, a.replace(/_/g, " "))));
    fill(document.getElementById("c-template"), [el("option", {value: ""}, "(write your own)"), ...Object.keys(s.templates).map((t) => el("option", {value: t}, t.replace(/_/g, " ")))]);
    renderChannels();
  }
  const obligationSelect = document.getElementById("c-obligation");
  const keep = obligationSelect.value;
  fill(obligationSelect, [el("option", {value: ""}, "(none: your oldest of this action)"),
    ...s.inbox.filter((i) => i.kind !== "approval").map((i) => el("option", {value: i.id, selected: i.id === keep}, `${i.id} ${i.action.replace(/_/g, " ")}`))]);
  fill(document.getElementById("inbox"), s.inbox.length ? s.inbox.map((i) => {
    const buttons = [];
    if (i.kind === "page" || !i.acknowledged && i.kind === "obligation") buttons.push(el("button", {onclick: () => send({action: "acknowledge", obligation: i.id}, `Acknowledged ${i.id}.`)}, "Acknowledge"));
    if (i.kind === "approval") return null;  // in the approvals block above
    if (i.action !== "acknowledge") buttons.push(el("button", {class: "primary", onclick: () => compose(i.action, i.id, i.event, i.channels)}, "Do it"));
    const approvals = Object.entries(i.approvals).map(([r, st]) => `${r}: ${st}` + (i.rejected[r] ? ` (“${i.rejected[r]}”)` : "")).join(", ");
    return el("li", {class: "item " + i.kind + (i.late ? " late" : "")},
      el("div", {}, el("span", {class: "tag"}, i.kind === "page" ? "PAGE" : i.kind === "approval" ? "APPROVE" : "TO DO"), " ",
        el("b", {}, i.id), " ", i.action.replace(/_/g, " "), ` as ${i.as}`),
      el("div", {class: "countdown"}, i.left_text, approvals ? ` · ${approvals}` : "", i.channels.length ? ` · via ${i.channels.join(", ")}` : ""),
      el("div", {class: "buttons"}, ...buttons));
  }).filter((item) => item !== null) : [el("li", {class: "empty"}, "Nothing waits for you.")]);
  renderApprovals(s.inbox.filter((i) => i.kind === "approval"));
  // A message that expects something of this role: what, by when, and a button to respond
  // (acting on the message meets it).
  fill(document.getElementById("messages"), s.messages.length ? s.messages.slice().reverse().map((m) => {
    const mine = s.expected.filter((x) => x.event === m.id);
    return postItem(m, mine.length ? el("div", {class: "expected"},
      ...mine.map((x) => el("div", {class: "countdown"}, el("span", {class: "tag"}, "EXPECTED"), " ", el("b", {}, x.id), " ", x.reaction, ` · ${x.left_text}`)),
      el("span", {class: "acts"}, el("button", {class: "primary", onclick: () => compose("brief", null, m.id, [])}, "Respond"))) : null);
  }) : [el("li", {class: "empty"}, "No messages.")]);
  const platforms = ["all"].concat(s.platforms);
  fill(document.getElementById("tabs"), platforms.map((p) => el("button", {class: "tab" + (p === platform ? " on" : ""), onclick: () => { platform = p; render(state); }}, p)));
  const feed = s.feed.filter((e) => platform === "all" || e.platform === platform).slice().reverse();
  fill(document.getElementById("feed"), feed.map((e) => postItem(e, e.actionable ? el("span", {class: "acts"},
    el("button", {onclick: () => compose("reply", null, e.id, [e.platform])}, "Reply"),
    el("button", {onclick: () => compose("move_private", null, e.id, [e.platform])}, "Move to private"),
    el("button", {onclick: () => { if (confirm(`Delete ${e.id}?`)) send({action: "delete_comment", event: e.id}, `Deleted ${e.id}.`); }}, "Delete"),
    e.kind === "misinformation" ? el("button", {onclick: () => compose("correct_misinformation", null, null, [e.platform])}, "Correct") : null) : null)));
  fill(document.getElementById("statements"), s.statements.length ? s.statements.slice().reverse().map(actionItem) : [el("li", {class: "empty"}, "No public statement yet.")]);
}

function channels() {
  return Array.from(document.querySelectorAll("#c-channels input:checked")).map((i) => i.value);
}

async function check() {
  const text = document.getElementById("c-text").value;
  const action = document.getElementById("c-action").value;
  const result = await api("POST", `/api/drills/${body.drill}/coach`, {action, channels: channels(), text}, code);
  fill(document.getElementById("coaching"), result.notes.length ? result.notes.map((n) => el("li", {}, n)) : [el("li", {class: "ok"}, "Looks good.")]);
  return result.notes;
}

document.getElementById("c-check").addEventListener("click", () => check().catch((e) => notice(`Could not check the text: ${e.message}`, "error")));
document.getElementById("c-text").addEventListener("input", () => fill(document.getElementById("coaching"), []));
document.getElementById("c-template").addEventListener("change", (e) => {
  if (e.target.value) document.getElementById("c-text").value = state.templates[e.target.value];
});
document.getElementById("composer").addEventListener("submit", async (e) => {
  e.preventDefault();
  const form = new FormData(e.target);
  const payload = {action: form.get("action")};
  if (form.get("obligation")) payload.obligation = form.get("obligation");
  if (form.get("event")) payload.event = form.get("event").trim();
  const chosen = channels();
  if (chosen.length) payload.channels = chosen;
  if (form.get("text").trim()) payload.text = form.get("text");
  if (payload.text) {
    try { await check(); } catch (err) { /* the send below says what went wrong */ }
  }
  if (!await send(payload, `Published: ${payload.action.replace(/_/g, " ")}.`)) return;
  e.target.reset();
  chosenChannels = null;
  renderChannels();
});

document.getElementById("c-draft").addEventListener("click", async () => {
  const obligation = document.getElementById("c-obligation").value;
  const text = document.getElementById("c-text").value;
  if (!obligation) { notice("Choose the obligation the draft is for.", "error"); return; }
  const payload = {action: "draft", obligation};
  if (text.trim()) payload.text = text;
  await send(payload, `Sent ${obligation} for approval: the approvers read it now.`);
});

document.getElementById("sound").addEventListener("click", (e) => chimeToggle(e.target));
refresh();
follow(`/api/drills/${body.drill}/stream?code=${encodeURIComponent(body.code)}`, render);
