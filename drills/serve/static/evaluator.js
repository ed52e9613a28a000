"use strict";
// The evaluator's page: the drill's critical tasks (objective -> capability -> task), each
// rated P/S/M/U with a note kept at the drill's moment. The drill's clock comes live; the
// ratings are the server's (a reload shows them all).

const body = pageData();
const code = {"X-Evaluator-Code": body.code};
let data = null;

function lastRating(task) {
  let rating = "";
  for (const r of data.ratings) if (r.task === task && r.rating) rating = r.rating;
  return rating;
}

async function refresh() {
  try { render(await api("GET", `/api/drills/${body.drill}/evaluation`, undefined, code)); }
  catch (e) { notice(e.message, "error"); }
}

async function rate(task, rating, noteBox) {
  const note = noteBox.value;
  try {
    const saved = await api("POST", `/api/drills/${body.drill}/evaluation`, {task, rating, note}, code);
    noteBox.value = "";  // kept until the server has it
    notice(rating ? w("Saved at {clock}: {task} rated {rating}.", {clock: saved.clock || w("the end"), task, rating})
      : w("Saved at {clock}: {task}.", {clock: saved.clock || w("the end"), task}));
    refresh();
  } catch (e) { notice(w("Not saved ({error}); your note is still here.", {error: e.message}), "error"); }
}

function taskItem(t) {
  const noteBox = el("textarea", {rows: 2, maxlength: 2000, placeholder: w("What you saw (optional)"), "aria-label": w("Note on {id}", {id: t.id})});
  const current = lastRating(t.id);
  return el("li", {class: "task", "data-task": t.id},
    el("div", {class: "meta"}, w("Capability:"), " ", el("b", {}, t.capability)),
    el("div", {class: "what"}, t.task, current ? el("span", {class: "rating r-" + current}, current) : null),
    noteBox,
    el("div", {class: "buttons"},
      ...["P", "S", "M", "U"].map((r) => el("button", {class: "rate r-" + r + (current === r ? " on" : ""), title: w("Rate {rating}", {rating: r}), onclick: () => rate(t.id, r, noteBox)}, r)),
      el("button", {onclick: () => rate(t.id, "", noteBox)}, w("Note only"))));
}

function render(d) {
  const first = data === null;
  data = d;
  if (first || !document.querySelector(".tasks textarea:focus")) {
    const typed = new Map(Array.from(document.querySelectorAll(".task")).map((n) => [n.dataset.task, n.querySelector("textarea").value]));
    // Tasks under their objective (HSEEP: objective -> capability -> critical task).
    const items = [];
    let objective = null;
    for (const t of d.tasks) {
      if (t.objective !== objective) { objective = t.objective; items.push(el("li", {class: "objective"}, el("h3", {}, objective))); }
      items.push(taskItem(t));
    }
    fill(document.getElementById("tasks"), items.length ? items : [el("li", {class: "empty"}, w("No critical tasks: the rulebook requires nothing."))]);
    for (const node of document.querySelectorAll(".task")) node.querySelector("textarea").value = typed.get(node.dataset.task) || "";
  }
  const names = new Map(d.tasks.map((t) => [t.id, t.task]));
  fill(document.getElementById("notes"), d.ratings.length ? d.ratings.slice().reverse().map((r) =>
    el("li", {class: "act"}, el("span", {class: "meta"}, r.clock || w("{time} in", {time: `${Math.floor(r.t / 60)}h${String(Math.floor(r.t % 60)).padStart(2, "0")}`})),
      r.rating ? el("b", {}, r.rating + " ") : null, names.get(r.task) || r.task, r.note ? el("q", {}, r.note) : null))
    : [el("li", {class: "empty"}, w("No ratings yet."))]);
}

refresh().then(() => {
  if (data) follow(`/api/drills/${body.drill}/stream?room=${encodeURIComponent(data.room)}`, (s) => {
    header(s);
    if (s.status === "ended" && data.status !== "ended") refresh();
  });
});
