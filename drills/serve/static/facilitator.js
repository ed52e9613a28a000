"use strict";
// The facilitator's page: create a drill, hand out join links, run it, see everything.

// The token is an HttpOnly cookie the server set at the first visit: requests carry it.
const auth = {};
let current = null;
let options = null;

async function load() {
  try { options = await api("GET", "/api/options", undefined, auth); }
  catch (e) {
    notice(/token/.test(e.message) ? "Open the facilitator link that 'drill serve' printed (it carries the token)." : e.message, "error");
    return;
  }
  const scenario = document.getElementById("f-scenario");
  fill(scenario, Object.entries(options.scenarios).map(([id, title]) => el("option", {value: id, selected: id === "overheating-kettle"}, title)));
  const rulebook = document.getElementById("f-rulebook");
  fill(rulebook, Object.keys(options.rulebooks).map((id) => el("option", {value: id}, id)));
  rulebook.addEventListener("change", roles);
  fill(document.getElementById("f-team"), options.teams.map((id) => el("option", {value: id, selected: id === "standard"}, id)));
  roles();
  preview();
  scenario.addEventListener("change", preview);
  const drills = await listDrills();
  // The open drill is in the address (?drill=ID): a reload comes back to it.
  const wanted = new URLSearchParams(location.search).get("drill");
  const found = drills.find((d) => d.id === wanted);
  if (found) open(found.id, found, true);
  else if (wanted) notice(`No drill ${wanted} on this server.`, "error");
}

// Plain words for a name written for machines: "comms_lead" -> "comms lead".
function plain(name) {
  return String(name).replace(/_/g, " ");
}

// What the chosen scenario holds, before a drill is made of it.
async function preview() {
  const id = document.getElementById("f-scenario").value;
  const box = document.getElementById("f-preview");
  try {
    const p = await api("GET", `/api/scenarios/${encodeURIComponent(id)}/preview`, undefined, auth);
    if (document.getElementById("f-scenario").value !== id) return;
    fill(box, [
      el("b", {}, p.title), p.description ? el("span", {}, " — ", p.description) : null,
      el("div", {class: "sub"}, `${p.hours} hours · ${p.cluster} crisis · ${p.platforms.join(", ")} · ${p.locale}` +
        (p.tasks ? ` · ${p.tasks} critical tasks for the evaluator` : "")),
      p.injects.length ? el("ul", {class: "list"}, ...p.injects.map((i) => el("li", {},
        `${i.when}: ${i.kind}`, i.subject ? ` “${i.subject}”` : "", i.to.length ? ` to ${i.to.join(", ")}` : ""))) : null,
      ...p.breaks.map((b) => el("div", {class: "sub"}, `Break ${b.when} (${b.minutes} min) ${b.title}`))]);
  } catch (e) { box.textContent = `No preview: ${e.message}`; }
}

function roles() {
  const book = document.getElementById("f-rulebook").value;
  // Each role: played by a person or not, and that person's name (shown on the pages and
  // in the report; the role's name when left empty).
  fill(document.getElementById("f-roles"), options.rulebooks[book].map((role) =>
    el("div", {class: "person"},
      el("label", {class: "check"}, el("input", {type: "checkbox", name: "role", value: role, checked: ["comms_lead", "legal"].includes(role)}), plain(role)),
      el("input", {name: `name-${role}`, placeholder: "name (optional)", maxlength: 80, "aria-label": `Name of the person playing ${plain(role)}`}))));
}

async function listDrills() {
  let drills = [];
  try { drills = await api("GET", "/api/drills", undefined, auth); }
  catch (e) { notice(`Could not load the drill list: ${e.message}`, "error"); return drills; }
  fill(document.getElementById("drills"), drills.slice().reverse().map((d) =>
    el("li", {class: d.id === current ? "current" : ""}, el("button", {class: "link", onclick: () => open(d.id, d)}, `${d.id}`),
      ` ${d.spec.scenario} · ${d.spec.team} · seed ${d.spec.seed} · ${d.status}`, d.id === current ? " (open)" : "")));
  return drills;
}

// The list stays current: when the page comes back into view, and every few seconds while
// it is in view (a drill made in another tab, or one that ended, shows without a reload).
document.addEventListener("visibilitychange", () => { if (!document.hidden && options) listDrills(); });
setInterval(() => { if (!document.hidden && options) listDrills(); }, 10000);

document.getElementById("create").addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = new FormData(event.target);
  const humans = form.getAll("role").map((role) => {
    const name = String(form.get(`name-${role}`) || "").trim();
    return name ? {role, name} : role;
  });
  try {
    const made = await api("POST", "/api/drills", {
      scenario: form.get("scenario"), rulebook: form.get("rulebook"), team: form.get("team"),
      seed: Number(form.get("seed")), start: form.get("start"), speed: Number(form.get("speed")), humans}, auth);
    notice(`Drill ${made.id} created: hand out the join links, then Start.`);
    await listDrills();
    open(made.id, {join: made.join, room: made.room});
  } catch (e) { notice(e.message, "error"); }
});

let lastStatus = null;

function open(id, drill, restoring) {
  current = id;
  lastStatus = null;
  const address = new URL(location.href);
  address.searchParams.set("drill", id);
  if (restoring) history.replaceState(null, "", address);
  else history.pushState(null, "", address);
  // Nothing of the drill shown before stays on screen while this one loads.
  for (const box of ["feed", "actions", "obligations", "objectives", "injects", "signals", "score"]) fill(document.getElementById(box), []);
  document.getElementById("report-link").hidden = true;
  document.getElementById("report-link-sv").hidden = true;
  document.getElementById("title").textContent = `Drill ${id}`;
  evaluatorLink(id);
  document.getElementById("drill").hidden = false;
  document.getElementById("setup").open = false;
  const join = document.getElementById("join");
  const items = [];
  for (const [role, codes] of Object.entries(drill.join)) {
    for (const code of [].concat(codes)) {
      const link = `${location.origin}/join/${code}`;
      items.push(el("div", {class: "joincard"}, el("img", {src: `/qr/${code}.svg`, alt: `QR code for ${plain(role)}`}),
        el("div", {}, el("b", {"data-role": role}, plain(role)), el("div", {class: "code"}, code), el("a", {href: link, target: "_blank"}, link))));
    }
  }
  fill(join, items);
  roomControls(drill);
  const room = document.getElementById("room-link");
  room.textContent = `${location.origin}/room/${drill.room}`;
  room.href = `/room/${drill.room}`;
  fill(document.getElementById("adhoc-to"), Object.keys(drill.join).map((r) => el("option", {value: r}, plain(r))));
  follow(`/api/drills/${id}/stream`, (state) => { if (current === id) render(state); });
  listDrills();
}

async function evaluatorLink(id) {
  const box = document.getElementById("evaluator-link");
  box.replaceChildren();
  try {
    const made = await api("POST", `/api/drills/${id}/evaluator`, {}, auth);
    if (current !== id) return;
    const link = `${location.origin}${made.url}`;
    fill(box, [el("div", {class: "joincard"}, el("img", {src: `/qr/${made.code}.svg`, alt: "QR code for the evaluator"}),
      el("div", {}, el("b", {}, "evaluator"), el("div", {class: "code"}, made.code), el("a", {href: link, target: "_blank"}, link)))]);
  } catch (e) { notice(`No evaluator link: ${e.message}`, "error"); }
}

window.addEventListener("popstate", async () => {
  const wanted = new URLSearchParams(location.search).get("drill");
  const drills = await listDrills();
  const found = drills.find((d) => d.id === wanted);
  if (found && found.id !== current) open(found.id, found, true);
});

async function control(op, extra) {
  try {
    const result = await api("POST", `/api/drills/${current}/control`, Object.assign({op}, extra || {}), auth);
    notice(`${plain(op)}: ${result.status} at ${result.clock}`);
  } catch (e) { notice(e.message, "error"); }
}

document.getElementById("c-start").addEventListener("click", () => control("start"));
document.getElementById("c-pause").addEventListener("click", () => control("pause"));
document.getElementById("c-resume").addEventListener("click", () => control("resume"));
document.getElementById("c-end").addEventListener("click", () => { if (confirm("End the drill now?")) control("end"); });
document.getElementById("c-speed").addEventListener("submit", (e) => { e.preventDefault(); control("speed", {speed: Number(new FormData(e.target).get("speed"))}); });
document.getElementById("c-advance").addEventListener("submit", (e) => { e.preventDefault(); control("advance", {by: new FormData(e.target).get("by")}); });
document.getElementById("adhoc").addEventListener("submit", async (e) => {
  e.preventDefault();
  const form = new FormData(e.target);
  try {
    await api("POST", `/api/drills/${current}/inject`, {to: form.get("to"), kind: form.get("kind"), text: form.get("text")}, auth);
    notice("Inject sent."); e.target.reset();
  } catch (err) { notice(err.message, "error"); }
});

async function judge(id, status, comment) {
  try { await api("POST", `/api/drills/${current}/validate`, {objective: id, status, comment}, auth); notice(`${id}: ${status}.`); }
  catch (e) { notice(e.message, "error"); }
}

async function trigger(id) {
  try { await api("POST", `/api/drills/${current}/inject`, {inject: id}, auth); notice(`Inject ${id} triggered.`); }
  catch (e) { notice(e.message, "error"); }
}

// The open drill's language: the words for it came with the page (one set per catalogue);
// the drill's part of the page is labelled again when another drill's language differs.
function speak(state) {
  const wanted = state.lang || "en";
  const roles = JSON.stringify(state.role_names || {});
  if (PAGE_WORDS.lang === wanted && speak.roles === roles) return;
  PAGE_WORDS.lang = wanted;
  PAGE_WORDS.words = (pageData().words_by_lang || {})[wanted] || {};
  speak.roles = roles;
  for (const node of document.querySelectorAll("#drill [data-w]")) node.textContent = w(node.dataset.w);
  for (const option of document.querySelectorAll("#adhoc-to option, #message-to option")) {
    option.textContent = shown(option.value, (state.role_names || {})[option.value], plain(option.value));
  }
  for (const node of document.querySelectorAll("#drill [data-role]")) {
    node.textContent = shown(node.dataset.role, (state.role_names || {})[node.dataset.role], plain(node.dataset.role));
  }
  personasShown = "";
}

function render(state) {
  speak(state);
  header(state);
  renderRoomControls(state);
  if (state.status !== lastStatus) { lastStatus = state.status; listDrills(); }
  if (state.status === "ended") {
    const link = document.getElementById("report-link");
    link.hidden = false;
    link.href = `/drills/${current}/report`;
    link.target = "_blank";
    const swedish = document.getElementById("report-link-sv");
    swedish.hidden = false;
    swedish.href = `/drills/${current}/report?lang=sv`;
    swedish.target = "_blank";
  }
  const speed = document.querySelector("#c-speed input");
  if (document.activeElement !== speed) speed.value = state.speed;
  const score = state.score;
  fill(document.getElementById("score"), score ? [
    score.score === null ? el("div", {class: "big-score"}, w("not rated yet")) :
    el("div", {class: "big-score"}, score.score.toFixed(1), el("span", {class: "rating r-" + score.rating}, score.rating)),
    el("div", {class: "sub"}, w("timeliness {timeliness} · adherence {adherence} · conduct {conduct}", score.subscores)),
    el("ol", {class: "improve"}, ...score.improvements.map((t) => el("li", {}, t)))] : [el("p", {}, w("The score appears once the drill runs."))]);
  fill(document.getElementById("injects"), (state.injects || []).map((i) =>
    el("li", {}, el("button", {onclick: () => trigger(i.id)}, w("Trigger now")), ` ${i.id} · ${shown(i.kind, i.kind_name, i.kind.replace(/_/g, " "))} · ${i.at}`, injectExtra(i))));
  fill(document.getElementById("obligations"), (state.obligations || []).map((o) =>
    el("tr", {class: o.late ? "late" : ""}, el("td", {}, o.id), el("td", {}, shown(o.action, o.action_name, o.action.replace(/_/g, " "))),
      el("td", {}, shown(o.acting || o.role, (state.role_names || {})[o.acting || o.role], plain(o.acting || o.role)), o.paged ? " " + w("(paged: {role})", {role: shown(o.paged, (state.role_names || {})[o.paged])}) : ""), el("td", {}, o.due),
      el("td", {class: "countdown"}, o.left_text),
      el("td", {}, Object.entries(o.approvals).map(([r, s]) => `${shown(r, (state.role_names || {})[r])}: ${w(s)}`).join(", ")))));
  const objectives = state.objectives || [];
  document.getElementById("objectives-card").hidden = !objectives.length;
  if (!document.querySelector("#objectives select:focus, #objectives input:focus")) {
    fill(document.getElementById("objectives"), objectives.map((o) => {
      const verdict = el("select", {}, ...["met", "partly", "missed"].map((v) => el("option", {value: v}, w(v))));
      const note = el("input", {placeholder: w("comment"), maxlength: 2000});
      return el("tr", {}, el("td", {}, o.id), el("td", {}, shown(o.role, (state.role_names || {})[o.role], plain(o.role))), el("td", {}, o.expected), el("td", {}, o.points),
        el("td", {}, w(o.status) + (o.by ? ` (${o.by}${o.when ? " " + o.when : ""})` : "")),
        el("td", {class: "inline"}, verdict, note, el("button", {onclick: () => judge(o.id, verdict.value, note.value)}, w("Validate"))));
    }));
  }
  fill(document.getElementById("signals"), Object.entries(state.signals || {}).flatMap(([k, v]) => [el("dt", {}, signalName(k)), el("dd", {}, v)]));
  fill(document.getElementById("feed"), (state.feed || []).slice().reverse().map((e) => postItem(e, feedExtra(e))));
  const acts = (state.actions || []).slice().reverse().map((a) => { const item = actionItem(a); item.append(projectButton(a.id)); return item; });
  for (const v of (state.violations || []).slice().reverse()) acts.unshift(el("li", {class: "violation"}, w("{clock} violation by {member}: {reason}", {clock: v.clock, member: v.member, reason: v.reason_shown || v.reason})));
  fill(document.getElementById("actions"), acts);
}

load();
