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
    notice(done || w("Done."));
    refresh();
    return true;
  } catch (e) { notice(w("Not sent: {error}", {error: e.message}), "error"); return false; }
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
    const comment = el("textarea", {rows: 2, maxlength: 5000, placeholder: w("What should change? (sent to the drafter with the rejection)"), "aria-label": w("Comment on {id}", {id: i.id}), class: "comment"});
    const reject = () => {
      if (!comment.value.trim()) { notice(w("Say what should change before rejecting."), "error"); comment.focus(); return; }
      send({action: "reject", obligation: i.id, comment: comment.value}, w("Rejected {id}: sent back to the drafter.", {id: i.id}));
    };
    return el("li", {class: "item approval"},
      el("div", {}, el("span", {class: "tag"}, w("APPROVE")), " ", el("b", {}, i.id), " ", shown(i.action, i.action_name, i.action.replace(/_/g, " ")),
        i.round > 1 ? " · " + w("round {n}", {n: i.round}) : "", ` · ${i.left_text}`, i.channels.length ? " · " + w("via {channels}", {channels: i.channels.join(", ")}) : ""),
      i.draft ? el("blockquote", {class: "draft"}, i.draft) : el("p", {class: "empty"}, w("(no text to read)")),
      comment,
      el("div", {class: "buttons"},
        el("button", {class: "primary", onclick: () => send({action: "approve", obligation: i.id}, w("Approved {id}.", {id: i.id}))}, w("Approve")),
        el("button", {class: "danger", onclick: reject}, w("Reject with comment"))));
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
  const roleWords = shown(s.role, s.role_name, s.role.replace(/_/g, " "));
  const bare = s.name === s.role || s.name === s.role.replace(/_/g, " ") || s.name === roleWords;
  document.getElementById("who").textContent = bare ? roleWords : `${s.name} · ${roleWords}`;
  const count = s.messages.length + s.inbox.length;
  if (heard !== null && count > heard) ding();
  heard = count;
  if (typeof hotwashShow === "function") hotwashShow(s.status === "ended");
  if (first) {
    fill(document.getElementById("c-action"), s.public_actions.concat(["acknowledge", "notify", "route", "brief", "approve"]).map((a) => el("option", {value: a}, shown(a, (s.action_names || {})[a], a.replace(/_/g, " ")))));
    fill(document.getElementById("c-template"), [el("option", {value: ""}, w("(write your own)")), ...Object.keys(s.templates).map((t) => el("option", {value: t}, shown(t, (s.action_names || {})[t], t.replace(/_/g, " "))))]);
    renderChannels();
  }
  const obligationSelect = document.getElementById("c-obligation");
  const keep = obligationSelect.value;
  fill(obligationSelect, [el("option", {value: ""}, w("(none: your oldest of this action)")),
    ...s.inbox.filter((i) => i.kind !== "approval").map((i) => el("option", {value: i.id, selected: i.id === keep}, `${i.id} ${shown(i.action, i.action_name, i.action.replace(/_/g, " "))}`))]);
  fill(document.getElementById("inbox"), s.inbox.length ? s.inbox.map((i) => {
    const buttons = [];
    if (i.kind === "page" || !i.acknowledged && i.kind === "obligation") buttons.push(el("button", {onclick: () => send({action: "acknowledge", obligation: i.id}, w("Acknowledged {id}.", {id: i.id}))}, w("Acknowledge")));
    if (i.kind === "approval") return null;  // in the approvals block above
    if (i.action !== "acknowledge") buttons.push(el("button", {class: "primary", onclick: () => compose(i.action, i.id, i.event, i.channels)}, w("Do it")));
    const approvals = Object.entries(i.approvals).map(([r, st]) => `${shown(r, (s.role_names || {})[r])}: ${w(st)}` + (i.rejected[r] ? ` (“${i.rejected[r]}”)` : "")).join(", ");
    return el("li", {class: "item " + i.kind + (i.late ? " late" : "")},
      el("div", {}, el("span", {class: "tag"}, i.kind === "page" ? w("PAGE") : i.kind === "approval" ? w("APPROVE") : w("TO DO")), " ",
        el("b", {}, i.id), " ", shown(i.action, i.action_name, i.action.replace(/_/g, " ")), " " + w("as {role}", {role: shown(i.as, i.as_name)})),
      el("div", {class: "countdown"}, i.left_text, approvals ? ` · ${approvals}` : "", i.channels.length ? " · " + w("via {channels}", {channels: i.channels.join(", ")}) : ""),
      el("div", {class: "buttons"}, ...buttons));
  }).filter((item) => item !== null) : [el("li", {class: "empty"}, w("Nothing waits for you."))]);
  renderApprovals(s.inbox.filter((i) => i.kind === "approval"));
  // A message that expects something of this role: what, by when, and a button to respond
  // (acting on the message meets it).
  fill(document.getElementById("messages"), s.messages.length ? s.messages.slice().reverse().map((m) => {
    const mine = s.expected.filter((x) => x.event === m.id);
    return postItem(m, mine.length ? el("div", {class: "expected"},
      ...mine.map((x) => el("div", {class: "countdown"}, el("span", {class: "tag"}, w("EXPECTED")), " ", el("b", {}, x.id), " ", x.reaction, ` · ${x.left_text}`)),
      el("span", {class: "acts"}, el("button", {class: "primary", onclick: () => compose("brief", null, m.id, [])}, w("Respond")))) : null);
  }) : [el("li", {class: "empty"}, w("No messages."))]);
  const platforms = ["all"].concat(s.platforms);
  fill(document.getElementById("tabs"), platforms.map((p) => el("button", {class: "tab" + (p === platform ? " on" : ""), onclick: () => { platform = p; render(state); }}, p === "all" ? w("all") : p)));
  const feed = s.feed.filter((e) => platform === "all" || e.platform === platform).slice().reverse();
  fill(document.getElementById("feed"), feed.map((e) => postItem(e, e.actionable ? el("span", {class: "acts"},
    el("button", {onclick: () => compose("reply", null, e.id, [e.platform])}, w("Reply")),
    el("button", {onclick: () => compose("move_private", null, e.id, [e.platform])}, w("Move to private")),
    el("button", {onclick: () => { if (confirm(w("Delete {id}?", {id: e.id}))) send({action: "delete_comment", event: e.id}, w("Deleted {id}.", {id: e.id})); }}, w("Delete")),
    e.kind === "misinformation" ? el("button", {onclick: () => compose("correct_misinformation", null, null, [e.platform])}, w("Correct")) : null) : null)));
  fill(document.getElementById("statements"), s.statements.length ? s.statements.slice().reverse().map(actionItem) : [el("li", {class: "empty"}, w("No public statement yet."))]);
}

function channels() {
  return Array.from(document.querySelectorAll("#c-channels input:checked")).map((i) => i.value);
}

async function check() {
  const text = document.getElementById("c-text").value;
  const action = document.getElementById("c-action").value;
  const result = await api("POST", `/api/drills/${body.drill}/coach`, {action, channels: channels(), text}, code);
  fill(document.getElementById("coaching"), result.notes.length ? result.notes.map((n) => el("li", {}, n)) : [el("li", {class: "ok"}, w("Looks good."))]);
  return result.notes;
}

document.getElementById("c-check").addEventListener("click", () => check().catch((e) => notice(w("Could not check the text: {error}", {error: e.message}), "error")));
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
  if (!await send(payload, w("Published: {action}.", {action: shown(payload.action, (state.action_names || {})[payload.action], payload.action.replace(/_/g, " "))}))) return;
  e.target.reset();
  chosenChannels = null;
  renderChannels();
});

document.getElementById("c-draft").addEventListener("click", async () => {
  const obligation = document.getElementById("c-obligation").value;
  const text = document.getElementById("c-text").value;
  if (!obligation) { notice(w("Choose the obligation the draft is for."), "error"); return; }
  const payload = {action: "draft", obligation};
  if (text.trim()) payload.text = text;
  await send(payload, w("Sent {id} for approval: the approvers read it now.", {id: obligation}));
});

document.getElementById("sound").addEventListener("click", (e) => chimeToggle(e.target));
refresh();
follow(`/api/drills/${body.drill}/stream?code=${encodeURIComponent(body.code)}`, render);
