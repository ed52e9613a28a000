"use strict";
// The room wall: a read-only view for a projector.

const body = pageData();
const names = {mentions_1h: "mentions / hour", negative_share: "negative", velocity: "velocity", reach_1h: "reach / hour", press_1h: "press / hour"};

function render(s) {
  header(s);
  fill(document.getElementById("trending"), Object.entries(s.trending || {}).map(([k, v]) =>
    el("div", {class: "metric"}, el("div", {class: "value"}, k === "negative_share" ? Math.round(v * 100) + "%" : Math.round(v).toLocaleString(PAGE_WORDS.lang === "en" ? undefined : PAGE_WORDS.lang)), el("div", {class: "label"}, names[k] ? w(names[k]) : signalName(k)))));
  const shown = s.projected;
  document.getElementById("projected").hidden = !shown;
  fill(document.getElementById("projected-item"), shown ? [shown.type === "post" ? postItem(shown) : actionItem(shown)] : []);
  fill(document.getElementById("feed"), (s.feed || []).slice().reverse().map((e) => postItem(e)));
  const said = (s.statements || []).slice().reverse().map(actionItem);
  fill(document.getElementById("statements"), said.length ? said : [el("li", {class: "empty"}, w("No public statement yet."))]);
}

api("GET", `/api/drills/${body.drill}/state?room=${encodeURIComponent(body.room)}`).then(render).catch((e) => console.error(e));
follow(`/api/drills/${body.drill}/stream?room=${encodeURIComponent(body.room)}`, render);
